"""`stack describe NAME --output json` (id, name, active, components by type) and `stack delete
NAME -y --recursive`, which deletes the components no other stack uses."""

import json
import os

from _cli import cli
from zenml.client import Client
from zenml.enums import StackComponentType

AS = StackComponentType.ARTIFACT_STORE
client = Client()
client.create_stack_component(name="mine", flavor="local", component_type=AS,
                              configuration={"path": os.path.abspath("mine")})
client.create_stack(name="s", components={StackComponentType.ORCHESTRATOR: "default",
                                          AS: "mine"})

described = json.loads(cli("stack", "describe", "s", "--output", "json").stdout)
assert described["id"] == str(client.get_stack("s").id)
assert described["name"] == "s" and described["active"] is False
assert [c["name"] for c in described["components"]["artifact_store"]] == ["mine"]
assert [c["flavor"] for c in described["components"]["orchestrator"]] == ["local"]

cli("stack", "delete", "s", "-y", "--recursive")
assert [s.name for s in client.list_stacks()] == ["default"]
assert [c.name for c in client.list_stack_components(type=AS)] == ["default"]
assert [c.name for c in client.list_stack_components(
    type=StackComponentType.ORCHESTRATOR)] == ["default"]  # still used by the default stack
print("ok")
