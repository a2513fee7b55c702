"""The Azure artifact store: the fsspec file API on an adlfs filesystem."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stackwise.artifact_stores.fsspec_artifact_store import FsspecArtifactStore
from stackwise.integrations.azure.flavors.azure_artifact_store_flavor import (
    AzureArtifactStoreConfig,
)

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

# Parts of a connection string that are credentials by themselves.
_SECRET_PARTS = ("accountkey", "sharedaccesssignature")


class AzureArtifactStore(FsspecArtifactStore):
    config: AzureArtifactStoreConfig

    def _secret_values(self) -> list[str]:
        """Also the key or SAS inside a connection string: an error may quote just that."""
        values = super()._secret_values()
        for part in (self.config.connection_string or "").split(";"):
            name, sep, value = part.partition("=")
            if sep and name.strip().lower() in _SECRET_PARTS:
                values.append(value.strip())
        return values

    def _make_filesystem(self) -> AbstractFileSystem:
        import adlfs

        config = self.config
        return adlfs.AzureBlobFileSystem(
            account_name=config.account_name or None,
            account_key=config.account_key or None,
            connection_string=config.connection_string or None,
            sas_token=config.sas_token or None,
            # each store its own client, and no listing cache: steps in other processes
            # write to the same container
            skip_instance_cache=True,
            use_listings_cache=False,
        )
