"""The Google Cloud integration: an artifact store on Google Cloud Storage (gcsfs), an
orchestrator on Vertex AI Pipelines (kfp + google-cloud-aiplatform), a Vertex AI step operator
(custom jobs; credentials through Secret Manager) and a model deployer on Vertex AI endpoints.

Install it with `pip install "stackwise[gcp]"`. This module must stay importable without
those libraries: `stackwise integration list` reads the name and requirements from here.
"""

from __future__ import annotations

GCP = "gcp"
"""The integration's name: the extra to install and the `integration` of its flavors."""

REQUIREMENTS: list[str] = [
    "gcsfs>=2024.6.0",
    "kfp>=2.17.3",
    "google-cloud-aiplatform>=2.7.0",
    "google-cloud-secret-manager>=2.20",
]
"""What `pip install "stackwise[gcp]"` installs (kept in step with pyproject.toml)."""

LIBRARY = "gcsfs"
"""What `integration list` looks for to call the integration installed."""

__all__ = ["GCP", "LIBRARY", "REQUIREMENTS"]
