"""The Azure artifact store: the fsspec file API on an adlfs filesystem."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

from stackwise.artifact_stores.fsspec_artifact_store import FsspecArtifactStore
from stackwise.integrations.azure.flavors.azure_artifact_store_flavor import (
    AzureArtifactStoreConfig,
)

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

logger = logging.getLogger(__name__)

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
        filesystem = adlfs.AzureBlobFileSystem(
            account_name=config.account_name or None,
            account_key=config.account_key or None,
            connection_string=config.connection_string or None,
            sas_token=config.sas_token or None,
            # uploads and downloads take these per request; every other call gets them below
            connection_timeout=_whole_seconds(config.connect_timeout),
            read_timeout=_whole_seconds(config.read_timeout),
            # each store its own client, and no listing cache: steps in other processes
            # write to the same container
            skip_instance_cache=True,
            use_listings_cache=False,
        )
        _bound_client(
            filesystem.service_client,
            config.connect_timeout,
            config.read_timeout,
            config.max_retries,
        )
        return filesystem

    def probe_url(self) -> str | None:
        """The blob endpoint: the connection string's BlobEndpoint (or the one it implies),
        else the account's `https://<account>.blob.core.windows.net`."""
        text = self.config.connection_string
        if not text and not self.config.account_name:
            text = os.environ.get("AZURE_STORAGE_CONNECTION_STRING")
        if text:
            parts = {
                name.strip().lower(): value.strip()
                for name, sep, value in (p.partition("=") for p in text.split(";"))
                if sep
            }
            if parts.get("blobendpoint"):
                return parts["blobendpoint"]
            if parts.get("usedevelopmentstorage", "").lower() == "true":
                return "http://127.0.0.1:10000"
            account = parts.get("accountname")
            if account:
                protocol = parts.get("defaultendpointsprotocol", "https")
                suffix = parts.get("endpointsuffix", "core.windows.net")
                return f"{protocol}://{account}.blob.{suffix}"
            return None
        account = self.config.account_name or os.environ.get("AZURE_STORAGE_ACCOUNT_NAME")
        return f"https://{account}.blob.core.windows.net" if account else None


def _whole_seconds(value: float) -> int:
    return max(1, round(value))


def _bound_client(
    client: Any, connect_timeout: float, read_timeout: float, max_retries: int
) -> None:
    """Give the SDK client adlfs built (which takes no such options) the store's timeouts and
    retry budget: its retry policy and its transport are shared by every container and blob
    client made from it. Attributes of another SDK version are left as they are."""
    try:
        policy = client._config.retry_policy
        policy.total_retries = policy.connect_retries = max_retries
        policy.read_retries = policy.status_retries = max_retries
        policy.initial_backoff, policy.increment_base = 1, 2
        policy.random_jitter_range = 1
        connection = client._pipeline._transport.connection_config
        connection.timeout = connect_timeout
        connection.read_timeout = read_timeout
    except AttributeError:
        logger.debug(
            "Azure SDK client without the expected retry/transport settings; keeping its own.",
            exc_info=True,
        )
