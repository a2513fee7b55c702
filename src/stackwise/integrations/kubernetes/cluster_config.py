"""Which cluster a Kubernetes component talks to: the fields the orchestrator and the step
operator share."""

from __future__ import annotations

from pydantic import BaseModel, Field


class KubernetesClusterConfig(BaseModel):
    """The kubeconfig context (or the in-cluster service account) and the namespace."""

    kubernetes_context: str | None = Field(
        default=None, description="kubeconfig context (default: the current one)"
    )
    kubernetes_namespace: str = Field(
        default="stackwise", description="Namespace of the pods and Jobs"
    )
    incluster: bool = Field(
        default=False, description="Use the in-cluster service account instead of a kubeconfig"
    )

    @property
    def is_remote(self) -> bool:
        return True
