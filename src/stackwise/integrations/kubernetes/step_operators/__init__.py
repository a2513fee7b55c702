"""The Kubernetes step operator (imports the kubernetes client when a step is launched)."""

from stackwise.integrations.kubernetes.step_operators.kubernetes_step_operator import (
    KubernetesStepOperator,
)

__all__ = ["KubernetesStepOperator"]
