"""ExecutionStatus: ZenML's members and values, its helpers, and runs reporting them."""

from zenml import pipeline, step
from zenml.enums import ExecutionStatus

expected = {
    "INITIALIZING": "initializing", "PROVISIONING": "provisioning", "QUEUED": "queued",
    "RUNNING": "running", "FAILED": "failed", "COMPLETED": "completed", "CACHED": "cached",
    "SKIPPED": "skipped", "RETRYING": "retrying", "RETRIED": "retried",
    "CANCELLING": "cancelling", "CANCELLED": "cancelled", "PAUSED": "paused",
    "RESUMING": "resuming", "STOPPED": "stopped", "STOPPING": "stopping",
}
assert {m.name: m.value for m in ExecutionStatus} == expected
assert ExecutionStatus("queued") is ExecutionStatus.QUEUED
assert ExecutionStatus.COMPLETED == "completed" and str(ExecutionStatus.CACHED) == "cached"
assert f"{ExecutionStatus.FAILED}" == "failed"
assert sorted(ExecutionStatus.values()) == sorted(expected.values())
assert sorted(ExecutionStatus.names()) == sorted(expected)

finished = {s.value for s in ExecutionStatus if s.is_finished}
assert finished == {"failed", "completed", "cached", "skipped", "retried", "cancelled",
                    "stopped"}, finished
successful = {s.value for s in ExecutionStatus if s.is_successful}
assert successful == {"completed", "cached", "skipped"}, successful
failed = {s.value for s in ExecutionStatus if s.is_failed}
assert failed == {"failed", "cancelled"}, failed


@step
def one() -> int:
    return 1


@pipeline
def status_pipeline():
    one()


run = status_pipeline()
assert run.status == ExecutionStatus.COMPLETED and run.status == "completed"
assert ExecutionStatus(run.status).is_finished and ExecutionStatus(run.status).is_successful
assert run.steps["one"].status == ExecutionStatus.COMPLETED
again = status_pipeline()
assert again.steps["one"].status == ExecutionStatus.CACHED
print("ok")
