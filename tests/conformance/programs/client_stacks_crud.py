"""create_stack/get_stack/list_stacks/update_stack/delete_stack/activate_stack and their errors:
duplicate, missing artifact store, deleting the active stack."""

import os
import re

from zenml.client import Client
from zenml.enums import StackComponentType
from zenml.exceptions import EntityExistsError

AS = StackComponentType.ARTIFACT_STORE
ORCH = StackComponentType.ORCHESTRATOR
client = Client()
for name in ("one", "two"):
    os.makedirs(name, exist_ok=True)
    client.create_stack_component(name=f"store_{name}", flavor="local", component_type=AS,
                                  configuration={"path": os.path.abspath(name)})

st = client.create_stack(name="dev", components={ORCH: "default", AS: "store_one"})
assert st.name == "dev"
assert st.components[AS][0].name == "store_one"
assert st.components[ORCH][0].name == "default"
assert client.get_stack("dev").id == st.id
assert client.get_stack(st.id).name == "dev"
assert client.get_stack(str(st.id)[:8]).name == "dev"

try:
    client.create_stack(name="dev", components={ORCH: "default", AS: "store_one"})
except Exception as e:
    assert isinstance(e, EntityExistsError) and "dev" in str(e)
else:
    raise AssertionError("a duplicate stack name is an error")
try:
    client.create_stack(name="no_store", components={ORCH: "default"})
except Exception as e:  # ZenML: a pydantic ValidationError (a ValueError)
    assert re.search(r"artifact[ _]store", str(e)), str(e)
else:
    raise AssertionError("a stack without an artifact store is an error")
assert [s.name for s in client.list_stacks()] == ["default", "dev"]

stacks = client.list_stacks(size=1)
assert stacks.total == 2 and stacks.total_pages == 2 and stacks.size == 1
assert [s.name for s in client.list_stacks(name="dev")] == ["dev"]

client.activate_stack("dev")
assert client.active_stack_model.name == "dev"
assert Client().active_stack_model.name == "dev"
assert client.active_stack.artifact_store.path == os.path.abspath("one")
try:
    client.delete_stack("dev")
except ValueError as e:
    assert "active" in str(e)
else:
    raise AssertionError("the active stack cannot be deleted")

renamed = client.update_stack("dev", name="staging")
assert renamed.name == "staging" and renamed.id == st.id
assert client.active_stack_model.name == "staging"  # still active under its new name
swapped = client.update_stack("staging", component_updates={AS: ["store_two"]})
assert swapped.components[AS][0].name == "store_two"
assert client.active_stack.artifact_store.path == os.path.abspath("two")

client.activate_stack("default")
client.delete_stack("staging")
assert [s.name for s in client.list_stacks()] == ["default"]
try:
    client.get_stack("staging")
except KeyError:
    pass
else:
    raise AssertionError("a deleted stack is gone")
# the components outlive the stack
assert client.get_stack_component(AS, "store_two").name == "store_two"
print("ok")
