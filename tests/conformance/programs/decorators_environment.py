"""`environment=` is set in the step's process environment while it runs, and restored."""

import os

from zenml import pipeline, step

os.environ["KEEP_ME"] = "outer"


@step(environment={"STEP_ONLY": "s", "KEEP_ME": "step"})
def read_env() -> str:
    return f"{os.environ.get('PIPE_VAR')}|{os.environ.get('STEP_ONLY')}|{os.environ['KEEP_ME']}"


@pipeline(environment={"PIPE_VAR": "p"}, enable_cache=False)
def env_pipeline():
    read_env()


run = env_pipeline()
assert run.steps["read_env"].output.load() == "p|s|step"
assert run.config.environment == {"PIPE_VAR": "p"}
assert run.steps["read_env"].config.environment == {"PIPE_VAR": "p", "STEP_ONLY": "s",
                                                    "KEEP_ME": "step"}
assert "PIPE_VAR" not in os.environ and "STEP_ONLY" not in os.environ
assert os.environ["KEEP_ME"] == "outer"
print("ok")
