"""A run-config YAML with many of ZenML's keys: every one is acted on."""

import os
import re
from pathlib import Path

from zenml import pipeline, step


@step
def report(n: int, scale: int = 1) -> str:
    return f"{n * scale}|{os.environ.get('RUN_ENV')}|{os.environ.get('STEP_ENV')}"


@pipeline
def configured(n: int = 1):
    report(n)


Path("run.yaml").write_text("""
run_name: yaml_run_{date}_{owner}
enable_cache: false
enable_step_logs: false
tags: [from_yaml]
substitutions:
  owner: ops
environment:
  RUN_ENV: r
parameters:
  n: 4
extra:
  origin: yaml
steps:
  report:
    parameters:
      scale: 10
    environment:
      STEP_ENV: s
    enable_artifact_metadata: false
    extra:
      level: step
""")
run = configured.with_options(config_path="run.yaml")()
assert re.fullmatch(r"yaml_run_\d{4}_\d{2}_\d{2}_ops", run.name), run.name
assert run.steps["report"].output.load() == "40|r|s"
assert run.config.parameters == {"n": 4}
assert "from_yaml" in run.config.tags
assert run.config.enable_cache is False
step_config = run.steps["report"].config
assert step_config.parameters == {"n": 4, "scale": 10}
assert step_config.environment == {"RUN_ENV": "r", "STEP_ENV": "s"}
assert step_config.enable_artifact_metadata is False
assert step_config.extra == {"origin": "yaml", "level": "step"}
assert step_config.enable_step_logs is False
assert step_config.enable_cache is False
print("ok")
