"""The Kubernetes flavors, announced through the `stackwise.flavors` entry point as `FLAVORS`.
Importing this package must not import the kubernetes client."""

from __future__ import annotations

from stackwise.integrations.kubernetes.flavors.kubernetes_orchestrator_flavor import (
    KUBERNETES_ORCHESTRATOR_FLAVOR,
    KubernetesOrchestratorConfig,
    KubernetesOrchestratorSettings,
)
from stackwise.integrations.kubernetes.flavors.kubernetes_step_operator_flavor import (
    KUBERNETES_STEP_OPERATOR_FLAVOR,
    KubernetesStepOperatorConfig,
    KubernetesStepOperatorSettings,
)
from stackwise.stack.flavor import Flavor

FLAVORS: list[Flavor] = [KUBERNETES_ORCHESTRATOR_FLAVOR, KUBERNETES_STEP_OPERATOR_FLAVOR]

__all__ = [
    "FLAVORS",
    "KubernetesOrchestratorConfig",
    "KubernetesOrchestratorSettings",
    "KubernetesStepOperatorConfig",
    "KubernetesStepOperatorSettings",
]
