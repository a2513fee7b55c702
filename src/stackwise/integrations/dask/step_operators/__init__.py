"""The Dask step operator (imports Dask when a step is launched)."""

from stackwise.integrations.dask.step_operators.dask_step_operator import DaskStepOperator

__all__ = ["DaskStepOperator"]
