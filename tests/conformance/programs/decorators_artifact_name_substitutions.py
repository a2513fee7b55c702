"""Artifact names may use {date}, {time} and substitutions; the run's date is used."""

from typing import Annotated

from zenml import ArtifactConfig, pipeline, step


@step(substitutions={"kind": "train"})
def make() -> Annotated[int, ArtifactConfig(name="data_{kind}_{date}")]:
    return 1


@step
def other() -> Annotated[int, "plain_{date}"]:
    return 2


@pipeline(substitutions={"kind": "ignored"})
def subst():
    make()
    other()


run = subst()
date = run.config.substitutions["date"]
assert list(run.steps["make"].outputs) == [f"data_train_{date}"], list(run.steps["make"].outputs)
assert list(run.steps["other"].outputs) == [f"plain_{date}"]
version = run.steps["make"].outputs[f"data_train_{date}"][0]
assert version.artifact.name == f"data_train_{date}"
assert version.load() == 1
print("ok")
