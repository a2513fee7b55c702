"""Unknown names raise KeyError (naming what was asked for) from every Client getter."""

from zenml import pipeline, step
from zenml.client import Client
from zenml.enums import StackComponentType


@step
def one() -> int:
    return 1


@pipeline
def present():
    one()


present()
client = Client()

cases = {
    "get_pipeline": lambda: client.get_pipeline("ghost_pipeline"),
    "get_pipeline_run": lambda: client.get_pipeline_run("ghost_run"),
    "get_artifact": lambda: client.get_artifact("ghost_artifact"),
    "get_artifact_version": lambda: client.get_artifact_version("ghost_av"),
    "get_stack": lambda: client.get_stack("ghost_stack"),
    "get_stack_component": lambda: client.get_stack_component(
        StackComponentType.ARTIFACT_STORE, "ghost_store"),
    "get_secret": lambda: client.get_secret("ghost_secret"),
    "get_tag": lambda: client.get_tag("ghost_tag"),
    "get_flavor_by_name_and_type": lambda: client.get_flavor_by_name_and_type(
        "ghost_flavor", StackComponentType.ORCHESTRATOR),
}
for method, call in cases.items():
    try:
        call()
    except KeyError as e:
        wanted = "ghost_" + method.split("_")[-1]
        assert "ghost_" in str(e), (method, str(e))
    else:
        raise AssertionError(f"{method} of an unknown name returns instead of raising")

# an existing artifact with an unknown version
try:
    client.get_artifact_version("present::one::output", "7")
except KeyError:
    pass
else:
    raise AssertionError("an unknown version is a KeyError")
assert client.get_artifact_version("present::one::output", "1").load() == 1

try:
    client.activate_stack("ghost_stack")
except KeyError as e:
    assert "ghost_stack" in str(e)
else:
    raise AssertionError("activating an unknown stack is a KeyError")
print("ok")
