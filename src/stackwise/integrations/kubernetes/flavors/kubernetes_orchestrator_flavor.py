"""The Kubernetes orchestrator flavor: its settings, configuration and the Flavor naming it.
Imports no kubernetes client."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from stackwise.config.base_settings import BaseSettings
from stackwise.enums import StackComponentType
from stackwise.integrations.kubernetes import KUBERNETES
from stackwise.integrations.kubernetes.cluster_config import KubernetesClusterConfig
from stackwise.integrations.kubernetes.pod_settings import KubernetesPodSettings
from stackwise.stack.flavor import Flavor
from stackwise.stack.stack_component import StackComponentConfig


class KubernetesOrchestratorSettings(BaseSettings):
    """How a run's pods are made: `settings={"orchestrator.kubernetes": ...}` on a pipeline or
    step, or the same fields on the orchestrator's configuration (the defaults)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    synchronous: bool = Field(
        default=True, description="Wait for the run to end (else return once it is submitted)"
    )
    service_account_name: str | None = Field(
        default=None,
        description="Service account of the orchestrator pod (it creates the step pods: it "
        "needs RBAC to create, get and delete pods)",
    )
    step_pod_service_account_name: str | None = Field(
        default=None, description="Service account of the step pods"
    )
    privileged: bool = Field(default=False, description="Run the containers privileged")
    pod_settings: KubernetesPodSettings | None = Field(
        default=None, description="Settings of the step pods"
    )
    orchestrator_pod_settings: KubernetesPodSettings | None = Field(
        default=None, description="Settings of the orchestrator pod"
    )
    max_parallelism: int | None = Field(
        default=None, ge=1, description="Step pods running at once (default: no limit)"
    )
    successful_jobs_history_limit: int | None = Field(
        default=None, ge=0, description="Schedules: finished CronJob runs kept"
    )
    failed_jobs_history_limit: int | None = Field(
        default=None, ge=0, description="Schedules: failed CronJob runs kept"
    )
    concurrency_policy: Literal["Allow", "Forbid", "Replace"] | None = Field(
        default=None, description="Schedules: what a CronJob does while its last run still runs"
    )
    starting_deadline_seconds: int | None = Field(
        default=None, ge=0, description="Schedules: how late a missed CronJob run may start"
    )
    ttl_seconds_after_finished: int | None = Field(
        default=None, ge=0, description="Schedules: seconds a finished CronJob run is kept"
    )
    active_deadline_seconds: int | None = Field(
        default=None, ge=0, description="Seconds after which a step pod is stopped"
    )
    fail_on_container_waiting_reasons: list[str] = Field(
        default_factory=lambda: [
            "InvalidImageName",
            "ErrImagePull",
            "ImagePullBackOff",
            "CreateContainerConfigError",
        ],
        description="Container waiting reasons that fail a step pod at once",
    )
    job_monitoring_interval: float = Field(
        default=3.0, gt=0, description="Seconds between two looks at the running step pods"
    )
    pod_name_prefix: str | None = Field(
        default=None, description="Prefix of the pods' names (default: the pipeline's name)"
    )


class KubernetesOrchestratorConfig(
    KubernetesClusterConfig, StackComponentConfig, KubernetesOrchestratorSettings
):
    """Which cluster and namespace; the settings' fields are the defaults of every run."""

    model_config = ConfigDict(extra="forbid", frozen=True)


KUBERNETES_ORCHESTRATOR_FLAVOR = Flavor(
    type=StackComponentType.ORCHESTRATOR,
    name="kubernetes",
    implementation="stackwise.integrations.kubernetes.orchestrators.kubernetes_orchestrator:"
    "KubernetesOrchestrator",
    config="stackwise.integrations.kubernetes.flavors.kubernetes_orchestrator_flavor:"
    "KubernetesOrchestratorConfig",
    integration=KUBERNETES,
    description="Runs each step as a pod on a Kubernetes cluster, started by an orchestrator "
    "pod as soon as its upstream steps succeed; schedules as CronJobs.",
)
