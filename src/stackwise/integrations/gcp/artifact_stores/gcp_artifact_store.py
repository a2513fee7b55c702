"""The GCS artifact store: the fsspec file API on a gcsfs filesystem."""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING, Any

from stackwise.artifact_stores.fsspec_artifact_store import FsspecArtifactStore
from stackwise.exceptions import StackwiseError
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
        return _bounded(filesystem, config.max_retries + 1)(
            token=token,
            endpoint_url=config.endpoint_url or None,
            requests_timeout=_timeout(config.connect_timeout, config.read_timeout),
            # each store its own session, and no listing cache: steps in other processes
            # write to the same bucket
            skip_instance_cache=True,
            use_listings_cache=False,
            **options,
        )

    def probe_url(self) -> str | None:
        """The storage endpoint: endpoint_url, else STORAGE_EMULATOR_HOST, else Google's; none
        while no credentials are found (`verify` then names the bucket and what is missing)."""
        endpoint = self.config.endpoint_url or os.environ.get("STORAGE_EMULATOR_HOST")
        if endpoint:
            return endpoint if "://" in endpoint else f"http://{endpoint}"
        if self._credentials_problem():
            return None
        return "https://storage.googleapis.com"

    def verify(self) -> None:
        problem = self._credentials_problem()
        if problem:
            raise StackwiseError(
                f"Cannot open {self.config.path}: {problem}. Log in with `gcloud auth "
                "application-default login`, or give the artifact store a service-account key: "
                f"`stackwise artifact-store update {self.name} --token=PATH/key.json`."
            )
        super().verify()

    def _credentials_problem(self) -> str | None:
        """What keeps gcsfs from finding credentials, when it has to look for them."""
        if self.config.token or self.config.endpoint_url or os.environ.get("STORAGE_EMULATOR_HOST"):
            return None
        from stackwise.integrations.gcp.reachability import credentials_problem

        return credentials_problem()


def _timeout(connect: float, read: float) -> Any:
    import aiohttp

    return aiohttp.ClientTimeout(total=None, sock_connect=connect, sock_read=read)


@functools.cache
def _bounded(filesystem: type, attempts: int) -> type:
    """`filesystem` with its requests tried `attempts` times: gcsfs fixes its retry count
    (6) when the class is defined, so a subclass wraps the undecorated request again."""
    from gcsfs.retry import retry_request

    request = getattr(filesystem._request, "__wrapped__", None)  # type: ignore[attr-defined]
    if request is None:  # another gcsfs: keep its own retries
        return filesystem
    return type(
        filesystem.__name__,
        (filesystem,),
        {
            "__module__": filesystem.__module__,
            "__doc__": filesystem.__doc__,
            "retries": attempts,
            "_request": retry_request(retries=attempts)(request),
        },
    )
