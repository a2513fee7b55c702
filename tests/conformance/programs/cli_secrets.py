"""`secret create NAME --key=value ...`, `secret get` (shows the values; stackwise only with
--reveal), `secret list --output json`, `secret update NAME --key=value`, `secret delete NAME -y`;
a missing secret exits non-zero."""

from _cli import cli, cli_json
from _support import ON_STACKWISE
from zenml.client import Client

cli("secret", "create", "db", "--user=alice", "--password=pw1")
client = Client()
assert client.get_secret("db").secret_values == {"user": "alice", "password": "pw1"}

if ON_STACKWISE:  # masked unless asked (docs/zenml-differences.md)
    assert "pw1" not in cli("secret", "get", "db").all
    shown = cli("secret", "get", "db", "--reveal")
else:
    shown = cli("secret", "get", "db")
assert "alice" in shown.all and "pw1" in shown.all

listed = cli_json("secret", "list")
assert [(s["name"], s["id"]) for s in listed["items"]] == \
    [("db", str(client.get_secret("db").id))]

cli("secret", "update", "db", "--password=pw2")
assert client.get_secret("db").secret_values == {"user": "alice", "password": "pw2"}

cli("secret", "delete", "db", "-y")
assert client.list_secrets().total == 0
cli("secret", "get", "db", ok=False)
print("ok")
