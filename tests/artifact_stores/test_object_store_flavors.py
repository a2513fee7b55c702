"""The s3, gcp and azure artifact store flavors: found through their entry points without
importing their libraries, configurations validated and secrets kept out of reprs, logs and
error messages; plus what only one store has (GCS's endpoint override)."""

from __future__ import annotations

import logging
import subprocess
import sys
import traceback
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fsspec.implementations.memory import MemoryFileSystem
from pydantic import Field

from stackwise.artifact_stores.base_artifact_store import BaseArtifactStoreConfig
from stackwise.artifact_stores.fsspec_artifact_store import FsspecArtifactStore
from stackwise.exceptions import ConfigError, StackwiseError
from stackwise.stack.flavor_registry import flavor_registry

pytest_plugins = ["fixtures.gcs_server"]

FLAVORS = {
    "s3": "s3://bucket/prefix",
    "gcp": "gs://bucket/prefix",
    "azure": "az://container/prefix",
}
SECRET_FIELDS = {
    "s3": {"key", "secret", "token"},
    "gcp": {"token"},
    "azure": {"account_key", "connection_string", "sas_token"},
}


def test_flavors_are_found_without_importing_their_libraries() -> None:
    code = (
        "import sys\n"
        "from stackwise.stack.flavor_registry import flavor_registry\n"
        "for name in ('s3', 'gcp', 'azure'):\n"
        "    flavor = flavor_registry.get('artifact_store', name)\n"
        "    flavor.validate_config({'path': {'s3': 's3://b', 'gcp': 'gs://b',\n"
        "                                     'azure': 'az://c'}[name]})\n"
        "heavy = ('fsspec', 's3fs', 'botocore', 'aiobotocore', 'gcsfs', 'google.cloud',\n"
        "         'adlfs', 'azure')\n"
        # `google` and `google.cloud` are empty namespace packages (no __file__) that a
        # google-cloud-* distribution's .pth file may import at start-up: not libraries
        "print(sorted({m.split('.')[0] for m, module in sys.modules.items()\n"
        "              if m.startswith(heavy) and getattr(module, '__file__', None)}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("name", list(FLAVORS))
def test_flavor_metadata_and_remote_config(name: str) -> None:
    flavor = flavor_registry.get("artifact_store", name)
    assert flavor.integration == name
    config = flavor.validate_config({"path": FLAVORS[name] + "/"})
    assert config.path == FLAVORS[name]  # trailing slash dropped
    assert config.is_remote
    secret = {
        field
        for field, info in type(config).model_fields.items()
        if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get("secret")
    }
    assert secret == SECRET_FIELDS[name]


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("s3", "gs://bucket"),
        ("s3", "/tmp/folder"),
        ("s3", "s3://"),
        ("s3", "bucket/prefix"),
        ("gcp", "s3://bucket"),
        ("gcp", "gs:///"),
        ("azure", "s3://container"),
        ("azure", "container"),
    ],
)
def test_wrong_scheme_is_refused_with_an_example(name: str, path: str) -> None:
    with pytest.raises(ConfigError, match=r"key 'path': .*must be a URI starting with .*e\.g\."):
        flavor_registry.get("artifact_store", name).validate_config({"path": path})


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("gcp", "gcs://bucket"),
        ("azure", "abfs://container/p"),
        ("azure", "abfss://c"),
        ("s3", "S3://Bucket/Prefix"),
    ],
)
def test_alternative_schemes_are_accepted(name: str, path: str) -> None:
    config = flavor_registry.get("artifact_store", name).validate_config({"path": path})
    assert config.path.split("://")[0] == path.split("://")[0].lower()


@pytest.mark.parametrize("name", list(FLAVORS))
def test_secrets_stay_out_of_config_reprs(name: str) -> None:
    values = {field: f"{field}-VALUE-{uuid.uuid4().hex}" for field in SECRET_FIELDS[name]}
    config = flavor_registry.get("artifact_store", name).validate_config(
        {"path": FLAVORS[name], **values}
    )
    for value in values.values():
        assert value not in repr(config) and value not in str(config)


def test_secret_references_pass_validation() -> None:
    config = flavor_registry.get("artifact_store", "s3").validate_config(
        {"path": "{{bucket.uri}}", "key": "{{aws.key}}", "secret": "{{aws.secret}}"}
    )
    assert config.path == "{{bucket.uri}}"


# -- error scrubbing, on a filesystem that fails on purpose -------------------------------
class LeakyConfig(BaseArtifactStoreConfig):
    password: str = Field("", repr=False, json_schema_extra={"secret": True})


class LeakyFileSystem(MemoryFileSystem):
    """Fails the way a careless SDK does: quoting the credentials it was given."""

    def __init__(self, password: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.password = password

    def info(self, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            raise ConnectionError(f"login with password={self.password} refused")
        except ConnectionError as inner:
            raise PermissionError(f"access denied (password {self.password})") from inner


class LeakyStore(FsspecArtifactStore):
    config: LeakyConfig

    def _make_filesystem(self) -> Any:
        return LeakyFileSystem(self.config.password, skip_instance_cache=True)


@pytest.fixture
def leaky() -> LeakyStore:
    config = LeakyConfig(path="memory://root", password="hunter2-very-secret")
    return LeakyStore(id="l", name="leaky", flavor="leaky", config=config)


@pytest.mark.parametrize(
    "operation",
    [
        lambda s: s.size("memory://root/x"),
        lambda s: s.remove("memory://root/x"),
        lambda s: s.verify(),
    ],
)
def test_errors_quoting_credentials_are_scrubbed(
    leaky: LeakyStore, operation: Callable[[Any], Any]
) -> None:
    with pytest.raises((PermissionError, OSError, StackwiseError)) as info:
        operation(leaky)
    text = "".join(traceback.format_exception(info.value))
    assert "hunter2-very-secret" not in text
    assert "****" in text and "access denied" in text


def test_scrubbed_error_keeps_its_type(leaky: LeakyStore) -> None:
    with pytest.raises(PermissionError, match=r"access denied \(password \*\*\*\*\)"):
        leaky.size("memory://root/x")


def test_log_records_of_storage_libraries_are_scrubbed(
    leaky: LeakyStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    logger = logging.getLogger("botocore.stackwise_test")  # a storage library's logger
    with pytest.raises(PermissionError):
        leaky.size("memory://root/x")  # builds the filesystem: registers the secret
    try:
        raise ValueError("token hunter2-very-secret rejected")
    except ValueError:
        logger.debug("signing with %s", "hunter2-very-secret", exc_info=True)
    assert "signing with ****" in caplog.text and "token **** rejected" in caplog.text
    assert "hunter2-very-secret" not in caplog.text


def test_azure_connection_string_parts_are_scrubbed_too() -> None:
    flavor = flavor_registry.get("artifact_store", "azure")
    key = "S2V5VGhhdElzU2VjcmV0AAAA" + uuid.uuid4().hex
    connection = f"AccountName=acct;AccountKey={key};BlobEndpoint=http://127.0.0.1:1/acct"
    store = flavor.implementation_class()(
        id="a",
        name="az",
        flavor="azure",
        config=flavor.validate_config({"path": "az://c", "connection_string": connection}),
    )
    assert key in store._secret_values()  # type: ignore[attr-defined]


# -- GCS: the endpoint override -----------------------------------------------------
def gcs_store(configuration: dict[str, Any]) -> Any:
    flavor = flavor_registry.get("artifact_store", "gcp")
    return flavor.implementation_class()(
        id="g", name="gcs", flavor="gcp", config=flavor.validate_config(configuration)
    )


def test_gcs_endpoint_url_overrides_the_environment(
    gcs_server: Any, gcs_store_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STORAGE_EMULATOR_HOST")
    store = gcs_store({**gcs_store_config, "endpoint_url": gcs_server.endpoint_url})
    with store.open(store.join(store.path, "f.txt"), "w") as f:
        f.write("via endpoint_url")
    assert store.listdir(store.path) == ["f.txt"]
