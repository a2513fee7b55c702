"""A containerized orchestrator flavor for tests that play the remote engine themselves: its
`submit_remote_run` writes the run's tasks (what any engine receives: command, environment,
upstream, image, retries) to a JSON file and returns a DetachedRun. The test then runs each
task's command as the engine would, in dependency order, in processes of its own.

Registered as a custom flavor: `Client().create_flavor(FLAVOR_PATH, "orchestrator")`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from stackwise.enums import StackComponentType
from stackwise.execution.step_runner import RunContext
from stackwise.orchestrators.base_orchestrator import RunHandle
from stackwise.orchestrators.containerized_orchestrator import (
    ContainerizedOrchestrator,
    DetachedRun,
    RemoteRun,
    WaitForRun,
)
from stackwise.stack.flavor import Flavor
from stackwise.stack.stack_component import StackComponentConfig

FLAVOR_PATH = "tests.entrypoints.remote_engine:FLAVOR"


class TaskFileOrchestratorConfig(StackComponentConfig):
    tasks_file: str  # where the submitted tasks are written
    runs_on_this_machine: bool = False
    synchronous: bool = False  # wait for the run's end (WaitForRun) instead of returning

    @property
    def is_remote(self) -> bool:
        return not self.runs_on_this_machine


def task_list(remote: RemoteRun) -> dict[str, Any]:
    """What the engine receives; `credentials` stands for what a real flavor delivers apart
    from the tasks (a Kubernetes Secret, the worker's environment)."""
    return {
        "run_id": remote.run_id,
        "credentials": dict(remote.credentials),
        "tasks": [
            {
                "invocation_id": t.invocation_id,
                "upstream": list(t.upstream),
                "command": list(t.command),
                "environment": dict(t.environment),
                "image": t.image,
                "max_retries": t.max_retries,
            }
            for t in remote.tasks
        ],
    }


class TaskFileOrchestrator(ContainerizedOrchestrator):
    config: TaskFileOrchestratorConfig

    def submit_remote_run(self, context: RunContext, remote: RemoteRun) -> RunHandle:
        Path(self.config.tasks_file).write_text(json.dumps(task_list(remote), indent=2))
        if self.config.synchronous:
            return WaitForRun(context, poll_seconds=0.2)
        return DetachedRun()

    def compile_remote_run(self, remote: RemoteRun, output_dir: Path) -> list[Path]:
        path = output_dir / "tasks.json"
        path.write_text(json.dumps(task_list(remote), indent=2))
        return [path]


FLAVOR = Flavor(
    StackComponentType.ORCHESTRATOR,
    "task_file",
    "tests.entrypoints.remote_engine:TaskFileOrchestrator",
    "tests.entrypoints.remote_engine:TaskFileOrchestratorConfig",
    description="Writes a run's tasks to a file for a test to run (tests only).",
)
