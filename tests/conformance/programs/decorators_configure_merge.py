"""configure() merges dict options by default and replaces them with merge=False;
with_options() returns a copy and leaves the original alone."""

from zenml import pipeline, step


@step(extra={"a": 1}, environment={"X": "1"})
def configurable() -> int:
    return 1


copy = configurable.with_options(extra={"b": 2})
assert copy.configuration.extra == {"a": 1, "b": 2}
assert configurable.configuration.extra == {"a": 1}

copy.configure(extra={"c": 3}, merge=False)
assert copy.configuration.extra == {"c": 3}
assert copy.configuration.environment == {"X": "1"}
copy.configure(environment={"Y": "2"})
assert copy.configuration.environment == {"X": "1", "Y": "2"}
copy.configure(enable_cache=False, enable_step_logs=False, enable_artifact_metadata=False,
               enable_artifact_visualization=False)
config = copy.configuration
assert config.enable_cache is False and config.enable_step_logs is False
assert config.enable_artifact_metadata is False and config.enable_artifact_visualization is False


@pipeline(extra={"p": 1})
def merged():
    copy()


merged.configure(extra={"q": 2})
assert merged.configuration.extra == {"p": 1, "q": 2}
merged.configure(extra={"r": 3}, merge=False)
assert merged.configuration.extra == {"r": 3}
run = merged()
step_config = run.steps["configurable"].config
assert step_config.extra == {"r": 3, "c": 3}
assert step_config.enable_artifact_metadata is False
assert step_config.enable_artifact_visualization is False
assert step_config.enable_step_logs is False
print("ok")
