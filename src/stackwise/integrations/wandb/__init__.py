"""The Weights & Biases integration: an experiment tracker.

Install it with `pip install "stackwise[wandb]"`. This module must stay importable without
wandb installed: `stackwise integration list` reads the name and requirements from here.
"""

from __future__ import annotations

WANDB = "wandb"
"""The integration's name: the extra to install and the `integration` of its flavors."""

REQUIREMENTS: list[str] = ["wandb>=0.19"]
"""What `pip install "stackwise[wandb]"` installs (kept in step with pyproject.toml)."""

__all__ = ["REQUIREMENTS", "WANDB"]
