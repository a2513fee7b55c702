"""The GCS artifact store: the fsspec file API on a gcsfs filesystem."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from stackwise.artifact_stores.fsspec_artifact_store import FsspecArtifactStore
from stackwise.integrations.gcp.flavors.gcp_artifact_store_flavor import GCPArtifactStoreConfig

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem


# gcsfs's names for ways to find credentials, given as `token`: not secrets themselves
_TOKEN_METHODS = frozenset({"anon", "google_default", "cache", "cloud", "browser"})


class GCPArtifactStore(FsspecArtifactStore):
    config: GCPArtifactStoreConfig

    def _secret_values(self) -> list[str]:
        return [v for v in super()._secret_values() if v not in _TOKEN_METHODS]

    def _make_filesystem(self) -> AbstractFileSystem:
        import gcsfs
        import gcsfs.core

        config = self.config
        emulated = bool(config.endpoint_url or os.environ.get("STORAGE_EMULATOR_HOST"))
        # An emulator needs no credentials (looking for them would probe the GCE metadata
        # server until it times out), and knows nothing of the bucket-type probe of gcsfs's
        # experimental filesystem (GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT), which then waits 60 s
        # on every call: use the plain filesystem there.
        token = config.token or ("anon" if emulated else None)
        filesystem = gcsfs.core.GCSFileSystem if emulated else gcsfs.GCSFileSystem
        options = {"project": config.project} if config.project else {}
        return filesystem(
            token=token,
            endpoint_url=config.endpoint_url or None,
            # each store its own session, and no listing cache: steps in other processes
            # write to the same bucket
            skip_instance_cache=True,
            use_listings_cache=False,
            **options,
        )
