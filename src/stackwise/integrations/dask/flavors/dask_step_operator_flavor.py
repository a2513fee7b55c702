"""The Dask step operator flavor: its configuration and the Flavor naming it. Imports no Dask."""

from __future__ import annotations

from stackwise.enums import StackComponentType
from stackwise.integrations.dask import DASK
from stackwise.integrations.dask.flavors.dask_orchestrator_flavor import DaskClusterConfig
from stackwise.stack.flavor import Flavor


class DaskStepOperatorConfig(DaskClusterConfig):
    """The Dask cluster a step is sent to (`address`, or this process's LocalCluster)."""

    @property
    def is_remote(self) -> bool:
        return not self.runs_on_this_machine


DASK_STEP_OPERATOR_FLAVOR = Flavor(
    type=StackComponentType.STEP_OPERATOR,
    name="dask",
    implementation="stackwise.integrations.dask.step_operators.dask_step_operator:DaskStepOperator",
    config="stackwise.integrations.dask.flavors.dask_step_operator_flavor:DaskStepOperatorConfig",
    integration=DASK,
    description="Runs the steps that name it on a Dask cluster, while the orchestrator runs "
    "the rest.",
)
