"""How a run's code reaches steps that run on other machines (a remote orchestrator's tasks,
a remote step operator's jobs), decided when the run is recorded: the folder the pipeline is
imported from is archived to the artifact store (unless DockerSettings forbid it or the code is
an installed package), the step image is built or an earlier build with the same content
reused (when the stack has an image builder and a container registry), and script sources are
recorded relative to the code root, where the step's process finds them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stackwise.stack.stack import Stack


def deliver_code(
    spec: dict[str, Any], config: dict[str, Any], stack: Stack, pipeline_source: str
) -> dict[str, Any]:
    """Archive and/or build the run's code, noting where in `config`; the spec to record."""
    from stackwise.builds.pipeline_build import build_for_run, run_docker_settings
    from stackwise.exceptions import StackValidationError
    from stackwise.execution.code_archive import (
        CODE_ROOT_KEY,
        CODE_URI_KEY,
        archive_code,
        code_root,
        ignore_patterns,
        is_installed,
        relative_sources,
        upload_code,
    )
    from stackwise.execution.run_images import BUILD_KEY

    docker = run_docker_settings(spec, config)
    root = code_root(pipeline_source)
    config[CODE_ROOT_KEY] = str(root)
    installed = is_installed(root)  # an installed package: the image has it
    if docker.allow_download_from_artifact_store and not installed:
        archive = archive_code(root, ignore_patterns(root, docker.dockerignore))
        config[CODE_URI_KEY] = upload_code(archive, stack.artifact_store)
    code_in_image = CODE_URI_KEY not in config and not installed
    build = build_for_run(spec, config, stack, root, code_in_image=code_in_image)
    if build is None and code_in_image:
        raise StackValidationError(
            f"Pipeline '{spec['name']}' sets DockerSettings("
            "allow_download_from_artifact_store=False), so its code must be built into "
            f"the step image, but stack '{stack.name}' has no image builder and container "
            "registry to build one. Add them (`stackwise stack update "
            f"{stack.name} -i BUILDER -c REGISTRY`), or let the code be downloaded from the "
            "artifact store."
        )
    if build is not None:
        config[BUILD_KEY] = build.id
    for key in ("init_hook_source", "cleanup_hook_source"):
        config[key] = relative_sources(config.get(key), root)
    return dict(relative_sources(spec, root))


def remote_step_operators(spec: dict[str, Any], stack: Stack) -> list[str]:
    """The steps of `spec` whose step operator runs them on other machines."""
    from stackwise.enums import StackComponentType

    remote = []
    for inv, step in (spec.get("steps") or {}).items():
        wanted = step.get("step_operator")
        if not wanted:
            continue
        name = None if wanted is True else str(wanted)
        operator = stack.component(StackComponentType.STEP_OPERATOR, name)
        if operator is not None and not getattr(operator, "shares_local_files", True):
            remote.append(inv)
    return remote
