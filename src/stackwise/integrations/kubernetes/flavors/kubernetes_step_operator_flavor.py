"""The Kubernetes step operator flavor: its settings, configuration and the Flavor naming it.
Imports no kubernetes client."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from stackwise.config.base_settings import BaseSettings
from stackwise.enums import StackComponentType
from stackwise.integrations.kubernetes import KUBERNETES
from stackwise.integrations.kubernetes.cluster_config import KubernetesClusterConfig
from stackwise.integrations.kubernetes.pod_settings import KubernetesPodSettings
from stackwise.stack.flavor import Flavor
from stackwise.step_operators.base_step_operator import BaseStepOperatorConfig


class KubernetesStepOperatorSettings(BaseSettings):
    """How a step's Job is made: `settings={"step_operator.kubernetes": ...}` on a step, or
    the same fields on the step operator's configuration (the defaults)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    pod_settings: KubernetesPodSettings | None = Field(
        default=None, description="Settings of the step's pod"
    )
    service_account_name: str | None = Field(
        default=None, description="Service account of the step's pod"
    )
    privileged: bool = Field(default=False, description="Run the container privileged")
    job_name_prefix: str | None = Field(
        default=None, description="Prefix of the Job's name (default: the step's name)"
    )
    ttl_seconds_after_finished: int | None = Field(
        default=None, ge=0, description="Seconds a finished Job is kept"
    )
    active_deadline_seconds: int | None = Field(
        default=None, ge=0, description="Seconds after which the Job is stopped"
    )
    fail_on_container_waiting_reasons: list[str] = Field(
        default_factory=lambda: [
            "InvalidImageName",
            "ErrImagePull",
            "ImagePullBackOff",
            "CreateContainerConfigError",
        ],
        description="Container waiting reasons that fail the Job at once",
    )
    job_monitoring_interval: float = Field(
        default=3.0, gt=0, description="Seconds between two looks at the Job's status"
    )


class KubernetesStepOperatorConfig(
    KubernetesClusterConfig, BaseStepOperatorConfig, KubernetesStepOperatorSettings
):
    """Which cluster and namespace; the settings' fields are the defaults of every step."""

    model_config = ConfigDict(extra="forbid", frozen=True)


KUBERNETES_STEP_OPERATOR_FLAVOR = Flavor(
    type=StackComponentType.STEP_OPERATOR,
    name="kubernetes",
    implementation="stackwise.integrations.kubernetes.step_operators.kubernetes_step_operator:"
    "KubernetesStepOperator",
    config="stackwise.integrations.kubernetes.flavors.kubernetes_step_operator_flavor:"
    "KubernetesStepOperatorConfig",
    integration=KUBERNETES,
    description="Runs the steps that name it as Kubernetes Jobs.",
)
