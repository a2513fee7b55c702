"""`artifact-store describe/update --path/delete`; deleting or describing an unknown one exits
non-zero."""

import os

from _cli import cli
from zenml.client import Client
from zenml.enums import StackComponentType

AS = StackComponentType.ARTIFACT_STORE
client = Client()
client.create_stack_component(name="blobs", flavor="local", component_type=AS,
                              configuration={"path": os.path.abspath("a")})
assert "blobs" in cli("artifact-store", "describe", "blobs").all

second = os.path.abspath("b")
cli("artifact-store", "update", "blobs", f"--path={second}")
assert client.get_stack_component(AS, "blobs").configuration["path"] == second

cli("artifact-store", "delete", "blobs")
assert [c.name for c in client.list_stack_components(type=AS)] == ["default"]
cli("artifact-store", "delete", "blobs", ok=False)
cli("artifact-store", "describe", "blobs", ok=False)
print("ok")
