"""The Azure flavors, announced through the `stackwise.flavors` entry point as `FLAVORS`.
Importing this package must not import adlfs or the Azure SDK: the flavor registry reads it
on every lookup of a flavor that is not built in.
"""

from __future__ import annotations

from stackwise.integrations.azure.flavors.azure_artifact_store_flavor import (
    AZURE_ARTIFACT_STORE_FLAVOR,
    AzureArtifactStoreConfig,
)
from stackwise.stack.flavor import Flavor

FLAVORS: list[Flavor] = [AZURE_ARTIFACT_STORE_FLAVOR]

__all__ = ["FLAVORS", "AzureArtifactStoreConfig"]
