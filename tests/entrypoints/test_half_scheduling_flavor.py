"""A user's orchestrator flavor that claims `supports_schedules` without what scheduling needs
(the engine's run-id placeholder, `submit_schedule`): a scheduled run fails naming the missing
piece, and no schedule is left recorded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from tests.entrypoints.remote_engine import TaskFileOrchestrator

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.config.schedule import Schedule
from stackwise.enums import StackComponentType
from stackwise.stack.flavor import Flavor
from stackwise.stack.flavor_registry import flavor_registry


class NoRunIdOrchestrator(TaskFileOrchestrator):
    supports_schedules: ClassVar[bool] = True


class NoSubmitOrchestrator(TaskFileOrchestrator):
    supports_schedules: ClassVar[bool] = True
    ORCHESTRATOR_RUN_ID: ClassVar[str | None] = "{{ run_id }}"


@step
def one() -> int:
    return 1


@pipeline
def nightly() -> None:
    one()


@pytest.fixture(params=["NoRunIdOrchestrator", "NoSubmitOrchestrator"])
def half_scheduler(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    flavor = Flavor(
        StackComponentType.ORCHESTRATOR,
        "half_scheduler",
        f"{__name__}:{request.param}",
        "tests.entrypoints.remote_engine:TaskFileOrchestratorConfig",
    )
    flavor_registry.register(flavor)
    client = Client()
    client.create_stack_component(
        "half",
        "half_scheduler",
        "orchestrator",
        {"tasks_file": str(tmp_path / "tasks.json"), "runs_on_this_machine": True},
    )
    client.create_stack("half", {"orchestrator": "half", "artifact_store": "default"})
    client.activate_stack("half")
    yield request.param
    flavor_registry.unregister(flavor.type, flavor.name)


MISSING = {"NoRunIdOrchestrator": "ORCHESTRATOR_RUN_ID", "NoSubmitOrchestrator": "submit_schedule"}


def test_a_flavor_without_what_scheduling_needs_fails_naming_it(half_scheduler: str) -> None:
    with pytest.raises(NotImplementedError, match=f"'half_scheduler'.*{MISSING[half_scheduler]}"):
        nightly.with_options(schedule=Schedule(cron_expression="0 3 * * *"))()
    assert Client().list_schedules().total == 0
