"""The kubeflow and vertex orchestrator flavors are known by their ZenML names and fields, and a
vertex orchestrator registers with the lesson's configuration."""

from zenml.client import Client
from zenml.enums import StackComponentType

client = Client()
orchestrators = {f.name for f in client.get_flavors_by_type(StackComponentType.ORCHESTRATOR)}
assert {"kubeflow", "vertex"} <= orchestrators, orchestrators

vertex = client.get_flavor_by_name_and_type("vertex", StackComponentType.ORCHESTRATOR)
fields = set(vertex.config_schema["properties"])
assert {
    "project",
    "location",
    "pipeline_root",
    "workload_service_account",
    "network",
    "encryption_spec_key_name",
    "labels",
    "synchronous",
    "service_account_path",
} <= fields, fields
assert "location" in vertex.config_schema.get("required", [])

kubeflow = client.get_flavor_by_name_and_type("kubeflow", StackComponentType.ORCHESTRATOR)
fields = set(kubeflow.config_schema["properties"])
assert {"kubeflow_hostname", "kubeflow_namespace", "synchronous", "timeout"} <= fields, fields

component = client.create_stack_component(
    name="vertex_orchestrator",
    flavor="vertex",
    component_type=StackComponentType.ORCHESTRATOR,
    configuration={
        "project": "my-gcp-project",
        "location": "us-central1",
        "pipeline_root": "gs://my-company-ml-artifacts/vertex-pipelines",
    },
)
assert component.flavor_name == "vertex"
assert component.configuration["location"] == "us-central1"
assert component.configuration["pipeline_root"] == "gs://my-company-ml-artifacts/vertex-pipelines"
print("ok")
