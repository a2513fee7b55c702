"""The Google Cloud flavors, announced through the `stackwise.flavors` entry point as
`FLAVORS`. Importing this package must not import gcsfs: the flavor registry reads it on every
lookup of a flavor that is not built in.
"""

from __future__ import annotations

from stackwise.integrations.gcp.flavors.gcp_artifact_store_flavor import (
    GCP_ARTIFACT_STORE_FLAVOR,
    GCPArtifactStoreConfig,
)
from stackwise.stack.flavor import Flavor

FLAVORS: list[Flavor] = [GCP_ARTIFACT_STORE_FLAVOR]

__all__ = ["FLAVORS", "GCPArtifactStoreConfig"]
