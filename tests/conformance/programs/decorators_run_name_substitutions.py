"""Run names: {date} and {time} (UTC, ZenML's formats) and custom substitutions; an unknown
placeholder is an error before the run."""

import re

from zenml import pipeline, step
from zenml.client import Client


@step
def one() -> int:
    return 1


@pipeline
def named():
    one()


run = named.with_options(run_name="nightly_{date}_{time}_{team}",
                         substitutions={"team": "ml"})()
assert re.fullmatch(r"nightly_\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}_\d{6}_ml", run.name), run.name
assert run.config.substitutions["team"] == "ml"
assert re.fullmatch(r"\d{4}_\d{2}_\d{2}", run.config.substitutions["date"])

default = named()
assert re.fullmatch(r"named-\d{4}_\d{2}_\d{2}-\d{2}_\d{2}_\d{2}_\d{6}", default.name), default.name

try:
    named.with_options(run_name="bad_{nope}")()
except ValueError as error:
    assert "nope" in str(error)
else:
    raise AssertionError("an unknown placeholder was accepted")
assert Client().list_pipeline_runs().total == 2
print("ok")
