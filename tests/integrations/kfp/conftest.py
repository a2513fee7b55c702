"""Fixtures of the KFP tests: a metadata store the step processes can reach, and the kubeflow
flavors where this environment's stackwise was installed before the integration existed (its
entry point is then missing; `pip install -e .` adds it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from stackwise.enums import StackComponentType
from stackwise.exceptions import FlavorNotFoundError
from stackwise.stack.flavor_registry import flavor_registry
from stackwise.store import reset_store_cache


@pytest.fixture(autouse=True)
def kubeflow_flavors() -> Iterator[None]:
    from stackwise.integrations.kubeflow.flavors import FLAVORS

    try:
        flavor_registry.get(StackComponentType.ORCHESTRATOR, "kubeflow")
        yield
        return
    except FlavorNotFoundError:
        pass
    for flavor in FLAVORS:
        flavor_registry.register(flavor)
    try:
        yield
    finally:
        for flavor in FLAVORS:
            flavor_registry.unregister(flavor.type, flavor.name)


@pytest.fixture
def shared_store(postgres_server: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh PostgreSQL store (STACKWISE_STORE_URL), reached as a step container on Vertex
    AI or Kubeflow reaches one through its workload identity: the URL holds no password (libpq
    takes it from PGPASSWORD, in every process's environment), so this client has no
    credential the steps would need handed over. The URL."""
    with_password = postgres_server.create_database()
    url = with_password.replace(f":{postgres_server.password}@", "@")
    monkeypatch.setenv("PGPASSWORD", postgres_server.password)
    monkeypatch.setenv("STACKWISE_STORE_URL", url)
    reset_store_cache()
    try:
        yield url
    finally:
        reset_store_cache()  # its connections closed before the database goes
        postgres_server.drop_database(with_password)
