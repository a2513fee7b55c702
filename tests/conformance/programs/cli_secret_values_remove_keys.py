"""`secret create NAME --values JSON`, a duplicate name, `secret list --name N --columns name`
(never the values), `secret update NAME --k=v -r KEY`; unknown secrets exit non-zero (the basic
create/get/list/update/delete round trip is cli_secrets)."""

from _cli import cli, cli_json
from zenml.client import Client

client = Client()
cli("secret", "create", "db", "--user=me", "--password=pw1")
cli("secret", "create", "api", "--values", '{"token": "t0k"}')
assert client.get_secret("api").secret_values == {"token": "t0k"}
dup = cli("secret", "create", "db", "--user=x", ok=False)
assert "db" in dup.all

listed = cli_json("secret", "list")
assert sorted(s["name"] for s in listed["items"]) == ["api", "db"]
assert "pw1" not in str(listed) and "t0k" not in str(listed)
only = cli_json("secret", "list", "--name", "api", "--columns", "name")
assert only["items"] == [{"name": "api"}]

cli("secret", "update", "db", "--password=pw2", "--host=db.internal", "-r", "user")
assert client.get_secret("db").secret_values == {"password": "pw2", "host": "db.internal"}

cli("secret", "delete", "api", "-y")
cli("secret", "delete", "api", "-y", ok=False)
cli("secret", "update", "nope", "--k=v", ok=False)
print("ok")
