"""A schedule on a stack whose orchestrator cannot schedule is refused before any run."""

from zenml import pipeline, step
from zenml.client import Client
from zenml.config.schedule import Schedule


@step
def tick() -> int:
    return 1


@pipeline
def scheduled():
    tick()


schedule = Schedule(cron_expression="*/5 * * * *")
assert schedule.catchup is False and schedule.start_time is None
try:
    scheduled.with_options(schedule=schedule)()
except ValueError as error:
    assert "schedul" in str(error).lower()
else:
    raise AssertionError("a schedule was silently ignored")
assert Client().list_pipeline_runs().total == 0
print("ok")
