"""The Azure artifact store flavor: its configuration and the Flavor naming it. Imports no
adlfs: this module is read whenever the flavor is looked up."""

from __future__ import annotations

from pydantic import Field, field_validator

from stackwise.artifact_stores.base_artifact_store import BaseArtifactStoreConfig
from stackwise.artifact_stores.fsspec_artifact_store import require_scheme
from stackwise.artifact_stores.remote_config import (
    connect_timeout_field,
    max_retries_field,
    read_timeout_field,
)
from stackwise.enums import StackComponentType
from stackwise.integrations.azure import AZURE
from stackwise.stack.flavor import Flavor


class AzureArtifactStoreConfig(BaseArtifactStoreConfig):
    """Where the artifacts live on Azure and how to authenticate: a connection string, or an
    account name with a key or SAS token. Unset fields fall back to adlfs's environment
    variables (AZURE_STORAGE_CONNECTION_STRING, AZURE_STORAGE_ACCOUNT_NAME, ...) and then to
    Azure's default credential chain. connect_timeout, read_timeout and max_retries replace
    the Azure SDK's 20 s, 60 s and 3 retries 15-40 s apart."""

    path: str = Field(
        description="Root URI of the artifacts, e.g. 'az://container/prefix' (or abfs://)"
    )
    account_name: str | None = Field(default=None, description="Storage account name")
    account_key: str | None = Field(
        default=None,
        repr=False,
        json_schema_extra={"secret": True},
        description="Storage account key",
    )
    connection_string: str | None = Field(
        default=None,
        repr=False,
        json_schema_extra={"secret": True},
        description="Full connection string (holds the endpoint and the key or SAS)",
    )
    sas_token: str | None = Field(
        default=None,
        repr=False,
        json_schema_extra={"secret": True},
        description="Shared access signature, for access limited in scope and time",
    )

    connect_timeout: float = connect_timeout_field()
    read_timeout: float = read_timeout_field()
    max_retries: int = max_retries_field()

    @field_validator("path")
    @classmethod
    def _az_uri(cls, value: str) -> str:
        return require_scheme(value, ("az", "abfs", "abfss"), "az://my-container/stackwise")

    @property
    def is_remote(self) -> bool:
        return True


AZURE_ARTIFACT_STORE_FLAVOR = Flavor(
    type=StackComponentType.ARTIFACT_STORE,
    name="azure",
    implementation="stackwise.integrations.azure.artifact_stores.azure_artifact_store"
    ":AzureArtifactStore",
    config="stackwise.integrations.azure.flavors.azure_artifact_store_flavor"
    ":AzureArtifactStoreConfig",
    integration=AZURE,
    description="Stores artifacts in an Azure Blob Storage container.",
)
