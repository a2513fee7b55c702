"""The S3 artifact store: the fsspec file API on an s3fs filesystem."""

from __future__ import annotations

import copy
import os
from typing import TYPE_CHECKING, Any

from stackwise.artifact_stores.fsspec_artifact_store import FsspecArtifactStore
from stackwise.integrations.s3.flavors.s3_artifact_store_flavor import S3ArtifactStoreConfig

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem


class S3ArtifactStore(FsspecArtifactStore):
    config: S3ArtifactStoreConfig

    def _make_filesystem(self) -> AbstractFileSystem:
        import s3fs

        config = self.config
        filesystem = s3fs.S3FileSystem(
            key=config.key or None,
            secret=config.secret or None,
            token=config.token or None,
            # deep copies: botocore rewrites nested dicts (e.g. `retries`) in place
            client_kwargs=copy.deepcopy(config.client_kwargs),
            config_kwargs=self._botocore_config(),
            s3_additional_kwargs=copy.deepcopy(config.s3_additional_kwargs),
            # each store its own client (fsspec would share one across equal configs), and
            # no listing cache: steps in other processes write to the same bucket
            skip_instance_cache=True,
            use_listings_cache=False,
        )
        # botocore retries each request (connection errors, timeouts, throttling, 5xx); s3fs
        # would retry those again, 5 times over: it keeps one more try, for a read that
        # breaks off midway (which botocore does not retry).
        filesystem.retries = 2
        return filesystem

    def _botocore_config(self) -> dict[str, Any]:
        """botocore's Config: the timeouts and retry budget of the store's config, under
        whatever config_kwargs sets itself."""
        config = self.config
        return {
            "connect_timeout": config.connect_timeout,
            "read_timeout": config.read_timeout,
            # (botocore's own `max_attempts` counts the retries only)
            "retries": {"total_max_attempts": config.max_retries + 1, "mode": "standard"},
            **copy.deepcopy(config.config_kwargs),
        }

    def probe_url(self) -> str | None:
        """The S3 endpoint: client_kwargs' endpoint_url, else AWS_ENDPOINT_URL_S3 /
        AWS_ENDPOINT_URL (as botocore reads them), else AWS's regional endpoint."""
        endpoint = (
            self.config.client_kwargs.get("endpoint_url")
            or os.environ.get("AWS_ENDPOINT_URL_S3")
            or os.environ.get("AWS_ENDPOINT_URL")
        )
        if endpoint:
            return str(endpoint)
        region = (
            self.config.client_kwargs.get("region_name")
            or os.environ.get("AWS_REGION")
            or os.environ.get("AWS_DEFAULT_REGION")
        )
        return f"https://s3.{region}.amazonaws.com" if region else "https://s3.amazonaws.com"
