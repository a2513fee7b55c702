"""The Dask integration: an orchestrator that runs each step as a task on a Dask cluster (an
existing scheduler, or a LocalCluster of worker processes started for the run), and a step
operator that sends single steps there.

Install it with `pip install "stackwise[dask]"`. This module must stay importable without Dask:
`stackwise integration list` reads the name and requirements from here.
"""

from __future__ import annotations

DASK = "dask"
"""The integration's name: the extra to install and the `integration` of its flavors."""

REQUIREMENTS: list[str] = ["dask[distributed]>=2024.8.0"]
"""What `pip install "stackwise[dask]"` installs (kept in step with pyproject.toml)."""

LIBRARY = "distributed"
"""What the orchestrator imports (the `dask` package alone has no scheduler client)."""

__all__ = ["DASK", "LIBRARY", "REQUIREMENTS"]
