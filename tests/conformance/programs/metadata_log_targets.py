"""log_metadata outside a step, to every kind of target, read back through `.run_metadata`."""

from typing import Annotated

from zenml import log_metadata, pipeline, step
from zenml.client import Client


@step
def make() -> Annotated[int, "made"]:
    return 1


@pipeline(enable_cache=False)
def targets():
    make()


run = targets()
client = Client()
step_run = client.get_pipeline_run(run.id).steps["make"]
version = step_run.outputs["made"][0]

log_metadata({"by_step_id": 1}, step_id=step_run.id)
log_metadata({"by_step_name": 2}, step_name="make", run_id_name_or_prefix=run.name)
log_metadata({"by_prefix": 3}, step_name="make", run_id_name_or_prefix=str(run.id)[:8])
log_metadata({"by_run": 4, "nested": {"a": [1, 2]}, "f": 1.5, "s": "text"},
             run_id_name_or_prefix=run.name)
log_metadata({"by_run_id": 5}, run_id_name_or_prefix=run.id)
log_metadata({"by_version_id": 6}, artifact_version_id=version.id)
log_metadata({"by_name_version": 7}, artifact_name="made", artifact_version="1")
# several targets: ZenML's order decides (a step id beats a run; a run beats a version id)
log_metadata({"order_step": 8}, step_id=step_run.id, run_id_name_or_prefix=run.name)
log_metadata({"order_run": 9}, artifact_version_id=version.id, run_id_name_or_prefix=run.name)
log_metadata({"by_run": 10}, run_id_name_or_prefix=run.name)  # a key logged again: newest wins

run = client.get_pipeline_run(run.id)
step_meta = client.get_run_step(run.steps["make"].id).run_metadata
assert {k: step_meta[k] for k in ("by_step_id", "by_step_name", "by_prefix", "order_step")} == \
    {"by_step_id": 1, "by_step_name": 2, "by_prefix": 3, "order_step": 8}, step_meta
run_meta = run.run_metadata
assert run_meta["by_run"] == 10 and run_meta["by_run_id"] == 5 and run_meta["order_run"] == 9
assert run_meta["nested"] == {"a": [1, 2]} and run_meta["f"] == 1.5 and run_meta["s"] == "text"
assert "order_step" not in run_meta
version_meta = client.get_artifact_version("made", "1").run_metadata
assert version_meta["by_version_id"] == 6 and version_meta["by_name_version"] == 7
assert "order_run" not in version_meta
print("ok")
