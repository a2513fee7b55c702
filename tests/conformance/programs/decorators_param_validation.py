"""Pipeline parameters are checked against the signature's annotations before a run exists:
a wrong type is an error and records nothing; lax coercions ("3" -> 3, 3.0 -> 3) are applied."""

from zenml import pipeline, step
from zenml.client import Client


@step
def echo(n: int) -> int:
    return n


@pipeline
def typed(n: int, label: str = "x"):
    echo(n)


for bad in ("three", 3.5, [1]):
    try:
        typed(n=bad)
    except ValueError:
        pass
    else:
        raise AssertionError(f"n={bad!r} was accepted")
assert Client().list_pipeline_runs().total == 0

run = typed(n="3")
assert run.config.parameters["n"] == 3
assert run.steps["echo"].config.parameters == {"n": 3}
assert run.steps["echo"].output.load() == 3
run = typed(n=4.0)
assert run.config.parameters["n"] == 4
assert Client().list_pipeline_runs().total == 2
print("ok")
