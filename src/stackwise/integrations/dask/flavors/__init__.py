"""The Dask flavors, announced through the `stackwise.flavors` entry point as `FLAVORS`.

Importing this package must not import Dask: the flavor registry reads it on every lookup of a
flavor that is not built in.
"""

from __future__ import annotations

from stackwise.integrations.dask.flavors.dask_orchestrator_flavor import (
    DASK_ORCHESTRATOR_FLAVOR,
    DaskOrchestratorConfig,
)
from stackwise.integrations.dask.flavors.dask_step_operator_flavor import (
    DASK_STEP_OPERATOR_FLAVOR,
    DaskStepOperatorConfig,
)
from stackwise.stack.flavor import Flavor

FLAVORS: list[Flavor] = [DASK_ORCHESTRATOR_FLAVOR, DASK_STEP_OPERATOR_FLAVOR]

__all__ = ["FLAVORS", "DaskOrchestratorConfig", "DaskStepOperatorConfig"]
