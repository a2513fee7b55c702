"""The S3 flavors, announced through the `stackwise.flavors` entry point as `FLAVORS`.

Importing this package must not import s3fs or boto: the flavor registry reads it on every
lookup of a flavor that is not built in.
"""

from __future__ import annotations

from stackwise.integrations.s3.flavors.s3_artifact_store_flavor import (
    S3_ARTIFACT_STORE_FLAVOR,
    S3ArtifactStoreConfig,
)
from stackwise.stack.flavor import Flavor

FLAVORS: list[Flavor] = [S3_ARTIFACT_STORE_FLAVOR]

__all__ = ["FLAVORS", "S3ArtifactStoreConfig"]
