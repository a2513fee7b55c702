"""The Kubernetes integration: an orchestrator that runs each step as a pod (from an
orchestrator pod that walks the pipeline's DAG), a step operator that runs single steps as
Jobs, and CronJob schedules.

Install it with `pip install "stackwise[kubernetes]"`. This module must stay importable without
the kubernetes client: `stackwise integration list` reads the name and requirements from here.
"""

from __future__ import annotations

KUBERNETES = "kubernetes"
"""The integration's name: the extra to install and the `integration` of its flavors."""

REQUIREMENTS: list[str] = ["kubernetes>=30.1"]
"""What `pip install "stackwise[kubernetes]"` installs (kept in step with pyproject.toml)."""

__all__ = ["KUBERNETES", "REQUIREMENTS"]
