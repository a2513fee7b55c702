"""PipelineResponse: name, last_run, last_successful_run, runs (newest first), num_runs,
latest_run_status."""

from zenml import pipeline, step
from zenml.client import Client


@step
def maybe_fail(fail: bool) -> int:
    if fail:
        raise ValueError("asked to fail")
    return 1


@pipeline
def flaky(fail: bool = False):
    maybe_fail(fail)


flaky.with_options(run_name="good_1")(fail=False)
flaky.with_options(run_name="good_2", enable_cache=False)(fail=False)
try:
    flaky.with_options(run_name="bad_3")(fail=True)
except RuntimeError:
    pass

client = Client()
p = client.get_pipeline("flaky")
assert p.name == "flaky"
assert p.last_run.name == "bad_3"
assert p.last_successful_run.name == "good_2"
assert p.latest_run_status == "failed"
assert p.num_runs == 3
assert [r.name for r in p.runs] == ["bad_3", "good_2", "good_1"]
assert client.get_pipeline(p.id).name == "flaky"
print("ok")
