"""The Kubeflow orchestrator flavor: its configuration and the Flavor naming it. Imports no
kfp: this module is read whenever the flavor is looked up."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from stackwise.enums import StackComponentType
from stackwise.integrations.kubeflow import KUBEFLOW
from stackwise.stack.flavor import Flavor
from stackwise.stack.stack_component import StackComponentConfig


class KubeflowOrchestratorConfig(StackComponentConfig):
    """Which Kubeflow Pipelines API receives the runs, and whether to wait for them (ZenML's
    field names)."""

    kubeflow_hostname: str | None = Field(
        default=None,
        description="URL of the Kubeflow Pipelines API, e.g. "
        "'https://kubeflow.example.com/pipeline' (unset: the kfp client finds the in-cluster "
        "or port-forwarded API through `kubernetes_context`)",
    )
    kubeflow_namespace: str = Field(
        default="kubeflow", description="Namespace Kubeflow Pipelines is installed in"
    )
    user_namespace: str | None = Field(
        default=None,
        description="The Kubeflow profile namespace runs are created in (multi-user deployments)",
    )
    kubernetes_context: str | None = Field(
        default=None, description="kubectl context the kfp client uses to find the API"
    )
    client_args: dict[str, Any] = Field(
        default_factory=dict,
        description="Further keyword arguments of kfp.Client (e.g. existing_token, ssl_ca_cert)",
    )
    synchronous: bool = Field(
        default=True,
        description="Wait for the run to end (up to `timeout` seconds) before returning",
    )
    timeout: int = Field(default=1200, gt=0, description="Seconds a synchronous run is waited for")
    credentials_secret: str | None = Field(
        default=None,
        description="Kubernetes Secret (in the run's namespace) holding the store's "
        "credentials under the variable names (STACKWISE_STORE_API_KEY, ...); each step "
        "reads them from there, never from the compiled pipeline",
    )

    @property
    def is_remote(self) -> bool:
        return True


KUBEFLOW_ORCHESTRATOR_FLAVOR = Flavor(
    type=StackComponentType.ORCHESTRATOR,
    name="kubeflow",
    implementation=(
        "stackwise.integrations.kubeflow.orchestrators.kubeflow_orchestrator:KubeflowOrchestrator"
    ),
    config=(
        "stackwise.integrations.kubeflow.flavors.kubeflow_orchestrator_flavor:"
        "KubeflowOrchestratorConfig"
    ),
    integration=KUBEFLOW,
    description="Compiles each run to a Kubeflow Pipelines (KFP v2) pipeline, one container "
    "per step, and runs it on Kubeflow.",
)
