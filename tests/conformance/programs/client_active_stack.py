"""active_stack_model (a StackResponse: name, components by StackComponentType, each with
flavor_name/type/configuration) and active_stack (the Stack with its orchestrator and store)."""

import os

from zenml.client import Client
from zenml.enums import StackComponentType

client = Client()
model = client.active_stack_model
assert model.name == "default"
assert model.id == client.get_stack().id == client.get_stack("default").id
assert StackComponentType.ORCHESTRATOR in model.components
assert StackComponentType.ARTIFACT_STORE in model.components
assert all(isinstance(k, StackComponentType) for k in model.components)
orch = model.components[StackComponentType.ORCHESTRATOR][0]
assert orch.name == "default"
assert orch.flavor_name == "local"
assert orch.flavor.name == "local"  # the flavor model
assert orch.type == StackComponentType.ORCHESTRATOR and orch.type == "orchestrator"
store = model.components[StackComponentType.ARTIFACT_STORE][0]
assert store.name == "default" and store.flavor_name == "local"
assert isinstance(store.configuration, dict)

stack = client.active_stack
assert stack.name == "default"
assert stack.orchestrator.name == "default"
assert stack.artifact_store.name == "default"
assert type(stack.orchestrator).__name__ == "LocalOrchestrator"
assert type(stack.artifact_store).__name__ == "LocalArtifactStore"
path = stack.artifact_store.path
assert os.path.isabs(path)
assert stack.experiment_tracker is None and stack.step_operator is None
print("ok")
