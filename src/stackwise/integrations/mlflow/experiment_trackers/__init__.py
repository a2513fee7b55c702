"""The MLflow experiment tracker. Importing it is cheap: MLflow itself is imported when a step
is tracked."""

from __future__ import annotations

from stackwise.integrations.mlflow.experiment_trackers.mlflow_experiment_tracker import (
    MLFlowExperimentTracker,
)

__all__ = ["MLFlowExperimentTracker"]
