"""The Weights & Biases flavors, announced through the `stackwise.flavors` entry point as
`FLAVORS`.

Importing this package must not import wandb: the flavor registry reads it on every lookup of
a flavor that is not built in.
"""

from __future__ import annotations

from stackwise.integrations.wandb.flavors.wandb_experiment_tracker_flavor import (
    WANDB_EXPERIMENT_TRACKER_FLAVOR,
    WandbExperimentTrackerConfig,
    WandbExperimentTrackerSettings,
)
from stackwise.stack.flavor import Flavor

FLAVORS: list[Flavor] = [WANDB_EXPERIMENT_TRACKER_FLAVOR]

__all__ = [
    "FLAVORS",
    "WandbExperimentTrackerConfig",
    "WandbExperimentTrackerSettings",
]
