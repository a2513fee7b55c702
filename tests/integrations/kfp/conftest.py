"""Fixtures of the KFP tests: the `gcp` container registry (a remote orchestrator's stack needs
one) and the kubeflow flavors where this environment's stackwise was installed before the
integration existed (its entry point is then missing; `pip install -e .` adds it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.fixtures.container_registry import gcp_container_registry  # noqa: F401 - a fixture

from stackwise.enums import StackComponentType
from stackwise.exceptions import FlavorNotFoundError
from stackwise.stack.flavor_registry import flavor_registry


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
