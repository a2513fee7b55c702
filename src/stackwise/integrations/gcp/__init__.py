"""The Google Cloud integration: an artifact store on Google Cloud Storage, through gcsfs, and
a Vertex AI step operator (its libraries: pip install "stackwise[vertex]").

Install it with `pip install "stackwise[gcp]"`. This module must stay importable without
gcsfs: `stackwise integration list` reads the name and requirements from here.
"""

from __future__ import annotations

GCP = "gcp"
"""The integration's name: the extra to install and the `integration` of its flavors."""

REQUIREMENTS: list[str] = ["gcsfs>=2024.6.0"]
"""What `pip install "stackwise[gcp]"` installs (kept in step with pyproject.toml)."""

__all__ = ["GCP", "REQUIREMENTS"]
