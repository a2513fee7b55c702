"""The Weights & Biases experiment tracker. Importing it is cheap: wandb itself is imported
when a step is tracked."""

from __future__ import annotations

from stackwise.integrations.wandb.experiment_trackers.wandb_experiment_tracker import (
    WandbExperimentTracker,
)

__all__ = ["WandbExperimentTracker"]
