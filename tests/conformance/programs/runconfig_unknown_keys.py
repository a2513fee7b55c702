"""Unknown run-config keys. ZenML warns and ignores them; stackwise refuses the run and
names every unknown key with a suggestion (docs/zenml-differences.md)."""

from pathlib import Path

from _support import ON_STACKWISE
from zenml import pipeline, step
from zenml.client import Client


@step
def s(n: int) -> int:
    return n


@pipeline
def typos(n: int = 1):
    s(n)


Path("typos.yaml").write_text("""
parameterz:
  n: 2
enable_cahce: false
steps:
  s:
    parametrs:
      n: 3
""")
if ON_STACKWISE:
    try:
        typos.with_options(config_path="typos.yaml")()
    except ValueError as error:
        text = str(error)
        assert "parameterz" in text and "Did you mean 'parameters'" in text, text
        assert "enable_cahce" in text and "Did you mean 'enable_cache'" in text, text
        assert "parametrs" in text, text
    else:
        raise AssertionError("unknown keys were ignored")
    assert Client().list_pipeline_runs().total == 0
else:
    run = typos.with_options(config_path="typos.yaml")()
    assert run.config.parameters == {"n": 1}
print("ok")
