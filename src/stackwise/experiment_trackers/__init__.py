"""Experiment trackers: the stack component that records params and metrics of steps."""

from stackwise.experiment_trackers.base_experiment_tracker import (
    BaseExperimentTracker,
    StepRunInfo,
)

__all__ = ["BaseExperimentTracker", "StepRunInfo"]
