"""The S3 artifact store: the fsspec file API on an s3fs filesystem."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

from stackwise.artifact_stores.fsspec_artifact_store import FsspecArtifactStore
from stackwise.integrations.s3.flavors.s3_artifact_store_flavor import S3ArtifactStoreConfig

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem


class S3ArtifactStore(FsspecArtifactStore):
    config: S3ArtifactStoreConfig

    def _make_filesystem(self) -> AbstractFileSystem:
        import s3fs

        config = self.config
        return s3fs.S3FileSystem(
            key=config.key or None,
            secret=config.secret or None,
            token=config.token or None,
            # deep copies: botocore rewrites nested dicts (e.g. `retries`) in place
            client_kwargs=copy.deepcopy(config.client_kwargs),
            config_kwargs=copy.deepcopy(config.config_kwargs),
            s3_additional_kwargs=copy.deepcopy(config.s3_additional_kwargs),
            # each store its own client (fsspec would share one across equal configs), and
            # no listing cache: steps in other processes write to the same bucket
            skip_instance_cache=True,
            use_listings_cache=False,
        )
