"""Running one step from nothing but the store's URL, a run id and an invocation id: what a
worker process, a Dask task or a container executes. Everything else (spec, stack, upstream
outputs) is read from the store."""

from __future__ import annotations

from stackwise.enums import ExecutionStatus
from stackwise.execution.step_runner import RunContext, StepOutcome, StepRunner
from stackwise.models.pipeline_spec import PipelineSpec


def run_context_from_store(store_url: str, run_id: str) -> RunContext:
    from stackwise.stack.active_stack import load_stack
    from stackwise.store import get_store

    store = get_store(store_url)
    run = store.get_run(run_id)
    if run.stack_id is None:
        raise RuntimeError(f"Run '{run.name}' records no stack; it cannot run on a worker.")
    return RunContext(store=store, stack=load_stack(store, run.stack_id), run=run,
                      spec=PipelineSpec.from_dict(run.spec))


def run_step(store_url: str, run_id: str, invocation_id: str) -> StepOutcome:
    """Execute (or cache-hit) one step of a recorded run; upstream steps must have succeeded."""
    return StepRunner(run_context_from_store(store_url, run_id)).run(invocation_id)


def run_step_status(store_url: str, run_id: str, invocation_id: str) -> str:
    """`run_step` for process boundaries: only the status string crosses back; the step's
    error (if any) is recorded on its step run in the store."""
    outcome = run_step(store_url, run_id, invocation_id)
    return str(outcome.status if outcome.status else ExecutionStatus.FAILED)
