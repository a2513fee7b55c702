"""Orchestrators that run each step as a command somewhere else — an Airflow task, a KFP
container, a Kubernetes pod — rather than in this process or its workers.

The run is recorded here as for every orchestrator; then `prepare_remote_run` turns its spec
into a `RemoteRun`: one `StepTask` per step (in topological order) whose command is
`python -m stackwise.entrypoints.step --run-id … --step …` and whose environment points the
step's process at this client's store. A flavor implements `submit_remote_run` (compile the
tasks into what its engine runs, submit it, return a handle) and `compile_remote_run` (write
what would be submitted, without submitting: `stackwise pipeline compile`). A flavor that can
schedule (`supports_schedules`) also implements `submit_schedule`: the tasks of a
`prepare_scheduled_run` carry no run id but the schedule's id and the engine's own run id
(`ORCHESTRATOR_RUN_ID`, e.g. Airflow's `{{ run_id }}`), and the first task of each firing
creates that firing's run (`stackwise.entrypoints.scheduled_run`).

A remote run usually outlives the submitting process: `submit_remote_run` then returns a
`DetachedRun` (or `WaitForRun` when the flavor's `synchronous` setting asks to wait), and the
run's end is recorded by the step process that finishes its last step.

Before the run is recorded (`prepare_record`): the stack must be reachable from where the
steps run (`remote_run_problems`); the user's code is archived to the artifact store
(execution/code_archive.py) unless `DockerSettings(allow_download_from_artifact_store=False)`
puts it in the image; and when the stack has an image builder and a container registry, the
run's image is built, or an earlier build with the same content reused (builds/), so each
task's `image` is set. A flavor passes `task.command`, `task.environment` and `task.image`
through as they are: the entrypoint finds the code archive's URI in the run's record.
"""

from __future__ import annotations

import time
from abc import abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from stackwise.enums import ExecutionStatus
from stackwise.execution.run_images import build_images
from stackwise.execution.step_dispatch import CREDENTIAL_ENVIRONMENT as _CREDENTIALS
from stackwise.orchestrators.base_orchestrator import BaseOrchestrator, RunHandle

if TYPE_CHECKING:
    from stackwise.execution.step_runner import RunContext
    from stackwise.models.pipeline_spec import PipelineSpec, StepSpec
    from stackwise.stack.stack import Stack
    from stackwise.store.base import Store


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
    schedule_id: str | None = None  # set for a schedule's tasks (then run_id is "")


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
    # what the engine replaces with its own id of a run, in a scheduled task's command
    ORCHESTRATOR_RUN_ID: ClassVar[str | None] = None
    # every step runs in a container image (kubernetes, kubeflow, vertex): a run whose steps
    # would have none is refused before it is recorded
    REQUIRES_IMAGES: ClassVar[bool] = False

    @property
    def runs_on_this_machine(self) -> bool:
        """True when the flavor's steps run on this machine (its config's
        `runs_on_this_machine`): a local artifact store and SQLite store are fine then."""
        return bool(getattr(self.config, "runs_on_this_machine", False))

    def prepare_record(
        self, spec: dict[str, Any], config: dict[str, Any], stack: Stack, pipeline_source: str
    ) -> dict[str, Any]:
        """Refuse a stack the steps cannot reach; mark the run detached (its step processes
        finish it); deliver the code (archive and/or image build); sources relative to the
        code root."""
        from stackwise.exceptions import StackValidationError
        from stackwise.execution.liveness import DETACHED_KEY, PROCESS_KEY
        from stackwise.orchestrators.code_delivery import deliver_code

        problems = remote_run_problems(self, stack)
        if problems:
            lines = "\n".join(f"  - {p}" for p in problems)
            raise StackValidationError(
                f"Stack '{stack.name}' cannot run pipeline '{spec['name']}' on orchestrator "
                f"'{self.name}' ({self.flavor}):\n{lines}"
            )
        if self.REQUIRES_IMAGES:
            self._require_images_before_recording(spec, stack)
        config[PROCESS_KEY] = None
        config[DETACHED_KEY] = True
        return deliver_code(spec, config, stack, pipeline_source)

    def _require_images_before_recording(self, spec: dict[str, Any], stack: Stack) -> None:
        """A stack that cannot build leaves each step the parent image its DockerSettings
        name with skip_build, if any: refuse the run when a step has none."""
        from stackwise.builds.pipeline_build import missing_build_components
        from stackwise.exceptions import StackValidationError
        from stackwise.execution.run_images import step_image
        from stackwise.models.pipeline_spec import PipelineSpec

        if not missing_build_components(stack):
            return  # the run's build gives every step its image
        steps = PipelineSpec.from_dict(spec).steps
        missing = [inv for inv, step in steps.items() if not step_image(step, {})]
        if missing or not steps:
            raise StackValidationError(_no_image_message(self, missing))

    def submit(self, context: RunContext) -> RunHandle:
        return self.submit_remote_run(context, prepare_remote_run(self, context))

    @abstractmethod
    def submit_remote_run(self, context: RunContext, remote: RemoteRun) -> RunHandle:
        """Compile `remote` for this engine and submit it."""

    @abstractmethod
    def compile_remote_run(self, remote: RemoteRun, output_dir: Path) -> list[Path]:
        """Write what `submit_remote_run` would submit into `output_dir`; the files written."""

    def submit_schedule(self, remote: RemoteRun, stack: Stack) -> None:
        """Hand the engine a schedule's tasks (`prepare_scheduled_run`) on `stack` (the
        schedule's), replacing what an earlier submission of the same schedule left there;
        flavors that `supports_schedules` implement it."""
        raise NotImplementedError(
            f"Orchestrator flavor '{self.flavor}' sets supports_schedules but does not implement "
            "submit_schedule(remote, stack): the flavor must hand the schedule to its engine."
        )

    def delete_schedule(self, remote: RemoteRun) -> bool:
        """Withdraw what `submit_schedule` handed the engine; False when nothing was found."""
        return False


def prepare_remote_run(orchestrator: ContainerizedOrchestrator, context: RunContext) -> RemoteRun:
    """The recorded run's steps as tasks for `orchestrator`'s engine."""
    config = context.run.config or {}
    return remote_run_of(
        orchestrator,
        context.spec,
        config,
        build_images(context.store, config),
        run_id=context.run.id,
        run_name=context.run.name,
    )


def remote_run_of(
    orchestrator: ContainerizedOrchestrator,
    spec: PipelineSpec,
    config: Mapping[str, Any],
    images: Mapping[str, str],
    *,
    run_id: str,
    run_name: str,
) -> RemoteRun:
    """A run of `spec` with `config` as tasks, each in its key's image of `images`
    (`orchestrator`, `<step>.orchestrator`): a recorded run's, or what `stackwise pipeline
    compile` shows with placeholders."""
    from stackwise.entrypoints.step import step_command

    return RemoteRun(
        run_id=run_id,
        run_name=run_name,
        pipeline_name=spec.name,
        tasks=_tasks(orchestrator, spec, config, images, lambda inv: step_command(run_id, inv)),
        credentials=_credentials(),
        settings=_flavor_settings(config.get("settings") or {}, orchestrator),
    )


def prepare_scheduled_run(
    orchestrator: ContainerizedOrchestrator,
    store: Store,
    spec: PipelineSpec,
    schedule_id: str,
    schedule: Mapping[str, Any],
    config: Mapping[str, Any],
) -> RemoteRun:
    """A schedule's steps as tasks: each firing's first task creates its run."""
    from stackwise.entrypoints.step import scheduled_step_command

    engine_run_id = orchestrator.ORCHESTRATOR_RUN_ID
    if engine_run_id is None:
        raise NotImplementedError(
            f"Orchestrator flavor '{orchestrator.flavor}' schedules runs but sets no "
            "ORCHESTRATOR_RUN_ID: the placeholder its engine replaces with each firing's id "
            "(Airflow's '{{ run_id }}'), which names the firing's run."
        )
    return RemoteRun(
        run_id="",
        run_name="",
        pipeline_name=spec.name,
        tasks=_tasks(
            orchestrator,
            spec,
            config,
            build_images(store, config),
            lambda inv: scheduled_step_command(schedule_id, engine_run_id, inv),
        ),
        credentials=_credentials(),
        schedule=dict(schedule),
        settings=_flavor_settings(config.get("settings") or {}, orchestrator),
        schedule_id=schedule_id,
    )


def _credentials() -> dict[str, str]:
    from stackwise.config.global_config import GlobalConfig
    from stackwise.execution.step_dispatch import credentials_from_environment

    return credentials_from_environment(GlobalConfig().store_url)


def _tasks(
    orchestrator: ContainerizedOrchestrator,
    spec: PipelineSpec,
    config: Mapping[str, Any],
    images: Mapping[str, str],
    command_of: Callable[[str], list[str]],
) -> tuple[StepTask, ...]:
    from stackwise.builds.pipeline_build import docker_settings
    from stackwise.config.global_config import GlobalConfig
    from stackwise.execution.run_images import step_image
    from stackwise.execution.step_dispatch import store_environment

    docker = docker_settings((config.get("settings") or {}).get("docker"))
    # DockerSettings.runtime_environment, then the store's address (not the user's to move),
    # without its password: that is a credential (`_credentials`)
    environment = {k: str(v) for k, v in docker.runtime_environment.items()}
    environment.update(store_environment(GlobalConfig().store_url))
    return tuple(
        StepTask(
            invocation_id=inv,
            upstream=tuple(step.upstream),
            command=tuple(command_of(inv)),
            environment=dict(environment),
            image=step_image(step, images),
            max_retries=int((step.retry or {}).get("max_retries", 0) or 0),
            resources=_resources(step),
            settings=_flavor_settings(step.settings, orchestrator),
            step_operator=step.step_operator if isinstance(step.step_operator, str) else None,
        )
        for inv, step in spec.steps.items()
    )


def require_images(orchestrator: ContainerizedOrchestrator, tasks: tuple[StepTask, ...]) -> None:
    """Refuse to submit steps that have no container image: a container engine would start a
    bare one, which has neither stackwise nor the user's code."""
    from stackwise.exceptions import ConfigError

    missing = [t.invocation_id for t in tasks if not t.image]
    if missing or not tasks:
        raise ConfigError(_no_image_message(orchestrator, missing))


def _no_image_message(orchestrator: ContainerizedOrchestrator, missing: list[str]) -> str:
    return (
        f"Orchestrator '{orchestrator.name}' ({orchestrator.flavor}) runs every step in a "
        f"container image, and step(s) {', '.join(missing) or '(none)'} have none. Give the "
        "stack an image builder and a container registry (`stackwise stack update STACK -i "
        "BUILDER -c REGISTRY`) to build the pipeline's image, or name an existing image "
        'with stackwise installed: settings={"docker": DockerSettings('
        'parent_image="IMAGE", skip_build=True)}.'
    )


def remote_run_problems(orchestrator: ContainerizedOrchestrator, stack: Stack) -> list[str]:
    """What keeps steps running elsewhere from reaching this stack: a local artifact store,
    a SQLite metadata store (stack/validation.py's rule); none when the flavor's steps run on
    this machine."""
    from stackwise.config.global_config import GlobalConfig
    from stackwise.stack.validation import unreachable_from_elsewhere

    if orchestrator.runs_on_this_machine:
        return []
    elsewhere = (
        f"orchestrator '{orchestrator.name}' ({orchestrator.flavor}) runs steps on other machines"
    )
    return unreachable_from_elsewhere(elsewhere, stack, GlobalConfig().store_url)


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
