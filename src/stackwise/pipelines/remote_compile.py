"""`stackwise pipeline compile`: what a remote orchestrator would submit for a pipeline (a KFP
spec, a DAG file, manifests), written to a folder for the user to read, without recording a
run or submitting anything.

No run exists, so the step commands carry the placeholder RUN_ID where a submitted run has
its id (`--run-id {{run_id}}`): the files show the shape of a submission; submitting them as
they are fails in the step entrypoint, which finds no run `{{run_id}}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from stackwise.exceptions import ConfigError
from stackwise.orchestrators.containerized_orchestrator import (
    ContainerizedOrchestrator,
    prepare_remote_run,
)

if TYPE_CHECKING:
    from stackwise.execution.step_runner import RunContext
    from stackwise.models.pipeline_spec import PipelineSpec
    from stackwise.pipelines.pipeline import Pipeline
    from stackwise.stack.stack import Stack

RUN_ID = "{{run_id}}"
RUN_NAME = "{{run_name}}"


@dataclass(frozen=True)
class _Unrecorded:
    """What `prepare_remote_run` reads of a RunContext: the run's id and name, the spec."""

    run: Any
    spec: PipelineSpec


@dataclass(frozen=True)
class _Run:
    id: str
    name: str


def compile_for_stack(pipeline: Pipeline, stack: Stack, output_dir: Path) -> list[Path]:
    """Write what `stack`'s orchestrator would submit for `pipeline` into `output_dir`; the
    files written."""
    orchestrator = stack.orchestrator
    if not isinstance(orchestrator, ContainerizedOrchestrator):
        raise ConfigError(
            f"Stack '{stack.name}' runs pipelines with orchestrator '{orchestrator.name}' "
            f"({orchestrator.flavor}), which runs steps on this machine: nothing is submitted, "
            "so there is nothing to compile. Give a stack whose orchestrator submits runs "
            "elsewhere (kubeflow, vertex, ...): --stack NAME."
        )
    spec = pipeline.compile().spec
    orchestrator.validate_spec(spec)
    context = _Unrecorded(run=_Run(RUN_ID, RUN_NAME), spec=spec)
    remote = prepare_remote_run(orchestrator, cast("RunContext", context))
    output_dir.mkdir(parents=True, exist_ok=True)
    return orchestrator.compile_remote_run(remote, output_dir)
