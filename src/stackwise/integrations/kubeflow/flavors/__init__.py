"""The Kubeflow flavors, announced through the `stackwise.flavors` entry point as `FLAVORS`.

Importing this package must not import kfp: the flavor registry reads it on every lookup of a
flavor that is not built in.
"""

from __future__ import annotations

from stackwise.integrations.kubeflow.flavors.kubeflow_orchestrator_flavor import (
    KUBEFLOW_ORCHESTRATOR_FLAVOR,
    KubeflowOrchestratorConfig,
)
from stackwise.stack.flavor import Flavor

FLAVORS: list[Flavor] = [KUBEFLOW_ORCHESTRATOR_FLAVOR]

__all__ = ["FLAVORS", "KubeflowOrchestratorConfig"]
