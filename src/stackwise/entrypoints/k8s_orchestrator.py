"""What the `kubernetes` orchestrator's orchestrator pod runs: walk a recorded run's DAG,
starting one pod per step as its upstream steps succeed (`stackwise.orchestrators.remote_dag`).

    python -m stackwise.entrypoints.k8s_orchestrator --run-id RUN [--new-run]

The store is the one this process is configured with (STACKWISE_STORE_URL and credentials from
the environment, as for the step entrypoint). The run's stack names the orchestrator, whose
`walk_run(context)` walks it (with its pod launcher). `--new-run` (a schedule's CronJob) first
records a new run of RUN's pipeline with RUN's spec, configuration and stack, and walks that
one. Exit status 0 when every step succeeded, 1 otherwise, 2 when the
arguments or the run's orchestrator are wrong.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stackwise.store.base import Store
    from stackwise.store.records import RunRecord

MODULE = "stackwise.entrypoints.k8s_orchestrator"


def orchestrator_command(
    run_id: str, *, new_run: bool = False, python: str = "python"
) -> list[str]:
    """The orchestrator pod's command line for run `run_id`."""
    return [python, "-m", MODULE, "--run-id", str(run_id), *(["--new-run"] if new_run else [])]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"python -m {MODULE}", description=__doc__)
    parser.add_argument("--run-id", required=True, help="id of the recorded pipeline run")
    parser.add_argument(
        "--new-run", action="store_true", help="record a new run like RUN and walk that one"
    )
    return parser


def new_run_like(store: Store, run_id: str) -> RunRecord:
    """A new run of `run_id`'s pipeline, with its spec, configuration and stack."""
    from datetime import datetime, timezone

    old = store.get_run(run_id)
    pipeline = store.get_pipeline(old.pipeline_id)
    stamp = datetime.now(timezone.utc).strftime("%Y_%m_%d-%H_%M_%S_%f")
    return store.create_run(
        pipeline=pipeline,
        name=f"{pipeline.name}-{stamp}",
        spec=old.spec,
        config=dict(old.config),
        stack_id=old.stack_id,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from stackwise.config.global_config import GlobalConfig
    from stackwise.enums import ExecutionStatus
    from stackwise.execution.step_entrypoint import run_context_from_store
    from stackwise.store import get_store

    store_url = GlobalConfig().store_url
    run_id = new_run_like(get_store(store_url), args.run_id).id if args.new_run else args.run_id
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
