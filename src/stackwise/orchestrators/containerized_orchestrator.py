"""Orchestrators that run each step as a command somewhere else — an Airflow task, a KFP
container, a Kubernetes pod — rather than in this process or its workers.

The run is recorded here as for every orchestrator; then `prepare_remote_run` turns its spec
into a `RemoteRun`: one `StepTask` per step (in topological order) whose command is
`python -m stackwise.entrypoints.step --run-id … --step …` and whose environment points the
step's process at this client's store. A flavor implements `submit_remote_run` (compile the
tasks into what its engine runs, submit it, return a handle) and `compile_remote_run` (write
what would be submitted, without submitting: `stackwise pipeline compile`).

A remote run usually outlives the submitting process: `submit_remote_run` then returns a
`DetachedRun` (or `WaitForRun` when the flavor's `synchronous` setting asks to wait), and the
run's end is recorded by the step process that finishes its last step.
"""

from __future__ import annotations

import time
from abc import abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from stackwise.enums import ExecutionStatus
from stackwise.execution.step_dispatch import CREDENTIAL_ENVIRONMENT as _CREDENTIALS
from stackwise.orchestrators.base_orchestrator import BaseOrchestrator, RunHandle

if TYPE_CHECKING:
    from stackwise.execution.step_runner import RunContext
    from stackwise.models.pipeline_spec import StepSpec

# variables a step process needs to reach this client's store; their values are credentials
# where noted, and a flavor must deliver those without writing them into a compiled file
STORE_ENVIRONMENT = ("STACKWISE_STORE_URL",)
CREDENTIAL_ENVIRONMENT = _CREDENTIALS  # step operators deliver the same ones (step_dispatch)


@dataclass(frozen=True)
class StepTask:
    """One step as a remote engine runs it."""

    invocation_id: str
    upstream: tuple[str, ...]  # invocation ids this task waits for
    command: tuple[str, ...]  # the step entrypoint's command line
    environment: Mapping[str, str]  # plain settings for the step's process (no credentials)
    image: str | None  # the container image, where the flavor runs containers
    max_retries: int  # from the step's `retry` (StepRetryConfig.max_retries)
    resources: Mapping[str, Any]  # ResourceSettings fields set for the step (cpu_count, ...)
    settings: Mapping[str, Any]  # the step's settings for this orchestrator's flavor
    step_operator: str | None  # the step operator the step asks for, if any


@dataclass(frozen=True)
class RemoteRun:
    """A recorded run, ready for a remote engine."""

    run_id: str
    run_name: str
    pipeline_name: str
    tasks: tuple[StepTask, ...]  # topological order
    credentials: Mapping[str, str]  # CREDENTIAL_ENVIRONMENT values set in this process
    schedule: Mapping[str, Any] | None = None  # Schedule fields, when the run is scheduled
    settings: Mapping[str, Any] = field(default_factory=dict)  # pipeline-level flavor settings


class DetachedRun:
    """The handle of a run that goes on without this process: nothing to wait for here."""

    detached = True

    def wait(self) -> dict[str, ExecutionStatus]:
        return {}

    @property
    def errors(self) -> dict[str, BaseException]:
        return {}


class WaitForRun:
    """Wait for a remote run by reading its steps' statuses from the store."""

    detached = True  # the step processes record the run's end, not this one

    def __init__(self, context: RunContext, poll_seconds: float = 1.0) -> None:
        self.context, self.poll_seconds = context, poll_seconds

    def wait(self) -> dict[str, ExecutionStatus]:
        store, run_id = self.context.store, self.context.run.id
        while not ExecutionStatus(store.get_run(run_id).status).is_finished:
            time.sleep(self.poll_seconds)
        return {s.name: ExecutionStatus(s.status) for s in store.list_step_runs(run_id)}

    @property
    def errors(self) -> dict[str, BaseException]:
        return {}


class ContainerizedOrchestrator(BaseOrchestrator):
    """Base of the orchestrators that run steps through the step entrypoint elsewhere."""

    RUNS_STEPS_ELSEWHERE: ClassVar[bool] = True
    supports_schedules: ClassVar[bool] = False

    def submit(self, context: RunContext) -> RunHandle:
        return self.submit_remote_run(context, prepare_remote_run(self, context))

    @abstractmethod
    def submit_remote_run(self, context: RunContext, remote: RemoteRun) -> RunHandle:
        """Compile `remote` for this engine and submit it."""

    @abstractmethod
    def compile_remote_run(self, remote: RemoteRun, output_dir: Path) -> list[Path]:
        """Write what `submit_remote_run` would submit into `output_dir`; the files written."""


def prepare_remote_run(orchestrator: ContainerizedOrchestrator, context: RunContext) -> RemoteRun:
    """The run's steps as tasks for `orchestrator`'s engine."""
    import os

    from stackwise.config.global_config import GlobalConfig
    from stackwise.entrypoints.step import step_command
    from stackwise.execution.step_dispatch import step_image

    run = context.run
    environment = {"STACKWISE_STORE_URL": GlobalConfig().store_url}
    credentials = {k: os.environ[k] for k in CREDENTIAL_ENVIRONMENT if os.environ.get(k)}
    tasks = tuple(
        StepTask(
            invocation_id=inv,
            upstream=tuple(step.upstream),
            command=tuple(step_command(run.id, inv)),
            environment=dict(environment),
            image=step_image(step),
            max_retries=int((step.retry or {}).get("max_retries", 0) or 0),
            resources=_resources(step),
            settings=_flavor_settings(step.settings, orchestrator),
            step_operator=step.step_operator if isinstance(step.step_operator, str) else None,
        )
        for inv, step in context.spec.steps.items()
    )
    return RemoteRun(
        run_id=run.id,
        run_name=run.name,
        pipeline_name=context.spec.name,
        tasks=tasks,
        credentials=credentials,
        settings=_flavor_settings(dict(run.config.get("settings") or {}), orchestrator),
    )


def _resources(step: StepSpec) -> dict[str, Any]:
    raw = step.settings.get("resources") or {}
    return {k: v for k, v in dict(raw).items() if v is not None}


def _flavor_settings(settings: Mapping[str, Any], orchestrator: BaseOrchestrator) -> dict[str, Any]:
    """The settings given under `orchestrator` or `orchestrator.<flavor>`."""
    chosen: dict[str, Any] = {}
    for key in ("orchestrator", f"orchestrator.{orchestrator.flavor}"):
        value = settings.get(key)
        if value:
            chosen.update(dict(value))
    return chosen
