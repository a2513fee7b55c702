"""The Dask step operator: one step of a run, as one task on a Dask cluster, while the
orchestrator runs the others where it runs them.

The task runs the step entrypoint's command as a child process of the Dask worker, with the
worker's environment, its sys.path as PYTHONPATH (so the step's module imports there as in the
worker) and the run's store variables; the child records the step in the store. The task
returns the child's exit status and the end of its output, which name the problem when the
child ended without recording the step (it could not import stackwise or the store is
unreachable).

Where the workers run decides what they can reach: a LocalCluster or a loopback scheduler
shares this machine's files (a SQLite store, a local artifact store); another scheduler needs a
shared store and a remote artifact store (checked before the run).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from stackwise.exceptions import StepOperatorError
from stackwise.integrations.dask.flavors.dask_step_operator_flavor import DaskStepOperatorConfig
from stackwise.step_operators.base_step_operator import BaseStepOperator, StepOperatorRunInfo

_OUTPUT_TAIL = 4000  # characters of the child's output brought back


def run_entrypoint(command: Sequence[str], environment: Mapping[str, str]) -> tuple[int, str]:
    """The Dask task: run the step entrypoint as a child of this worker; (exit status, the
    end of its output)."""
    import os
    import subprocess
    import sys

    argv = [sys.executable if command[0] == "python" else command[0], *command[1:]]
    path = os.pathsep.join(p for p in sys.path if p)
    env = {**os.environ, "PYTHONPATH": path, **environment}
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    return done.returncode, (done.stdout + done.stderr)[-_OUTPUT_TAIL:]


class DaskStepOperator(BaseStepOperator):
    config: DaskStepOperatorConfig

    @property
    def shares_local_files(self) -> bool:
        return self.config.runs_on_this_machine

    def launch(
        self,
        info: StepOperatorRunInfo,
        entrypoint_command: Sequence[str],
        environment: Mapping[str, str],
    ) -> None:
        from stackwise.integrations.dask.orchestrators.dask_orchestrator import _close, connect

        client, owned = connect(
            self.config, f"Step operator '{self.name}'", f"step-operator update {self.name}"
        )
        try:
            future = client.submit(
                run_entrypoint,
                list(entrypoint_command),
                dict(environment),
                key=f"step-operator-{info.run_id}-{info.pipeline_step_name}",
                pure=False,
            )
            code, output = self._result(future, info)
        finally:
            if owned:
                _close(client)
        if code not in (0, 1):  # 1: the step failed and recorded its error itself
            raise StepOperatorError(
                f"the step's process on the Dask cluster exited with status {code}; its "
                f"output ends with:\n{output}"
            )

    def _result(self, future: Any, info: StepOperatorRunInfo) -> tuple[int, str]:
        try:
            code, output = future.result()
        except Exception as error:  # the worker was lost, the task failed
            raise StepOperatorError(
                f"the Dask task of step '{info.pipeline_step_name}' failed: "
                f"{type(error).__name__}: {error}"
            ) from error
        return int(code), str(output)
