"""`tag register -n NAME -c COLOR`, `tag list --output json` (id, name, color, exclusive; --name,
--columns); a duplicate exits non-zero, a missing --name is a usage error (exit 2)."""

from _cli import cli, cli_json
from zenml.client import Client

cli("tag", "register", "-n", "shiny", "-c", "red")
t = Client().get_tag("shiny")
assert t.color == "red" and t.exclusive is False
dup = cli("tag", "register", "-n", "shiny", ok=False)
assert "shiny" in dup.all
missing = cli("tag", "register", ok=False)
assert missing.returncode == 2

cli("tag", "register", "--name", "plain")
listed = cli_json("tag", "list")
by_name = {x["name"]: x for x in listed["items"]}
assert set(by_name) == {"shiny", "plain"}
assert by_name["shiny"]["color"] == "red" and by_name["shiny"]["exclusive"] is False
assert by_name["shiny"]["id"] == str(t.id)
assert cli_json("tag", "list", "--name", "plain", "--columns", "name")["items"] == \
    [{"name": "plain"}]
print("ok")
