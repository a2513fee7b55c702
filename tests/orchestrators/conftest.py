"""Shared by the orchestrator tests: the event file steps write to, and registering and
activating a stack with the orchestrator under test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conformance_steps import EVENTS_VAR

from stackwise.client import Client


@pytest.fixture(autouse=True)
def events_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where this test's steps log events (read back with conformance_steps.read_events)."""
    folder = tmp_path / "events"
    folder.mkdir()
    path = folder / "events.log"
    monkeypatch.setenv(EVENTS_VAR, str(path))
    return path


@pytest.fixture
def use_orchestrator() -> Callable[..., None]:
    """`use_orchestrator(flavor, configuration)`: register an orchestrator of that flavor and
    activate a stack of it with the default artifact store."""

    def use(flavor: str, configuration: dict[str, Any] | None = None) -> None:
        client = Client()
        name = f"{flavor}-under-test"
        client.create_stack_component(name, flavor, "orchestrator", configuration or {})
        client.create_stack(name, {"orchestrator": name, "artifact_store": "default"})
        client.activate_stack(name)

    return use
