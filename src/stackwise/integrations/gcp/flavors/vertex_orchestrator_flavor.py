"""The Vertex AI orchestrator flavor: its configuration and the Flavor naming it. Imports
neither kfp nor google-cloud-aiplatform: this module is read whenever the flavor is looked
up."""

from __future__ import annotations

from pydantic import Field, field_validator

from stackwise.enums import StackComponentType
from stackwise.integrations.gcp import GCP
from stackwise.stack.flavor import Flavor
from stackwise.stack.stack_component import StackComponentConfig


class VertexOrchestratorConfig(StackComponentConfig):
    """Where Vertex AI Pipelines runs the steps (ZenML's field names). Without
    `service_account_path` the Google SDK uses Application Default Credentials
    (GOOGLE_APPLICATION_CREDENTIALS, `gcloud auth application-default login`, the metadata
    server)."""

    project: str | None = Field(
        default=None, description="Google Cloud project (unset: the credentials' project)"
    )
    location: str = Field(description="Vertex AI region, e.g. 'us-central1'")
    pipeline_root: str | None = Field(
        default=None,
        description="gs:// folder Vertex keeps the pipeline's own files in (unset: "
        "<artifact store path>/vertex_pipeline_root)",
    )
    service_account_path: str | None = Field(
        default=None,
        description="Service-account JSON key this client submits with (unset: Application "
        "Default Credentials)",
    )
    credentials_secret: str | None = Field(
        default=None,
        description="Secret Manager secret version (projects/P/secrets/S/versions/V) holding "
        "the store's credentials as a JSON object of environment variables; each step reads "
        "them at start, so they never appear in the pipeline",
    )
    workload_service_account: str | None = Field(
        default=None,
        description="Service account the step containers run as (unset: the project's "
        "Compute Engine default)",
    )
    network: str | None = Field(
        default=None,
        description="VPC network the steps are peered to, 'projects/NUMBER/global/networks/NAME'",
    )
    encryption_spec_key_name: str | None = Field(
        default=None, description="Cloud KMS key that protects the pipeline's resources"
    )
    labels: dict[str, str] = Field(
        default_factory=dict, description="Labels of every Vertex pipeline job"
    )
    synchronous: bool = Field(
        default=True, description="Wait for the pipeline job to end before returning"
    )
    cpu_limit: str | None = Field(
        default=None,
        description="CPU limit of a step that sets no ResourceSettings.cpu_count, e.g. '4'",
    )
    memory_limit: str | None = Field(
        default=None,
        description="Memory limit of a step that sets no ResourceSettings.memory, e.g. '16G'",
    )
    gpu_limit: int | None = Field(
        default=None,
        ge=0,
        description="GPUs of a step that sets no ResourceSettings.gpu_count",
    )

    @field_validator("pipeline_root")
    @classmethod
    def _gs_uri(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("gs://") and "{{" not in value:
            raise ValueError(
                f"must be a gs:// folder such as 'gs://my-bucket/vertex-pipelines', not {value!r}"
            )
        return value

    @property
    def is_remote(self) -> bool:
        return True


VERTEX_ORCHESTRATOR_FLAVOR = Flavor(
    type=StackComponentType.ORCHESTRATOR,
    name="vertex",
    implementation="stackwise.integrations.gcp.orchestrators.vertex_orchestrator:VertexOrchestrator",
    config="stackwise.integrations.gcp.flavors.vertex_orchestrator_flavor:VertexOrchestratorConfig",
    integration=GCP,
    description="Compiles each run to a KFP v2 pipeline, one container per step, and runs it "
    "on Vertex AI Pipelines.",
)
