"""A RemoteRun as a KFP v2 pipeline spec (YAML), written with the `kfp` SDK's own compiler:
what the `kubeflow` orchestrator submits to Kubeflow Pipelines and `vertex` to Vertex AI.

Each StepTask becomes one container task that runs `task.command` (the step entrypoint) in
`task.image`, after the tasks of its upstream steps, with `task.environment` as its
environment, the step's ResourceSettings as CPU/memory/GPU limits and its retries. KFP's own
caching is off for every task: stackwise decides what is cached (a cached step's entrypoint
returns at once), and a KFP cache hit would skip the entrypoint, so the run would never learn
the step's outcome.

Credentials (the RemoteRun's `credentials`) are never written into the spec: on Kubeflow each
task reads them from a Kubernetes Secret (`kfp-kubernetes`' `use_secret_as_env`: each of the
CREDENTIAL_ENVIRONMENT variables the Secret holds, under its own name); on Vertex AI the step
reaches the store through the workload service account (the spec names no credential).
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stackwise.exceptions import ConfigError
from stackwise.orchestrators.containerized_orchestrator import (
    CREDENTIAL_ENVIRONMENT,
    RemoteRun,
    StepTask,
)

logger = logging.getLogger("stackwise")

UNBUILT_IMAGE = f"python:{sys.version_info.major}.{sys.version_info.minor}-slim"
"""The image of a task no pipeline build gave one (`StepTask.image` None): a bare Python, which
has neither stackwise nor the user's code; builds (DockerSettings) fill the real one."""

_NAME = re.compile(r"[^a-z0-9-]+")
# KFP's resource strings: memory as Kubernetes quantities
_MEMORY_UNITS = {
    "B": "",
    "KB": "K",
    "KiB": "Ki",
    "MB": "M",
    "MiB": "Mi",
    "GB": "G",
    "GiB": "Gi",
    "TB": "T",
    "TiB": "Ti",
    "PB": "P",
    "PiB": "Pi",
}


def kfp_name(text: str) -> str:
    """`text` as KFP (and Kubernetes) accept a pipeline or component name: lowercase letters,
    digits and dashes."""
    name = _NAME.sub("-", text.lower()).strip("-")
    return name or "stackwise"


def schedule_job_name(remote: RemoteRun) -> str:
    """The name a schedule has on the engine (a KFP recurring run, a Vertex AI schedule): its
    name and id, the same for every submission of it, so a changed schedule finds the one it
    replaces."""
    name = (remote.schedule or {}).get("name") or remote.pipeline_name
    return kfp_name(f"{name}-{remote.schedule_id}")


def compile_kfp_pipeline(
    remote: RemoteRun,
    path: Path,
    *,
    credentials_secret: str | None = None,
    default_limits: Mapping[str, Any] | None = None,
) -> Path:
    """Write `remote` as a KFP v2 pipeline spec to `path` (YAML); `credentials_secret`, when
    given, is the Kubernetes Secret each task takes the credential variables from;
    `default_limits` (`cpu`, `memory` as KFP strings, `gpus`) apply to a step whose
    ResourceSettings leave them unset."""
    from kfp import compiler, dsl

    if not remote.tasks:
        raise ConfigError(f"Pipeline '{remote.pipeline_name}' has no step to compile.")
    names = _task_names(remote.tasks)
    unbuilt = [t.invocation_id for t in remote.tasks if not t.image]
    if unbuilt:
        logger.warning(
            "Step(s) %s of pipeline '%s' have no container image, so this file names %s, "
            "which has neither stackwise nor your code; submitting it is refused. Give the "
            "stack an image builder and a container registry (`stackwise stack update STACK "
            "-i BUILDER -c REGISTRY`), or name an image: DockerSettings(parent_image=..., "
            "skip_build=True).",
            ", ".join(unbuilt),
            remote.pipeline_name,
            UNBUILT_IMAGE,
        )

    # no annotations on the functions KFP inspects: with postponed evaluation they are strings
    @dsl.pipeline(name=kfp_name(remote.pipeline_name))
    def pipeline():
        created: dict[str, Any] = {}
        for task in remote.tasks:  # topological order: upstream tasks exist already
            component = _component(names[task.invocation_id], task)
            kfp_task = component()
            kfp_task.set_display_name(task.invocation_id)
            kfp_task.set_caching_options(False)
            for key, value in sorted(task.environment.items()):
                kfp_task.set_env_variable(key, value)
            if task.max_retries:
                kfp_task.set_retry(task.max_retries)
            _set_resources(kfp_task, task, default_limits or {})
            if credentials_secret:
                from kfp import kubernetes

                kubernetes.use_secret_as_env(  # each key the Secret holds, by its own name
                    kfp_task,
                    secret_name=credentials_secret,
                    secret_key_to_env={key: key for key in CREDENTIAL_ENVIRONMENT},
                    optional=True,
                )
            upstream = [created[u] for u in task.upstream]
            if upstream:
                kfp_task.after(*upstream)
            created[task.invocation_id] = kfp_task

    path.parent.mkdir(parents=True, exist_ok=True)
    compiler.Compiler().compile(pipeline_func=pipeline, package_path=str(path))
    return path


def _task_names(tasks: tuple[StepTask, ...]) -> dict[str, str]:
    """A distinct KFP component name per task (`train_model` -> `train-model`)."""
    names: dict[str, str] = {}
    used: set[str] = set()
    for task in tasks:
        base = name = kfp_name(task.invocation_id)
        n = 2
        while name in used:
            name, n = f"{base}-{n}", n + 1
        used.add(name)
        names[task.invocation_id] = name
    return names


def _component(name: str, task: StepTask) -> Any:
    """A container component (no inputs, no outputs: the step's data goes through the store
    and the artifact store) running `task.command`."""
    from kfp import dsl

    image = task.image or UNBUILT_IMAGE
    command = list(task.command)

    def step():
        return dsl.ContainerSpec(image=image, command=command[:1], args=command[1:])

    step.__name__ = name.replace("-", "_")
    return dsl.container_component(step)


def _set_resources(kfp_task: Any, task: StepTask, defaults: Mapping[str, Any]) -> None:
    """CPU, memory and GPU limits from the step's ResourceSettings, else `defaults`."""
    resources: Mapping[str, Any] = task.resources
    cpu = resources.get("cpu_count")
    cpu_limit = _cpu(float(cpu)) if cpu is not None else defaults.get("cpu")
    if cpu_limit is not None:
        kfp_task.set_cpu_limit(str(cpu_limit))
    memory = resources.get("memory")
    memory_limit = kubernetes_memory(str(memory)) if memory is not None else defaults.get("memory")
    if memory_limit is not None:
        kfp_task.set_memory_limit(str(memory_limit))
    gpus = resources.get("gpu_count", defaults.get("gpus"))
    if gpus:
        kfp_task.set_accelerator_limit(int(gpus))
        gpu_class = resources.get("gpu_class")
        kfp_task.set_accelerator_type(str(gpu_class) if gpu_class else "nvidia.com/gpu")


def _cpu(count: float) -> str:
    """`2.0` -> `2`, `0.5` -> `500m`: KFP's CPU quantities."""
    if count == int(count):
        return str(int(count))
    return f"{round(count * 1000)}m"


def kubernetes_memory(memory: str) -> str:
    """ResourceSettings' `4GB` / `512MiB` as the Kubernetes quantity `4G` / `512Mi`."""
    from stackwise.config.resource_settings import ResourceSettings

    parsed = ResourceSettings(memory=memory).memory_quantity_and_unit()
    if parsed is None:  # never: memory is set
        raise ConfigError(f"memory '{memory}' is not a size like '2GB'.")
    quantity, unit = parsed
    if quantity != int(quantity):  # Kubernetes quantities here are whole numbers
        return f"{round(quantity * unit.byte_value)}"
    return f"{int(quantity)}{_MEMORY_UNITS[unit.value]}"


def rfc3339(value: Any) -> str:
    """A schedule's datetime (naive: UTC) or ISO string as `2026-01-01T00:00:00Z`, as the KFP
    and Vertex AI schedule APIs take it."""
    from datetime import datetime, timezone

    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return str(moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
