"""The errors of the metadata functions: a missing or incomplete target, infer_artifact where
there is no single output, unknown names, values that cannot be stored."""

from typing import Annotated

from _support import ON_STACKWISE
from zenml import (
    bulk_log_metadata,
    log_artifact_metadata,
    log_metadata,
    log_step_metadata,
    pipeline,
    step,
)

inside = {}


def raises(error_type, call):
    try:
        call()
    except error_type:
        return True
    return False


@step
def two() -> tuple[Annotated[int, "a"], Annotated[int, "b"]]:
    inside["infer_several"] = raises(ValueError, lambda: log_metadata({"x": 1},
                                                                      infer_artifact=True))
    inside["infer_unknown"] = raises(ValueError, lambda: log_metadata(
        {"x": 1}, infer_artifact=True, artifact_name="zz"))
    inside["lesson_several"] = raises(ValueError, lambda: log_artifact_metadata({"x": 1}))
    inside["step_name_only"] = raises(ValueError, lambda: log_metadata({"x": 1},
                                                                       step_name="two"))
    inside["version_only"] = raises(ValueError, lambda: log_metadata({"x": 1},
                                                                     artifact_version="1"))
    return 1, 2


@step
def nothing() -> None:
    inside["infer_none"] = raises(ValueError, lambda: log_metadata({"x": 1},
                                                                   infer_artifact=True))
    inside["lesson_none"] = raises(ValueError, lambda: log_artifact_metadata({"x": 1}))


@pipeline(enable_cache=False)
def meta_errors():
    two()
    nothing()


assert raises(ValueError, lambda: log_metadata({"x": 1}))
assert raises(ValueError, lambda: log_metadata({"x": 1}, infer_artifact=True))
assert raises(ValueError, lambda: log_metadata({"x": 1}, step_name="two"))
assert raises(ValueError, lambda: log_artifact_metadata({"x": 1}))
assert raises(ValueError, lambda: log_step_metadata({"x": 1}))
assert raises(ValueError, lambda: log_step_metadata({"x": 1}, step_name="two"))
assert raises(ValueError, lambda: bulk_log_metadata({"x": 1}))
assert raises(ValueError, lambda: bulk_log_metadata({"x": 1}, infer_artifacts=True))
run = meta_errors()
assert all(inside.values()), inside
if ON_STACKWISE:  # stackwise takes the newest version (docs/zenml-differences.md)
    log_metadata({"newest": 1}, artifact_name="a")
else:
    assert raises(ValueError, lambda: log_metadata({"x": 1}, artifact_name="a"))
assert raises(KeyError, lambda: log_metadata({"x": 1}, run_id_name_or_prefix="no-such-run"))
assert raises(KeyError, lambda: log_metadata({"x": 1}, artifact_name="a",
                                             artifact_version="9"))
assert raises(TypeError, lambda: log_metadata({"obj": object()},
                                              run_id_name_or_prefix=run.name))
print("ok")
