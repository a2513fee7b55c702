"""The GCS artifact store flavor: its configuration and the Flavor naming it. Imports no
gcsfs: this module is read whenever the flavor is looked up."""

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
from stackwise.integrations.gcp import GCP
from stackwise.stack.flavor import Flavor


class GCPArtifactStoreConfig(BaseArtifactStoreConfig):
    """Where the artifacts live on GCS and how to authenticate. Without a token, gcsfs uses
    Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud, the metadata
    server); with STORAGE_EMULATOR_HOST set it talks to that emulator. connect_timeout and
    read_timeout bound each request of gcsfs (aiohttp), max_retries its retries (gcsfs's own
    default is 6 attempts, about 30 s on a server that is down)."""

    path: str = Field(description="Root URI of the artifacts, e.g. 'gs://bucket/prefix'")
    project: str | None = Field(
        default=None, description="Google Cloud project (unset: the credentials' project)"
    )
    token: str | None = Field(
        default=None,
        repr=False,
        json_schema_extra={"secret": True},
        description="Path to a service-account JSON key file, a raw OAuth access token, or "
        "'anon' for public buckets "
        "(unset: Application Default Credentials)",
    )
    endpoint_url: str | None = Field(
        default=None,
        description="Storage API endpoint override, e.g. 'http://127.0.0.1:9023' for an "
        "emulator (unset: STORAGE_EMULATOR_HOST, else Google's)",
    )

    connect_timeout: float = connect_timeout_field()
    read_timeout: float = read_timeout_field()
    max_retries: int = max_retries_field()

    @field_validator("path")
    @classmethod
    def _gs_uri(cls, value: str) -> str:
        return require_scheme(value, ("gs", "gcs"), "gs://my-bucket/stackwise")

    @property
    def is_remote(self) -> bool:
        return True


GCP_ARTIFACT_STORE_FLAVOR = Flavor(
    type=StackComponentType.ARTIFACT_STORE,
    name="gcp",
    implementation="stackwise.integrations.gcp.artifact_stores.gcp_artifact_store:GCPArtifactStore",
    config="stackwise.integrations.gcp.flavors.gcp_artifact_store_flavor:GCPArtifactStoreConfig",
    integration=GCP,
    description="Stores artifacts in a Google Cloud Storage bucket.",
)
