"""One step of a recorded run, in a process of its own: what every remote orchestrator (an
Airflow task, a KFP container, a Kubernetes pod, a step operator's job) executes.

    python -m stackwise.entrypoints.step --run-id RUN --step INVOCATION
    python -m stackwise.entrypoints.step --schedule-id S --orchestrator-run-id ID --step INV

The second form is a step of a schedule's firing: the engine's own run id (`{{ run_id }}` in
Airflow) names the firing, whose run the first of its tasks creates (scheduled_run.py).
The store is the one this process is configured with (STACKWISE_STORE_URL with
STACKWISE_STORE_API_KEY or STACKWISE_STORE_USERNAME/PASSWORD, else the global config); the
spec, the stack and the upstream outputs are read from it. Exit status 0 when the step
completed or was cached, 1 when it failed (its error is recorded on its step run), 2 when the
arguments are wrong. The process that fails a step records the run as failed; the one that
ends its last step records it as completed (the launching process is gone by then).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stackwise.enums import ExecutionStatus
    from stackwise.store.base import Store

MODULE = "stackwise.entrypoints.step"


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
    parser = argparse.ArgumentParser(prog=f"python -m {MODULE}", description=__doc__)
    parser.add_argument("--run-id", help="id of the recorded pipeline run")
    parser.add_argument("--schedule-id", help="id of the schedule whose firing this is")
    parser.add_argument("--orchestrator-run-id", help="the engine's id of the firing")
    parser.add_argument("--step", required=True, help="the step's invocation id in the run")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if bool(args.run_id) == bool(args.schedule_id):
        parser.error("give --run-id, or --schedule-id with --orchestrator-run-id")
    if args.schedule_id and not args.orchestrator_run_id:
        parser.error("--schedule-id needs --orchestrator-run-id (the engine's run id)")
    from stackwise.config.global_config import GlobalConfig
    from stackwise.enums import ExecutionStatus
    from stackwise.execution.step_entrypoint import run_step
    from stackwise.store import get_store

    store_url = GlobalConfig().store_url
    run_id = args.run_id
    if args.schedule_id:
        from stackwise.entrypoints.scheduled_run import ScheduleInactiveError, run_of_firing

        try:
            run_id = run_of_firing(get_store(), args.schedule_id, args.orchestrator_run_id)
        except ScheduleInactiveError as error:
            print(error, file=sys.stderr)
            return 1
    outcome = run_step(store_url, run_id, args.step)
    status = ExecutionStatus(outcome.status)
    end_run_if_over(get_store(), run_id, status)
    ok = status in (ExecutionStatus.COMPLETED, ExecutionStatus.CACHED)
    if not ok:
        print(f"Step '{args.step}' of run {run_id} ended {outcome.status}.", file=sys.stderr)
    return 0 if ok else 1


def end_run_if_over(store: Store, run_id: str, status: ExecutionStatus) -> None:
    """Record the run's end when this step decides it: failed when this step failed (the
    steps after it do not run), completed when every step of the run has now succeeded."""
    from stackwise.enums import ExecutionStatus

    run = store.get_run(run_id)
    if ExecutionStatus(run.status).is_finished:
        return
    if status.is_failed:
        store.finish_run(run_id, ExecutionStatus.FAILED.value)
        return
    latest = {s.name: ExecutionStatus(s.status) for s in store.list_step_runs(run_id)}
    steps = (run.spec or {}).get("steps") or {}
    if all(latest.get(inv) is not None and latest[inv].is_successful for inv in steps):
        store.finish_run(run_id, ExecutionStatus.COMPLETED.value)


if __name__ == "__main__":
    sys.exit(main())
