"""The S3 artifact store flavor: its configuration and the Flavor naming it. Imports no s3fs:
this module is read whenever the flavor is looked up."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator

from stackwise.artifact_stores.base_artifact_store import BaseArtifactStoreConfig
from stackwise.artifact_stores.fsspec_artifact_store import require_scheme
from stackwise.artifact_stores.remote_config import (
    connect_timeout_field,
    max_retries_field,
    read_timeout_field,
)
from stackwise.enums import StackComponentType
from stackwise.integrations.s3 import S3
from stackwise.stack.flavor import Flavor


class S3ArtifactStoreConfig(BaseArtifactStoreConfig):
    """Where the artifacts live on S3 and how to authenticate. Without key/secret, s3fs uses
    the AWS environment (AWS_ACCESS_KEY_ID, ~/.aws, instance roles). connect_timeout,
    read_timeout and max_retries go to botocore (its `standard` retry mode); a value set in
    config_kwargs (`connect_timeout`, `read_timeout`, `retries`) wins."""

    path: str = Field(description="Root URI of the artifacts, e.g. 's3://bucket/prefix'")
    key: str | None = Field(
        default=None,
        repr=False,
        json_schema_extra={"secret": True},
        description="AWS access key id (unset: the AWS credential chain)",
    )
    secret: str | None = Field(
        default=None,
        repr=False,
        json_schema_extra={"secret": True},
        description="AWS secret access key",
    )
    token: str | None = Field(
        default=None,
        repr=False,
        json_schema_extra={"secret": True},
        description="AWS session token, for temporary credentials",
    )
    client_kwargs: dict[str, Any] = Field(
        default_factory=dict,
        description="Passed to the boto client, e.g. {'endpoint_url': 'http://host:9000', "
        "'region_name': 'eu-west-1'} for MinIO or another S3-compatible server",
    )
    config_kwargs: dict[str, Any] = Field(
        default_factory=dict,
        description="Passed to botocore's Config, e.g. {'s3': {'addressing_style': 'path'}}; "
        "its connect_timeout, read_timeout and retries override the fields of those names",
    )
    s3_additional_kwargs: dict[str, Any] = Field(
        default_factory=dict,
        description="Added to every S3 request, e.g. {'ServerSideEncryption': 'aws:kms'}",
    )

    connect_timeout: float = connect_timeout_field()
    read_timeout: float = read_timeout_field()
    max_retries: int = max_retries_field()

    @field_validator("path")
    @classmethod
    def _s3_uri(cls, value: str) -> str:
        return require_scheme(value, ("s3",), "s3://my-bucket/stackwise")

    @property
    def is_remote(self) -> bool:
        return True


S3_ARTIFACT_STORE_FLAVOR = Flavor(
    type=StackComponentType.ARTIFACT_STORE,
    name="s3",
    implementation="stackwise.integrations.s3.artifact_stores.s3_artifact_store:S3ArtifactStore",
    config="stackwise.integrations.s3.flavors.s3_artifact_store_flavor:S3ArtifactStoreConfig",
    integration=S3,
    description="Stores artifacts in an S3 bucket (or MinIO and other S3-compatible servers).",
)
