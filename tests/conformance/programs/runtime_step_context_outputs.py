"""get_step_context() inside a step: output metadata and tags (buffered, then on the saved
versions), output URIs and materializers, inputs, and the class-level is_active()/get()."""

from typing import Annotated

from zenml import ArtifactConfig, get_step_context, pipeline, step
from zenml.client import Client
from zenml.steps import StepContext

seen = {}


@step
def make() -> tuple[Annotated[int, "a"],
                    Annotated[int, ArtifactConfig(name="b", tags=["cfg"], run_metadata={"rm": 1})]]:
    context = get_step_context()
    seen["active"] = StepContext.is_active()
    seen["same"] = StepContext.get() is context
    context.add_output_metadata({"k": 1}, output_name="a")
    context.add_output_metadata({"j": 2}, output_name="a")
    seen["meta_a"] = context.get_output_metadata("a")
    seen["meta_b"] = context.get_output_metadata("b")
    context.add_output_tags(["t1", "t2"], output_name="a")
    context.add_output_tags(["t1"], output_name="a")
    seen["tags_a"] = context.get_output_tags("a")
    context.remove_output_tags(["t2", "never-added"], output_name="a")
    seen["tags_a_after"] = context.get_output_tags("a")
    seen["tags_b"] = context.get_output_tags("b")
    seen["uri_a"] = context.get_output_artifact_uri("a")
    seen["materializer_a"] = type(context.get_output_materializer("a")).__name__
    seen["step_name"] = context.step_name
    seen["pipeline_name"] = context.pipeline.name
    return 1, 2


@step
def single() -> int:
    context = get_step_context()
    context.add_output_metadata({"only": True})
    context.add_output_tags(["single_tag"])
    seen["single_uri"] = context.get_output_artifact_uri()
    seen["single_tags"] = context.get_output_tags()
    seen["single_meta"] = context.get_output_metadata()
    return 3


@step
def use(a: int, b: int) -> None:
    inputs = get_step_context().inputs
    seen["inputs"] = sorted(inputs)
    seen["input_a"] = inputs["a"][0].load()


@pipeline(enable_cache=False)
def context_outputs():
    a, b = make()
    single()
    use(a, b)


assert StepContext.is_active() is False
assert StepContext.get() is None
run = context_outputs()
assert seen["active"] is True and seen["same"] is True
assert seen["meta_a"] == {"k": 1, "j": 2}, seen["meta_a"]
assert seen["meta_b"] == {"rm": 1}, seen["meta_b"]
assert sorted(seen["tags_a"]) == ["t1", "t2"], seen["tags_a"]  # ZenML keeps them in a set
assert seen["tags_a_after"] == ["t1"], seen["tags_a_after"]
assert seen["tags_b"] == ["cfg"], seen["tags_b"]
assert seen["single_tags"] == ["single_tag"] and seen["single_meta"] == {"only": True}
assert seen["step_name"] == "make" and seen["pipeline_name"] == "context_outputs"
assert seen["inputs"] == ["a", "b"] and seen["input_a"] == 1

run = Client().get_pipeline_run(run.id)
a = run.steps["make"].outputs["a"][0]
b = run.steps["make"].outputs["b"][0]
assert a.uri == seen["uri_a"], (a.uri, seen["uri_a"])
assert {k: a.run_metadata[k] for k in ("k", "j")} == {"k": 1, "j": 2}
assert b.run_metadata["rm"] == 1
assert [t.name for t in a.tags] == ["t1"]
assert [t.name for t in b.tags] == ["cfg"]
assert [t.name for t in b.artifact.tags] == []  # tags go on the version, not the artifact
out = run.steps["single"].output
assert out.uri == seen["single_uri"]
assert out.run_metadata["only"] is True
assert [t.name for t in out.tags] == ["single_tag"]
print("ok")
