"""Registering components: an unknown flavor raises KeyError; a component type the backend
cannot run is refused before anything is stored (stackwise: the message says it is not
supported)."""

from _support import ON_STACKWISE
from zenml.client import Client
from zenml.enums import StackComponentType

client = Client()
try:
    client.create_stack_component("x", "no-such-flavor", StackComponentType.ORCHESTRATOR, {})
except KeyError as error:
    assert "no-such-flavor" in str(error)
else:
    raise AssertionError("an unknown flavor must raise KeyError")

for component_type in (StackComponentType.ANNOTATOR,):  # no annotator flavor named local
    try:
        client.create_stack_component("x", "local", component_type, {})
    except KeyError as error:
        if ON_STACKWISE:  # stackwise has no such components: it says so, not "no flavor"
            assert "does not support" in str(error) and component_type.value in str(error)
    else:
        raise AssertionError(f"a {component_type.value} must not be registered")
    assert not [c for c in client.list_stack_components() if c.name == "x"]
print("ok")
