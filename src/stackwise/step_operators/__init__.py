"""Step operators: the stack component that runs one step somewhere else (a Dask cluster, a
Kubernetes Job, a Vertex AI custom job) while the orchestrator runs the rest of the pipeline."""

from stackwise.step_operators.base_step_operator import (
    BaseStepOperator,
    BaseStepOperatorConfig,
    BaseStepOperatorFlavor,
    StepOperatorRunInfo,
)

__all__ = [
    "BaseStepOperator",
    "BaseStepOperatorConfig",
    "BaseStepOperatorFlavor",
    "StepOperatorRunInfo",
]
