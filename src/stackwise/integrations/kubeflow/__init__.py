"""The Kubeflow integration: an orchestrator that compiles each run to a Kubeflow Pipelines
(KFP v2) pipeline, one container task per step, and submits it to a Kubeflow deployment.

Install it with `pip install "stackwise[kubeflow]"`. This module must stay importable without
kfp: `stackwise integration list` reads the name and requirements from here.
"""

from __future__ import annotations

KUBEFLOW = "kubeflow"
"""The integration's name: the extra to install and the `integration` of its flavors."""

REQUIREMENTS: list[str] = ["kfp>=2.17.3", "kfp-kubernetes>=2.17.3"]
"""What `pip install "stackwise[kubeflow]"` installs (kept in step with pyproject.toml)."""

LIBRARY = "kfp"
"""What the orchestrator imports."""

__all__ = ["KUBEFLOW", "LIBRARY", "REQUIREMENTS"]
