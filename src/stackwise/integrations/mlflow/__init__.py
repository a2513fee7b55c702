"""The MLflow integration: an experiment tracker, a model deployer and a model registry.

Install it with `pip install "stackwise[mlflow]"`. This module must stay importable without
MLflow installed: `stackwise integration list` reads the name and requirements from here.
"""

from __future__ import annotations

MLFLOW = "mlflow"
"""The integration's name: the extra to install and the `integration` of its flavors."""

REQUIREMENTS: list[str] = ["mlflow>=2.12"]
"""What `pip install "stackwise[mlflow]"` installs (kept in step with pyproject.toml)."""

__all__ = ["MLFLOW", "REQUIREMENTS"]
