"""The Azure integration: an artifact store on Azure Blob Storage (and ADLS Gen2), through
adlfs.

Install it with `pip install "stackwise[azure]"`. This module must stay importable without
adlfs: `stackwise integration list` reads the name and requirements from here.
"""

from __future__ import annotations

AZURE = "azure"
"""The integration's name: the extra to install and the `integration` of its flavors."""

REQUIREMENTS: list[str] = ["adlfs>=2024.7.0"]
"""What `pip install "stackwise[azure]"` installs (kept in step with pyproject.toml)."""

__all__ = ["AZURE", "REQUIREMENTS"]
