"""get_step_context().pipeline_state: what the pipeline's on_init hook returned (None without
one)."""

from zenml import get_step_context, pipeline, step

seen = {}


def init_state(prefix: str = "state") -> dict:
    return {"prefix": prefix}


@step
def read_state() -> None:
    seen.setdefault("states", []).append(get_step_context().pipeline_state)


@pipeline(enable_cache=False, on_init=init_state, on_init_kwargs={"prefix": "ready"})
def with_state():
    read_state()


@pipeline(enable_cache=False)
def without_state():
    read_state()


with_state()
without_state()
assert seen["states"] == [{"prefix": "ready"}, None], seen["states"]
print("ok")
