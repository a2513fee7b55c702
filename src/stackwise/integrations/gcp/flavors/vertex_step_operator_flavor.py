"""The Vertex AI step operator flavor: its settings, configuration and the Flavor naming it.
Imports no Google Cloud library."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from stackwise.config.base_settings import BaseSettings
from stackwise.enums import StackComponentType
from stackwise.integrations.gcp import GCP
from stackwise.stack.flavor import Flavor
from stackwise.step_operators.base_step_operator import BaseStepOperatorConfig


class VertexStepOperatorSettings(BaseSettings):
    """The machine of a step's custom job: `settings={"step_operator.vertex": ...}` on a
    step, or the same fields on the step operator's configuration (the defaults)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    machine_type: str = Field(default="n1-standard-4", description="Vertex AI machine type")
    accelerator_type: str | None = Field(
        default=None, description="GPU type, e.g. NVIDIA_TESLA_T4 (with accelerator_count)"
    )
    accelerator_count: int = Field(default=0, ge=0, description="GPUs of accelerator_type")
    boot_disk_size_gb: int = Field(default=100, ge=10, description="Boot disk size (GB)")
    boot_disk_type: str = Field(default="pd-ssd", description="pd-ssd or pd-standard")
    persistent_resource_id: str | None = Field(
        default=None, description="Run on this persistent resource instead of new machines"
    )


class VertexStepOperatorConfig(BaseStepOperatorConfig, VertexStepOperatorSettings):
    """Where the custom jobs run and as whom."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    region: str = Field(description="Vertex AI region, e.g. europe-west4")
    project: str | None = Field(
        default=None, description="GCP project (default: the environment's)"
    )
    service_account: str | None = Field(default=None, description="Service account the job runs as")
    service_account_path: str | None = Field(
        default=None,
        description="Key file of the service account that submits the job (default: the "
        "environment's Google credentials)",
    )
    additional_training_job_args: dict[str, Any] = Field(
        default_factory=dict,
        description="Further arguments of CustomJob.run (timeout, restart_job_on_worker_restart, "
        "scheduling_strategy...)",
    )
    network: str | None = Field(default=None, description="VPC network to peer the job with")
    encryption_spec_key_name: str | None = Field(
        default=None, description="Cloud KMS key of the job's resources"
    )
    staging_bucket: str | None = Field(default=None, description="gs:// bucket for staging")
    credentials_secret: str | None = Field(
        default=None,
        description="Secret Manager secret version (projects/P/secrets/S/versions/V) holding "
        "the store's credentials as a JSON object of environment variables; the job reads "
        "them at start, so they never appear in its spec",
    )

    @property
    def is_remote(self) -> bool:
        return True


VERTEX_STEP_OPERATOR_FLAVOR = Flavor(
    type=StackComponentType.STEP_OPERATOR,
    name="vertex",
    implementation="stackwise.integrations.gcp.step_operators.vertex_step_operator:"
    "VertexStepOperator",
    config="stackwise.integrations.gcp.flavors.vertex_step_operator_flavor:"
    "VertexStepOperatorConfig",
    integration=GCP,
    description="Runs the steps that name it as Vertex AI custom jobs.",
)
