"""`artifact-store register NAME --flavor=local --path=...`, `stack register NAME -a STORE -o ORCH`,
`stack list --output json` (active, id, name, components by type), `stack describe NAME`."""

import os

from _cli import cli, cli_json
from zenml.client import Client
from zenml.enums import StackComponentType

store = os.path.abspath("store")
cli("artifact-store", "register", "mystore", "--flavor=local", f"--path={store}")
registered = cli("stack", "register", "mystack", "-a", "mystore", "-o", "default")
assert "mystack" in registered.all

client = Client()
stack = client.get_stack("mystack")
assert stack.components[StackComponentType.ARTIFACT_STORE][0].name == "mystore"
assert stack.components[StackComponentType.ORCHESTRATOR][0].name == "default"
assert client.get_stack_component(StackComponentType.ARTIFACT_STORE, "mystore") \
    .configuration["path"] == store

listed = cli_json("stack", "list")
by_name = {s["name"]: s for s in listed["items"]}
assert set(by_name) == {"default", "mystack"}
assert listed["pagination"]["total"] == 2
assert by_name["default"]["active"] is True and by_name["mystack"]["active"] is False
assert by_name["mystack"]["artifact_store"] == "mystore"
assert by_name["mystack"]["orchestrator"] == "default"
assert by_name["mystack"]["id"] == str(stack.id)

described = cli("stack", "describe", "mystack")
assert "mystack" in described.all and "mystore" in described.all
print("ok")
