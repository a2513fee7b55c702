"""One step of a recorded run, in a process of its own: what every remote orchestrator (an
Airflow task, a KFP container, a Kubernetes pod, a step operator's job) executes.

    python -m stackwise.entrypoints.step --run-id RUN --step INVOCATION

The store is the one this process is configured with (STACKWISE_STORE_URL with
STACKWISE_STORE_API_KEY or STACKWISE_STORE_USERNAME/PASSWORD, else the global config); the
spec, the stack and the upstream outputs are read from it. Exit status 0 when the step
completed or was cached, 1 when it failed (its error is recorded on its step run), 2 when the
arguments are wrong.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

MODULE = "stackwise.entrypoints.step"


def step_command(run_id: str, invocation_id: str, python: str = "python") -> list[str]:
    """The command line that runs step `invocation_id` of run `run_id`."""
    return [python, "-m", MODULE, "--run-id", str(run_id), "--step", invocation_id]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"python -m {MODULE}", description=__doc__)
    parser.add_argument("--run-id", required=True, help="id of the recorded pipeline run")
    parser.add_argument("--step", required=True, help="the step's invocation id in the run")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from stackwise.config.global_config import GlobalConfig
    from stackwise.enums import ExecutionStatus
    from stackwise.execution.step_entrypoint import run_step

    store_url = GlobalConfig().store_url
    outcome = run_step(store_url, args.run_id, args.step)
    ok = outcome.status in (ExecutionStatus.COMPLETED, ExecutionStatus.CACHED)
    if not ok:
        print(f"Step '{args.step}' of run {args.run_id} ended {outcome.status}.", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
