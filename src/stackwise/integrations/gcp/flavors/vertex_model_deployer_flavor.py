"""The Vertex AI model deployer flavor: its configuration and the Flavor naming it. Imports no
google-cloud-aiplatform: this module is read whenever the flavor is looked up."""

from __future__ import annotations

from pydantic import Field

from stackwise.enums import StackComponentType
from stackwise.integrations.gcp import GCP
from stackwise.stack.flavor import Flavor
from stackwise.stack.stack_component import StackComponentConfig


class VertexModelDeployerConfig(StackComponentConfig):
    """Where models are served on Vertex AI and on what machines; each deployment may give
    its own `serving_container_image_uri` and `model_uri`."""

    project: str | None = Field(
        default=None, description="Google Cloud project (unset: the credentials' project)"
    )
    location: str = Field(default="us-central1", description="Vertex AI region")
    service_account_path: str | None = Field(
        default=None,
        description="Service-account JSON key the SDK uses (unset: Application Default "
        "Credentials)",
    )
    serving_container_image_uri: str | None = Field(
        default=None,
        description="Prediction container serving the model files, e.g. "
        "'us-docker.pkg.dev/vertex-ai/prediction/sklearn-cpu.1-5:latest' (a deployment's own "
        "value wins)",
    )
    machine_type: str = Field(default="n1-standard-4", description="Machine of each replica")
    min_replica_count: int = Field(default=1, ge=1, description="Replicas always running")
    max_replica_count: int = Field(default=1, ge=1, description="Replicas under load")
    accelerator_type: str | None = Field(
        default=None, description="GPU of each replica, e.g. 'NVIDIA_TESLA_T4'"
    )
    accelerator_count: int = Field(default=0, ge=0, description="GPUs per replica")
    service_account: str | None = Field(
        default=None, description="Service account the serving containers run as"
    )
    encryption_spec_key_name: str | None = Field(
        default=None, description="Cloud KMS key that protects the model and endpoint"
    )

    @property
    def is_remote(self) -> bool:
        return True


VERTEX_MODEL_DEPLOYER_FLAVOR = Flavor(
    type=StackComponentType.MODEL_DEPLOYER,
    name="vertex",
    implementation="stackwise.integrations.gcp.model_deployers.vertex_model_deployer"
    ":VertexModelDeployer",
    config="stackwise.integrations.gcp.flavors.vertex_model_deployer_flavor"
    ":VertexModelDeployerConfig",
    integration=GCP,
    description="Uploads a model's files (gs://) to the Vertex AI Model Registry and serves "
    "them from a Vertex AI endpoint.",
)
