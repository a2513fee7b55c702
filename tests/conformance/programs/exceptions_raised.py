"""What a user catches when things go wrong: not-found lookups, taken names, bad steps."""

from zenml import get_step_context, step
from zenml.client import Client
from zenml.enums import StackComponentType
from zenml.exceptions import EntityExistsError, StepInterfaceError, ZenMLBaseException
from zenml.materializers.built_in_materializer import BuiltInMaterializer

client = Client()
for lookup in (lambda: client.get_pipeline("nope"), lambda: client.get_pipeline_run("nope"),
               lambda: client.get_stack("nope"), lambda: client.get_artifact_version("nope"),
               lambda: client.get_stack_component(StackComponentType.ORCHESTRATOR, "nope")):
    try:
        lookup()
    except KeyError as error:
        assert "nope" in str(error), str(error)
    else:
        raise AssertionError("an unknown name must raise KeyError")

try:
    client.activate_stack("nope")
except KeyError:
    pass
else:
    raise AssertionError("activating an unknown stack must raise KeyError")

try:
    client.create_stack_component("default", "local", StackComponentType.ORCHESTRATOR, {})
except EntityExistsError as error:
    assert isinstance(error, ZenMLBaseException)
    assert "default" in str(error)
else:
    raise AssertionError("a taken component name must raise EntityExistsError")

# an output materializer for an output the step does not have: refused at definition
try:

    @step(output_materializers={"model": BuiltInMaterializer})
    def train() -> int:
        return 1

except StepInterfaceError as error:
    assert "model" in str(error)
else:
    raise AssertionError("output_materializers naming no output must be refused")

try:
    get_step_context()
except RuntimeError:
    pass
else:
    raise AssertionError("get_step_context() outside a step must raise RuntimeError")
print("ok")
