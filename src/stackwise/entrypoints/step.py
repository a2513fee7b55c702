"""One step of a recorded run, in a process of its own: what every remote orchestrator (an
Airflow task, a KFP container, a Kubernetes pod, a step operator's job) executes.

    python -m stackwise.entrypoints.step --run-id RUN --step INVOCATION
    python -m stackwise.entrypoints.step --schedule-id S --orchestrator-run-id ID --step INV

The second form is a step of a schedule's firing: the engine's own run id (`{{ run_id }}` in
Airflow) names the firing, whose run the first of its tasks creates (scheduled_run.py).
The store is the one this process is configured with (STACKWISE_STORE_URL with
STACKWISE_STORE_API_KEY or STACKWISE_STORE_USERNAME/PASSWORD, else the global config); the
spec, the stack and the upstream outputs are read from it, and the user's code from the
archive the run recorded (execution/code_archive.py), extracted to a temp dir on `sys.path`.

In a detached run (a remote engine runs its steps) each process runs one attempt of its step:
an engine that retries the task runs the next attempt, a failure is `retried` while attempts
remain. The process that fails a step finishes the run FAILED; the one that ends its last step
finishes it COMPLETED (execution/run_end.py).

Exit status: 0 the step completed or was cached (or had already succeeded), 1 it failed (its
error is recorded on its step run), 2 the arguments are wrong, 3 an upstream step did not
succeed (nothing is recorded: the step cannot run).
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Sequence

MODULE = "stackwise.entrypoints.step"
EXIT_FAILED, EXIT_USAGE, EXIT_UPSTREAM = 1, 2, 3


def step_command(run_id: str, invocation_id: str, python: str = "python") -> list[str]:
    """The command line that runs step `invocation_id` of run `run_id`."""
    return [python, "-m", MODULE, "--run-id", str(run_id), "--step", invocation_id]


def scheduled_step_command(
    schedule_id: str, orchestrator_run_id: str, invocation_id: str, python: str = "python"
) -> list[str]:
    """The command line that runs step `invocation_id` of a schedule's firing (the engine
    substitutes its run id for `orchestrator_run_id`, e.g. Airflow's `{{ run_id }}`)."""
    return [
        python,
        "-m",
        MODULE,
        "--schedule-id",
        str(schedule_id),
        "--orchestrator-run-id",
        orchestrator_run_id,
        "--step",
        invocation_id,
    ]


def _parser() -> argparse.ArgumentParser:
    from stackwise.entrypoints.scheduled_run import add_run_arguments

    parser = argparse.ArgumentParser(prog=f"python -m {MODULE}", description=__doc__)
    add_run_arguments(parser)
    parser.add_argument("--step", required=True, help="the step's invocation id in the run")
    return parser


def run_task(store_url: str, run_id: str, invocation_id: str) -> int:
    """Run step `invocation_id` of run `run_id` as a remote engine's task; the exit status."""
    from stackwise.enums import ExecutionStatus
    from stackwise.execution.code_archive import CODE_URI_KEY, extract_code
    from stackwise.execution.liveness import DETACHED_KEY
    from stackwise.execution.run_end import finish_after_step
    from stackwise.execution.step_entrypoint import (
        cached_run_context,
        record_unfinished_step,
        run_step,
    )
    from stackwise.execution.step_runner import skip_reason

    context = cached_run_context(store_url, run_id)
    store, run, spec = context.store, context.run, context.spec
    if invocation_id not in spec.steps:
        print(
            f"Run '{run.name}' has no step '{invocation_id}'; its steps: {', '.join(spec.steps)}.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    latest: dict[str, tuple[int, ExecutionStatus]] = {}
    for step_run in store.list_step_runs(run.id):
        number = step_run.attempt or 1
        if step_run.name not in latest or number >= latest[step_run.name][0]:
            latest[step_run.name] = (number, ExecutionStatus(step_run.status))
    blocked = skip_reason(spec, invocation_id, lambda i: latest[i][1] if i in latest else None)
    if blocked is not None:
        found = latest.get(blocked)
        state = f"ended {found[1]}" if found else "has not run"
        print(
            f"Step '{invocation_id}' of run '{run.name}' cannot run: its upstream step "
            f"'{blocked}' {state}. Nothing was recorded; run the upstream step first.",
            file=sys.stderr,
        )
        return EXIT_UPSTREAM
    previous = latest.get(invocation_id)
    if previous is not None and previous[1].is_successful:
        print(f"Step '{invocation_id}' of run '{run.name}' already ended {previous[1]}.")
        return 0
    code_uri = (run.config or {}).get(CODE_URI_KEY)
    if code_uri:
        extract_code(code_uri, context.stack.artifact_store)
    detached = bool((run.config or {}).get(DETACHED_KEY))
    attempt = (previous[0] + 1 if previous else 1) if detached else None
    try:
        outcome = run_step(store_url, run.id, invocation_id, attempt=attempt)
        status, error = outcome.status, outcome.error
    except Exception as escaped:  # noqa: BLE001 - escaped the StepRunner: recorded here
        traceback.print_exc()
        status = record_unfinished_step(store, run.id, spec.steps[invocation_id], escaped)
        error = escaped
    if detached:
        finish_after_step(store, run.id, spec)
    if status in (ExecutionStatus.COMPLETED, ExecutionStatus.CACHED):
        return 0
    print(
        f"Step '{invocation_id}' of run '{run.name}' ended {status}: "
        f"{type(error).__name__}: {error}",
        file=sys.stderr,
    )
    return EXIT_FAILED


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    from stackwise.config.global_config import GlobalConfig
    from stackwise.entrypoints.scheduled_run import run_id_of

    run_id = run_id_of(parser, args)
    if run_id is None:
        return EXIT_FAILED
    return run_task(GlobalConfig().store_url, run_id, args.step)


if __name__ == "__main__":
    sys.exit(main())
