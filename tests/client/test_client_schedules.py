"""Schedules through the Client on every store backend: what a scheduled pipeline recorded is
listed, filtered, found by name or id prefix, changed and deleted with ZenML's parameters; a
firing's run is created once however many of its tasks ask at the same time, and is linked
to its schedule (`run.schedule`, `list_pipeline_runs(schedule_id=...)`). Scheduling on an
orchestrator without a scheduler is refused before anything is recorded (ZenML raises a
ValueError too)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.config.schedule import Schedule
from stackwise.exceptions import ConfigError, EntityNotFoundError
from stackwise.store import get_store
from stackwise.store.records import ScheduleRecord
from stackwise.utils.ids import new_id, utcnow


@step
def one() -> int:
    return 1


@pipeline
def nightly() -> None:
    one()


def record(name: str, **fields: object) -> ScheduleRecord:
    store = get_store()
    now = utcnow()
    values: dict[str, object] = {
        "id": new_id(),
        "name": name,
        "pipeline_id": store.get_or_create_pipeline("nightly").id,
        "pipeline_name": "nightly",
        "orchestrator_id": None,
        "stack_id": None,
        "spec": {"name": "nightly", "steps": {}},
        "config": {"run_name_template": "nightly-{date}-{time}"},
        "cron_expression": None,
        "start_time": None,
        "end_time": None,
        "interval_second": None,
        "catchup": False,
        "run_once_start_time": None,
        "active": True,
        "created": now,
        "updated": now,
        **fields,
    }
    return store.create_schedule(ScheduleRecord(**values))  # type: ignore[arg-type]


def test_schedules_are_listed_filtered_changed_and_deleted() -> None:
    client = Client()
    assert client.list_schedules().total == 0
    record("at-three", cron_expression="0 3 * * *")
    record("hourly", interval_second=3600.0, catchup=True)

    page = client.list_schedules()
    assert [s.name for s in page] == ["at-three", "hourly"]
    hourly = client.get_schedule("hou")  # a name prefix
    assert hourly.interval_second == timedelta(hours=1)
    assert hourly.catchup and hourly.active and hourly.cron_expression is None
    assert client.get_schedule(str(hourly.id)[:8]).name == "hourly"
    assert [s.name for s in client.list_schedules(catchup=True)] == ["hourly"]
    assert [s.name for s in client.list_schedules(interval_second=timedelta(hours=1))] == ["hourly"]
    assert [s.name for s in client.list_schedules(name="contains:three")] == ["at-three"]
    assert client.list_schedules(is_archived=True).total == 0

    changed = client.update_schedule("at-three", cron_expression="0 4 * * *", active=False)
    assert (changed.cron_expression, changed.active) == ("0 4 * * *", False)
    assert [s.name for s in client.list_schedules(active=False)] == ["at-three"]
    with pytest.raises(ConfigError, match="interval or once, not by a cron expression"):
        client.update_schedule("hourly", cron_expression="* * * * *")

    client.delete_schedule("at-three")
    assert [s.name for s in client.list_schedules()] == ["hourly"]
    with pytest.raises(EntityNotFoundError):
        client.get_schedule("at-three")


def test_a_firing_has_one_run_however_many_tasks_create_it_at_once() -> None:
    schedule = record("every-minute", cron_expression="* * * * *")
    store = get_store()
    pipeline_record = store.get_or_create_pipeline("nightly")

    def create(firing: str) -> str:
        return store.get_or_create_scheduled_run(
            schedule_id=schedule.id,
            orchestrator_run_id=firing,
            pipeline=pipeline_record,
            name=f"nightly-{firing}-{new_id()[:8]}",  # each task names it differently
            spec=schedule.spec,
            config={},
            stack_id=None,
        ).id

    with ThreadPoolExecutor(max_workers=6) as pool:
        ids = list(pool.map(create, ["firing-1"] * 6 + ["firing-2"] * 6))
    assert len(set(ids[:6])) == 1 and len(set(ids[6:])) == 1 and ids[0] != ids[6]

    client = Client()
    runs = client.list_pipeline_runs(schedule_id=schedule.id, sort_by="created")
    assert sorted(r.orchestrator_run_id or "" for r in runs) == ["firing-1", "firing-2"]
    assert {r.schedule.name for r in runs if r.schedule} == {"every-minute"}
    assert client.list_pipeline_runs(schedule_id=new_id()).total == 0
    unscheduled = client.list_pipeline_runs(schedule_id="isnull:")
    assert unscheduled.total == 0


def test_scheduling_on_the_local_orchestrator_is_refused_before_anything_is_recorded() -> None:
    with pytest.raises(ValueError, match="cannot schedule runs"):
        nightly.with_options(schedule=Schedule(cron_expression="*/5 * * * *"))()
    client = Client()
    assert client.list_schedules().total == 0
    assert client.list_pipeline_runs().total == 0
