"""StepContext errors: outside a step, output_name=None with several or no outputs, an unknown
output name; get_step_context() raises a RuntimeError outside a step."""

from typing import Annotated

from zenml import get_step_context, pipeline, step
from zenml.exceptions import StepContextError

errors = {}


def catch(label, call):
    try:
        call()
    except StepContextError as error:
        errors[label] = str(error)
    else:
        errors[label] = None


@step
def two() -> tuple[Annotated[int, "a"], Annotated[int, "b"]]:
    context = get_step_context()
    catch("meta_none", lambda: context.add_output_metadata({"x": 1}))
    catch("get_meta_none", lambda: context.get_output_metadata())
    catch("tags_none", lambda: context.add_output_tags(["x"]))
    catch("get_tags_none", lambda: context.get_output_tags())
    catch("uri_none", lambda: context.get_output_artifact_uri())
    catch("materializer_none", lambda: context.get_output_materializer())
    catch("unknown", lambda: context.add_output_metadata({"x": 1}, output_name="zzz"))
    catch("unknown_tags", lambda: context.get_output_tags("output_1"))
    return 1, 2


@step
def nothing() -> None:
    context = get_step_context()
    catch("no_outputs_meta", lambda: context.add_output_metadata({"x": 1}))
    catch("no_outputs_tags", lambda: context.get_output_tags())


@pipeline(enable_cache=False)
def context_errors():
    two()
    nothing()


try:
    get_step_context()
except RuntimeError:
    pass
else:
    raise AssertionError("get_step_context() outside a step must raise")

context_errors()
for label, message in errors.items():
    assert message is not None, f"{label}: no StepContextError"
assert "zzz" in errors["unknown"]
print("ok")
