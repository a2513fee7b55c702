"""create/get/list/update/delete_stack_component for artifact stores, with the errors a user hits:
duplicate name, unknown flavor, unknown config key, deleting a component a stack uses."""

import os

from zenml.client import Client
from zenml.enums import StackComponentType
from zenml.exceptions import EntityExistsError, IllegalOperationError

AS = StackComponentType.ARTIFACT_STORE
client = Client()
path = os.path.abspath("store_a")
os.makedirs(path, exist_ok=True)

comp = client.create_stack_component(name="store_a", flavor="local", component_type=AS,
                                     configuration={"path": path})
assert comp.name == "store_a" and comp.type == AS and comp.flavor_name == "local"
assert comp.configuration == {"path": path}

got = client.get_stack_component(AS, "store_a")
assert got.id == comp.id and got.configuration["path"] == path
assert client.get_stack_component(AS, comp.id).name == "store_a"
assert client.get_stack_component(AS, str(comp.id)[:8]).name == "store_a"

try:
    client.create_stack_component(name="store_a", flavor="local", component_type=AS,
                                  configuration={"path": path})
except Exception as e:
    assert isinstance(e, EntityExistsError) and "store_a" in str(e)
else:
    raise AssertionError("a duplicate component name is an error")
try:
    client.create_stack_component(name="bad", flavor="no_such_flavor", component_type=AS,
                                  configuration={})
except KeyError as e:
    assert "no_such_flavor" in str(e)
else:
    raise AssertionError("an unknown flavor is a KeyError")
try:
    client.create_stack_component(name="bad", flavor="local", component_type=AS,
                                  configuration={"path": path, "nonsense": 1})
except ValueError as e:
    assert "nonsense" in str(e)
else:
    raise AssertionError("an unknown configuration key is a ValueError")

stores = client.list_stack_components(type=AS)
assert sorted(c.name for c in stores) == ["default", "store_a"]
assert sorted(c.name for c in client.list_stack_components(type="artifact_store")) == \
    ["default", "store_a"]
all_components = client.list_stack_components()
assert all_components.total >= 3  # at least the default orchestrator and store, and store_a
one = client.list_stack_components(size=1)
assert one.size == 1 and one.total == all_components.total and one.total_pages == one.total
assert [c.name for c in client.list_stack_components(name="store_a")] == ["store_a"]

renamed = client.update_stack_component("store_a", AS, name="store_b")
assert renamed.name == "store_b" and renamed.id == comp.id
new_path = os.path.abspath("store_c")
os.makedirs(new_path, exist_ok=True)
moved = client.update_stack_component("store_b", AS, configuration={"path": new_path})
assert moved.configuration["path"] == new_path
assert client.get_stack_component(AS, "store_b").configuration["path"] == new_path

client.create_stack(name="uses_b", components={
    StackComponentType.ORCHESTRATOR: "default", AS: "store_b"})
try:
    client.delete_stack_component("store_b", AS)
except Exception as e:
    assert isinstance(e, IllegalOperationError) and "store_b" in str(e)
else:
    raise AssertionError("a component a stack uses cannot be deleted")
client.delete_stack("uses_b")
client.delete_stack_component("store_b", AS)
assert [c.name for c in client.list_stack_components(type=AS)] == ["default"]
try:
    client.get_stack_component(AS, "store_b")
except KeyError:
    pass
else:
    raise AssertionError("a deleted component is gone")
print("ok")
