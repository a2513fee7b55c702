"""A pipeline run on a newly registered and activated stack writes its artifacts under that
stack's artifact store path; the run's stack is that stack."""

import os

from zenml import pipeline, step
from zenml.client import Client
from zenml.enums import StackComponentType


@step
def make() -> int:
    return 41


@pipeline
def where():
    make()


client = Client()
root = os.path.abspath("elsewhere")
os.makedirs(root, exist_ok=True)
client.create_stack_component(name="elsewhere", flavor="local",
                              component_type=StackComponentType.ARTIFACT_STORE,
                              configuration={"path": root})
client.create_stack(name="elsewhere_stack", components={
    StackComponentType.ORCHESTRATOR: "default",
    StackComponentType.ARTIFACT_STORE: "elsewhere"})
client.activate_stack("elsewhere_stack")
run = where()
run = client.get_pipeline_run(run.id)
assert run.stack.name == "elsewhere_stack"
version = run.steps["make"].output
assert version.uri.startswith(root)
assert version.load() == 41
assert os.listdir(root)

client.activate_stack("default")
run2 = where()  # different store: runs again or is served from the cache; either way loads
assert client.get_pipeline_run(run2.id).stack.name == "default"
assert client.get_pipeline_run(run2.id).steps["make"].output.load() == 41
print("ok")
