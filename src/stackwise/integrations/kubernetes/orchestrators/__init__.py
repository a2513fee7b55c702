"""The Kubernetes orchestrator (imports the kubernetes client when used)."""

from stackwise.integrations.kubernetes.orchestrators.kubernetes_orchestrator import (
    KubernetesOrchestrator,
)

__all__ = ["KubernetesOrchestrator"]
