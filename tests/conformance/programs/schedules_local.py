"""Schedules on the default (local) stack: none are listed (an empty Page, also from
`pipeline schedule list`), scheduling a run is refused with a ValueError before anything is
recorded, an unknown schedule is a KeyError, and a run made directly has no schedule."""

from _cli import cli
from zenml import pipeline, step
from zenml.client import Client
from zenml.config.schedule import Schedule


@step
def one() -> int:
    return 1


@pipeline
def nightly():
    one()


client = Client()
page = client.list_schedules()
assert page.total == 0 and list(page.items) == [] and page.index == 1
assert "No schedules" in cli("pipeline", "schedule", "list").all

try:
    nightly.with_options(schedule=Schedule(cron_expression="*/5 * * * *"))()
except ValueError as error:
    assert "schedul" in str(error).lower(), error
else:
    raise AssertionError("a schedule on the local orchestrator was accepted")
assert client.list_schedules().total == 0
assert client.list_pipeline_runs().total == 0

try:
    client.get_schedule("no-such-schedule")
except KeyError:
    pass
else:
    raise AssertionError("an unknown schedule was found")
assert cli("pipeline", "schedule", "delete", "no-such-schedule", "-y", ok=False).returncode != 0

run = nightly()
assert run.schedule is None
assert client.list_pipeline_runs(schedule_id=None).total == 1
print("ok")
