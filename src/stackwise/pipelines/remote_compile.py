"""`stackwise pipeline compile`: what a remote orchestrator would submit for a pipeline (a KFP
spec, a DAG file, manifests), written to a folder for the user to read, without recording a
run, submitting anything, uploading the code or building an image.

No run exists, so the step commands carry the placeholder RUN_ID where a submitted run has
its id (`--run-id {{run_id}}`): the files show the shape of a submission; submitting them as
they are fails in the step entrypoint, which finds no run `{{run_id}}`.

When the stack has an image builder and a container registry, each image's build context is
written under `build/<key>/` (key `orchestrator`, or `<step>.orchestrator` for a step with
Docker settings of its own) and the tasks name the image that build would push: its name
comes from the context's checksum, so it is the one a run of the same code would use.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackwise.exceptions import ConfigError
from stackwise.orchestrators.containerized_orchestrator import (
    ContainerizedOrchestrator,
    remote_run_of,
    remote_run_problems,
)

if TYPE_CHECKING:
    from stackwise.models.pipeline_spec import PipelineSpec
    from stackwise.pipelines.pipeline import Pipeline
    from stackwise.stack.stack import Stack

logger = logging.getLogger("stackwise")

RUN_ID = "{{run_id}}"
RUN_NAME = "{{run_name}}"
BUILD_FOLDER = "build"


def compile_for_stack(pipeline: Pipeline, stack: Stack, output_dir: Path) -> list[Path]:
    """Write what `stack`'s orchestrator would submit for `pipeline` into `output_dir`, and
    the build contexts of its images under `output_dir/build/`; the files written."""
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
    for problem in remote_run_problems(orchestrator, stack):  # submitting would refuse it
        logger.warning("A run of these files would be refused: %s", problem)
    config = {"settings": pipeline._run_settings()}
    output_dir.mkdir(parents=True, exist_ok=True)
    images, written = _planned_images(spec, config, stack, pipeline.resolve(), output_dir)
    remote = remote_run_of(orchestrator, spec, config, images, run_id=RUN_ID, run_name=RUN_NAME)
    return [*orchestrator.compile_remote_run(remote, output_dir), *written]


def _planned_images(
    spec: PipelineSpec, config: dict[str, Any], stack: Stack, source: str, output_dir: Path
) -> tuple[dict[str, str], list[Path]]:
    """The image of each build key, as a run's build would name it, and the build contexts
    written under `output_dir/build/<key>/`; nothing when the stack cannot build."""
    from stackwise.builds.pipeline_build import (
        code_files_of,
        missing_build_components,
        plan_build,
        planned_image,
        run_docker_settings,
    )
    from stackwise.execution.code_archive import code_root, is_installed

    if missing_build_components(stack):
        return {}, []
    docker = run_docker_settings(spec.to_dict(), config)
    root = code_root(source)
    code_in_image = not docker.allow_download_from_artifact_store and not is_installed(root)
    code = code_files_of(root, docker) if code_in_image else None
    plan = plan_build(spec.name, spec.to_dict(), docker, stack, code)
    registry = stack.container_registry
    images, written = {}, []
    for key, context in sorted(plan.contexts.items()):
        images[key] = planned_image(plan, key, registry)
        if plan.settings[key].skip_build:
            continue  # the parent image as it is: nothing to build
        folder = context.write(output_dir / BUILD_FOLDER / key)
        written += sorted(folder / name for name in context.files)
    return images, written
