"""`tag update NAME -n NEW -c COLOR`, `tag delete NAME -y`; unknown tags exit non-zero."""

from _cli import cli, cli_json
from zenml.client import Client

client = Client()
t = client.create_tag(name="shiny", color="red")
client.create_tag(name="plain")

cli("tag", "update", "shiny", "-n", "shinier", "-c", "blue")
updated = client.get_tag("shinier")
assert updated.id == t.id and updated.color == "blue"
assert cli_json("tag", "list", "--name", "shinier", "--columns", "name,color")["items"] == \
    [{"name": "shinier", "color": "blue"}]

cli("tag", "delete", "shinier", "-y")
assert [x.name for x in client.list_tags()] == ["plain"]
cli("tag", "delete", "shinier", "-y", ok=False)
cli("tag", "update", "ghost", "-n", "x", ok=False)
print("ok")
