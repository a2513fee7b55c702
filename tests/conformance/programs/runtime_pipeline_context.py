"""get_pipeline_context() while the pipeline function runs: its name and options; a
RuntimeError outside a pipeline function and inside a step."""

from zenml import get_pipeline_context, pipeline, step
from zenml.pipelines import PipelineContext

seen = {}


@step
def pick(x: int) -> int:
    try:
        get_pipeline_context()
    except RuntimeError:
        seen["in_step"] = "raised"
    return x


@pipeline
def plain():
    context = get_pipeline_context()
    seen["plain"] = {k: getattr(context, k) for k in (
        "name", "enable_cache", "enable_artifact_metadata", "enable_artifact_visualization",
        "enable_step_logs", "enable_pipeline_logs", "settings", "extra", "model")}
    pick(1)


@pipeline(name="renamed", enable_cache=False, extra={"k": "v"},
          enable_artifact_metadata=False, enable_step_logs=False)
def configured():
    context = get_pipeline_context()
    seen.setdefault("configured", []).append(
        (type(context) is PipelineContext, context.name, context.enable_cache,
         context.enable_artifact_metadata, context.enable_step_logs, context.extra))
    pick(2 if context.extra["k"] == "v" else 3)


try:
    get_pipeline_context()
except RuntimeError:
    pass
else:
    raise AssertionError("get_pipeline_context() outside a pipeline must raise")

plain()
assert seen["plain"] == {"name": "plain", "enable_cache": None,
                         "enable_artifact_metadata": None,
                         "enable_artifact_visualization": None, "enable_step_logs": None,
                         "enable_pipeline_logs": None, "settings": {}, "extra": {},
                         "model": None}, seen["plain"]
assert seen["in_step"] == "raised"
run = configured()
assert run.steps["pick"].output.load() == 2
configured.with_options(extra={"k": "w"})()
assert seen["configured"] == [(True, "renamed", False, False, False, {"k": "v"}),
                              (True, "renamed", False, False, False, {"k": "w"})], \
    seen["configured"]
try:
    get_pipeline_context()
except RuntimeError:
    pass
else:
    raise AssertionError("the pipeline context must end with the pipeline function")
print("ok")
