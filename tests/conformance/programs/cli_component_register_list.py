"""`artifact-store register` / `artifact-store list --output json` (name, flavor, active, id,
--name and --columns); a duplicate name or an unknown flavor exits non-zero."""

import os

from _cli import cli, cli_json
from zenml.client import Client
from zenml.enums import StackComponentType

first = os.path.abspath("first")
cli("artifact-store", "register", "blobs", "--flavor=local", f"--path={first}")
comp = Client().get_stack_component(StackComponentType.ARTIFACT_STORE, "blobs")
assert comp.configuration["path"] == first and comp.flavor_name == "local"

items = cli_json("artifact-store", "list")["items"]
by_name = {c["name"]: c for c in items}
assert set(by_name) == {"default", "blobs"}
assert by_name["blobs"]["flavor"] == "local"
assert by_name["blobs"]["id"] == str(comp.id)
assert by_name["default"]["active"] is True and by_name["blobs"]["active"] is False

only = cli_json("artifact-store", "list", "--name", "blobs", "--columns", "name,flavor")
assert only["items"] == [{"name": "blobs", "flavor": "local"}]

dup = cli("artifact-store", "register", "blobs", "--flavor=local", f"--path={first}", ok=False)
assert "blobs" in dup.all
cli("artifact-store", "register", "bad", "--flavor=no_such_flavor", "--path=/tmp", ok=False)
print("ok")
