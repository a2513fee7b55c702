"""list_flavors / get_flavor_by_name_and_type / get_flavors_by_type: built-in local flavors, remote
artifact stores and the mlflow tracker are known by their ZenML names."""

from zenml.client import Client
from zenml.enums import StackComponentType

client = Client()
local_orch = client.get_flavor_by_name_and_type("local", StackComponentType.ORCHESTRATOR)
assert local_orch.name == "local" and local_orch.type == StackComponentType.ORCHESTRATOR
assert local_orch.is_custom is False
local_store = client.get_flavor_by_name_and_type("local", StackComponentType.ARTIFACT_STORE)
assert local_store.type == "artifact_store"
assert "path" in local_store.config_schema["properties"]

stores = client.get_flavors_by_type(StackComponentType.ARTIFACT_STORE)
names = {f.name for f in stores}
assert {"local", "s3", "gcp", "azure"} <= names, names
assert all(f.type == StackComponentType.ARTIFACT_STORE for f in stores)
trackers = {f.name for f in client.get_flavors_by_type(StackComponentType.EXPERIMENT_TRACKER)}
assert "mlflow" in trackers
orchestrators = {f.name for f in client.get_flavors_by_type(StackComponentType.ORCHESTRATOR)}
assert "local" in orchestrators

page = client.list_flavors()
assert page.total >= len(names) + len(trackers)
assert page.max_size == 20 and page.size == min(20, page.total)
assert {f.name for f in client.list_flavors(type="artifact_store", size=100)} == names
locals_ = client.list_flavors(name="local", size=100)
assert {f.type for f in locals_} >= {StackComponentType.ORCHESTRATOR,
                                    StackComponentType.ARTIFACT_STORE}

try:
    client.get_flavor_by_name_and_type("warp_drive", StackComponentType.ORCHESTRATOR)
except KeyError as e:
    assert "warp_drive" in str(e)
else:
    raise AssertionError("an unknown flavor is a KeyError")
print("ok")
