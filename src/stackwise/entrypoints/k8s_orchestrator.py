"""What the `kubernetes` orchestrator's orchestrator pod runs: walk a recorded run's DAG,
starting one pod per step as its upstream steps succeed (`stackwise.orchestrators.remote_dag`).

    python -m stackwise.entrypoints.k8s_orchestrator --run-id RUN
    python -m stackwise.entrypoints.k8s_orchestrator --schedule-id S --orchestrator-run-id ID

The store is the one this process is configured with (STACKWISE_STORE_URL and credentials from
the environment, as for the step entrypoint). The run's stack names the orchestrator, whose
`walk_run(context)` walks it (with its pod launcher). The second form is a schedule's CronJob
firing: ID (the pod's name, which Kubernetes puts in the command) names the firing, whose run
is created from the schedule's recorded spec, configuration and stack (scheduled_run.py) and
walked. Exit status 0 when every step succeeded, 1 otherwise, 2 when the
arguments or the run's orchestrator are wrong.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

MODULE = "stackwise.entrypoints.k8s_orchestrator"


def orchestrator_command(run_id: str, python: str = "python") -> list[str]:
    """The orchestrator pod's command line for run `run_id`."""
    return [python, "-m", MODULE, "--run-id", str(run_id)]


def scheduled_orchestrator_command(
    schedule_id: str, orchestrator_run_id: str, python: str = "python"
) -> list[str]:
    """The command line of a schedule's orchestrator pod; the engine substitutes the firing's
    id for `orchestrator_run_id`."""
    return [
        python,
        "-m",
        MODULE,
        "--schedule-id",
        str(schedule_id),
        "--orchestrator-run-id",
        orchestrator_run_id,
    ]


def _parser() -> argparse.ArgumentParser:
    from stackwise.entrypoints.scheduled_run import add_run_arguments

    parser = argparse.ArgumentParser(prog=f"python -m {MODULE}", description=__doc__)
    add_run_arguments(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    from stackwise.config.global_config import GlobalConfig
    from stackwise.entrypoints.scheduled_run import run_id_of
    from stackwise.enums import ExecutionStatus
    from stackwise.execution.step_entrypoint import run_context_from_store

    run_id = run_id_of(parser, args)
    if run_id is None:
        return 1
    store_url = GlobalConfig().store_url
    context = run_context_from_store(store_url, run_id)
    orchestrator = context.stack.orchestrator
    walk_run = getattr(orchestrator, "walk_run", None)
    if walk_run is None:
        print(
            f"Run {run_id} runs on orchestrator '{orchestrator.name}' ({orchestrator.flavor}), "
            "which does not start step pods; run it with its own orchestrator.",
            file=sys.stderr,
        )
        return 2
    statuses = walk_run(context)
    failed = sorted(
        inv
        for inv in context.spec.steps
        if not statuses.get(inv, ExecutionStatus.FAILED).is_successful
    )
    if failed:
        print(f"Run {run_id}: step(s) {', '.join(failed)} did not succeed.", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
