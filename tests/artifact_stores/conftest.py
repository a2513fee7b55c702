"""The artifact stores under test, each against a real peer: a local folder, moto (S3), the GCS
emulator and azurite. Test modules load the server fixtures with
`pytest_plugins = STORE_PLUGINS` (pytest allows `pytest_plugins` only in test modules and the
root conftest)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from stackwise.artifact_stores.base_artifact_store import BaseArtifactStore
from stackwise.stack.flavor_registry import flavor_registry

# test id -> (flavor, fixture giving the configuration of a fresh bucket/container or None)
STORES: dict[str, tuple[str, str | None]] = {
    "local": ("local", None),
    "s3": ("s3", "s3_store_config"),
    "gcs": ("gcp", "gcs_store_config"),
    "azure": ("azure", "azure_store_config"),
}
ROOT_PREFIX = "artifacts"  # stores are rooted below the bucket, to exercise prefixes


def build_store(
    flavor: str, configuration: dict[str, Any], name: str = "conformance"
) -> BaseArtifactStore:
    """The store a stack would build from this flavor and configuration."""
    flavor_obj = flavor_registry.get("artifact_store", flavor)
    config = flavor_obj.validate_config(configuration)
    cls = flavor_obj.implementation_class()
    return cls(id=uuid.uuid4().hex, name=name, flavor=flavor, config=config)  # type: ignore[return-value]


@pytest.fixture(params=list(STORES))
def store_spec(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, dict[str, Any]]:
    """(flavor, configuration) of an empty store of each kind, rooted at `<bucket>/artifacts`."""
    flavor, fixture = STORES[request.param]
    if fixture is None:
        return flavor, {"path": str(tmp_path / "store" / ROOT_PREFIX)}
    configuration = dict(request.getfixturevalue(fixture))
    configuration["path"] = f"{configuration['path']}/{ROOT_PREFIX}"
    return flavor, configuration


@pytest.fixture
def make_store() -> Callable[..., BaseArtifactStore]:
    """make_store(flavor, configuration, name=...) -> the store, as `build_store`."""
    return build_store


@pytest.fixture
def store(store_spec: tuple[str, dict[str, Any]]) -> BaseArtifactStore:
    return build_store(*store_spec)


@pytest.fixture
def uri(store: BaseArtifactStore) -> Callable[..., str]:
    """uri("a", "b.txt") -> that path under the store's root."""
    return lambda *parts: store.join(store.path, *parts)
