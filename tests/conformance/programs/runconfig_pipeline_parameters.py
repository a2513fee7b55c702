"""Pipeline parameters from configure(parameters=...) and from YAML; a conflicting value
passed in the call is an error."""

from pathlib import Path

from zenml import pipeline, step


@step
def echo(n: int) -> int:
    return n


@pipeline(enable_cache=False)
def params(n: int):
    echo(n)


params.configure(parameters={"n": 5})
run = params()
assert run.config.parameters == {"n": 5}
assert run.steps["echo"].output.load() == 5
try:
    params(n=6)
except (RuntimeError, ValueError):
    pass
else:
    raise AssertionError("a conflicting parameter was accepted")

Path("p.yaml").write_text("parameters:\n  n: 7\n")
fresh = params.with_options(config_path="p.yaml")
fresh.configure(parameters={"n": 7})
assert fresh().steps["echo"].output.load() == 7
print("ok")
