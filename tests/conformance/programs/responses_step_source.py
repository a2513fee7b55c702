"""A step run's source_code and docstring, duration (timedelta), start/end times, name."""

from datetime import datetime, timedelta

from zenml import pipeline, step
from zenml.client import Client


@step
def documented(n: int = 2) -> int:
    """Square a number."""
    return n * n


@pipeline
def sourced():
    documented()


run = Client().get_pipeline_run(sourced().id)
s = run.steps["documented"]
assert s.name == "documented"
assert s.docstring == "Square a number."
assert "def documented(n: int = 2) -> int:" in s.source_code
assert "return n * n" in s.source_code
assert s.source_code.lstrip().startswith("@step")
assert isinstance(s.start_time, datetime) and isinstance(s.end_time, datetime)
assert s.start_time <= s.end_time
assert isinstance(s.duration, timedelta)
assert s.duration == s.end_time - s.start_time
assert s.output.load() == 4
print("ok")
