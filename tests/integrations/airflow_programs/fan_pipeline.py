"""A fan-out/fan-in pipeline run as its user runs it (`python fan_pipeline.py STACK [MODE]`),
for tests/integrations/test_airflow_orchestrator.py: on an airflow stack the run is submitted
(a DAG file is written), on the default stack it runs here. MODE `fail` makes one branch
fail; `schedule` schedules the pipeline instead of running it. Prints one JSON line: the
run's id and status (or null when scheduled)."""

import json
import os
import sys
from datetime import datetime, timezone
from typing import Annotated

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.config.schedule import Schedule


@step
def numbers() -> Annotated[list, "numbers"]:
    return [1, 2, 3, 4]


@step
def scaled(values: list, factor: int) -> Annotated[int, "scaled"]:
    if factor < 0:
        raise ValueError(f"factor must be positive, got {factor}")
    return sum(values) * factor


@step
def combined(a: int, b: int, c: int) -> Annotated[dict, "combined"]:
    return {"total": a + b + c, "pid": os.getpid()}


@pipeline
def fan(bad: bool = False):
    values = numbers()
    combined(
        scaled(values, factor=1),
        scaled(values, factor=10),
        scaled(values, factor=-1 if bad else 100),
    )


if __name__ == "__main__":
    stack, mode = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "run")
    Client().activate_stack(stack)
    if mode == "schedule":
        run = fan.with_options(
            schedule=Schedule(
                name="every-night",
                cron_expression="0 3 * * *",
                start_time=datetime(2026, 1, 1, tzinfo=timezone.utc),
            )
        )()
        print(json.dumps(None))
    else:
        run = fan(bad=mode == "fail")
        print(json.dumps({"id": str(run.id), "status": str(run.status)}))
