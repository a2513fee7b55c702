"""`stack copy SRC DST` shares the components; `stack delete NAME -y` refuses the active stack and
deletes others; unknown names exit non-zero."""

import os

from _cli import cli
from zenml.client import Client
from zenml.enums import StackComponentType

client = Client()
os.makedirs("c", exist_ok=True)
client.create_stack_component(name="c_store", flavor="local",
                              component_type=StackComponentType.ARTIFACT_STORE,
                              configuration={"path": os.path.abspath("c")})
client.create_stack(name="orig", components={StackComponentType.ORCHESTRATOR: "default",
                                             StackComponentType.ARTIFACT_STORE: "c_store"})
client.activate_stack("orig")  # persisted: the CLI sees it

cli("stack", "copy", "orig", "dup")
dup = client.get_stack("dup")
assert dup.components[StackComponentType.ARTIFACT_STORE][0].name == "c_store"
assert dup.id != client.get_stack("orig").id

failed = cli("stack", "delete", "orig", "-y", ok=False)
assert "active" in failed.all
cli("stack", "delete", "dup", "-y")
assert sorted(s.name for s in client.list_stacks()) == ["default", "orig"]
cli("stack", "delete", "nope", "-y", ok=False)
cli("stack", "describe", "nope", ok=False)
print("ok")
