"""The Dask orchestrator (imports `distributed` only when a run is submitted)."""

from stackwise.integrations.dask.orchestrators.dask_orchestrator import DaskOrchestrator

__all__ = ["DaskOrchestrator"]
