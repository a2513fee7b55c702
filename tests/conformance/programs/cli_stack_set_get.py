"""`stack set NAME` persists the active stack; `stack get`, `stack describe` (no name: the active
one) and `stack list` show it; `stack set` of an unknown stack exits non-zero."""

import os

from _cli import cli, cli_json
from zenml.client import Client
from zenml.enums import StackComponentType

client = Client()
os.makedirs("s", exist_ok=True)
client.create_stack_component(name="s_store", flavor="local",
                              component_type=StackComponentType.ARTIFACT_STORE,
                              configuration={"path": os.path.abspath("s")})
client.create_stack(name="work", components={StackComponentType.ORCHESTRATOR: "default",
                                             StackComponentType.ARTIFACT_STORE: "s_store"})

cli("stack", "set", "work")
assert "work" in cli("stack", "get").all
active = [s["name"] for s in cli_json("stack", "list", "--columns", "name,active")["items"]
          if s["active"]]
assert active == ["work"]
assert "s_store" in cli("stack", "describe").all
failed = cli("stack", "set", "nope", ok=False)
assert "nope" in failed.all
print("ok")
