"""A pipeline's build on a stack: one image per distinct Docker settings (key `orchestrator`
for the pipeline's, `<step>.orchestrator` for a step with settings of its own), built by the
stack's image builder and pushed to its container registry as
`<registry uri>/stackwise:<pipeline>-<hash>`, recorded in the store. A build whose checksum
(every context's bytes, the registry and the builder) is already recorded is reused, not
rebuilt, unless `DockerSettings(prevent_build_reuse=True)`.

The stack's integrations' requirements come from the integration catalog, reached by import
path when a build is planned (as flavors are), so core code never imports integrations.
"""

from __future__ import annotations

import hashlib
import platform
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackwise.builds.build_context import (
    BuildContext,
    build_context,
    check_settings,
    unique,
    user_requirements,
)
from stackwise.config.docker_settings import DockerSettings
from stackwise.enums import StackComponentType
from stackwise.exceptions import ConfigError, StackValidationError

if TYPE_CHECKING:
    from stackwise.container_registries.base_container_registry import BaseContainerRegistry
    from stackwise.stack.stack import Stack
    from stackwise.store.base import Store
    from stackwise.store.records import BuildRecord

T = StackComponentType
PIPELINE_KEY = "orchestrator"


def docker_settings(value: Any) -> DockerSettings:
    """DockerSettings from what a spec or configuration holds (object, dict or None)."""
    if isinstance(value, DockerSettings):
        return value
    return DockerSettings.model_validate(dict(value or {}))


def run_docker_settings(spec: Mapping[str, Any], config: Mapping[str, Any]) -> DockerSettings:
    """The pipeline-level Docker settings of a run being recorded."""
    return docker_settings((config.get("settings") or {}).get("docker"))


def integration_requirements(names: list[str]) -> list[str]:
    """The pip requirements of integrations by name; EntityNotFoundError naming a wrong one."""
    from stackwise.stack.flavor import import_object

    get_integration = import_object("stackwise.integrations.catalog:get_integration")
    return [r for name in names for r in get_integration(name).requirements]


def stack_integrations(stack: Stack) -> list[str]:
    """The integrations the stack's components' flavors come from, sorted."""
    from stackwise.stack.flavor_registry import flavor_registry

    names = set()
    for type_ in T:
        for record in stack.component_records(type_):
            try:
                flavor = flavor_registry.get(type_, record.flavor)
            except ConfigError:
                continue  # reported by the stack's own checks
            if flavor.integration:
                names.add(flavor.integration)
    return sorted(names)


def image_requirements(settings: DockerSettings, stack: Stack) -> list[str]:
    """The user's requirements, then `required_integrations`', then the stack's integrations'
    (unless `install_stack_requirements=False`), then stackwise itself."""
    from stackwise import __version__

    integrations = list(settings.required_integrations)
    if settings.install_stack_requirements:
        integrations += stack_integrations(stack)
    return unique(
        [
            *user_requirements(settings),
            *integration_requirements(unique(integrations)),
            f"stackwise=={__version__}",
        ]
    )


@dataclass(frozen=True)
class BuildPlan:
    """What a build of a pipeline on a stack consists of, before anything is built."""

    pipeline_name: str
    contexts: dict[str, BuildContext]
    settings: dict[str, DockerSettings]
    checksum: str
    stack_checksum: str


def plan_build(
    pipeline_name: str,
    spec: Mapping[str, Any],
    pipeline_settings: DockerSettings,
    stack: Stack,
    code: list[tuple[str, Path]] | None,
) -> BuildPlan:
    """The build contexts of a pipeline (its spec as plain data) on `stack`; `code`, the files
    to put in the images (None: the code is downloaded from the artifact store)."""
    keyed: dict[str, DockerSettings] = {PIPELINE_KEY: pipeline_settings}
    for invocation, step in (spec.get("steps") or {}).items():
        own = docker_settings((step.get("settings") or {}).get("docker") or pipeline_settings)
        if own != pipeline_settings:
            keyed[f"{invocation}.{PIPELINE_KEY}"] = own
    contexts = {}
    for key, settings in keyed.items():
        check_settings(settings, f"pipeline '{pipeline_name}' ({key})")
        contexts[key] = build_context(settings, image_requirements(settings, stack), code)
    stack_text = "\n".join(
        [*stack_integrations(stack), *_component_identity(stack, T.CONTAINER_REGISTRY)]
    )
    stack_checksum = hashlib.sha256(stack_text.encode()).hexdigest()
    digest = hashlib.sha256(stack_checksum.encode())
    for key in sorted(contexts):
        digest.update(f"{key}\0{contexts[key].checksum}\0".encode())
        digest.update(f"{keyed[key].skip_build}\0{keyed[key].image_tag}\0".encode())
        digest.update(f"{keyed[key].target_repository}\0".encode())
    digest.update("\n".join(_component_identity(stack, T.IMAGE_BUILDER)).encode())
    return BuildPlan(pipeline_name, contexts, keyed, digest.hexdigest(), stack_checksum)


def planned_image(plan: BuildPlan, key: str, registry: BaseContainerRegistry) -> str:
    """The image key `key` of `plan` runs in: the parent image when its build is skipped,
    else the name its build gets in `registry` (from the context's checksum, so known before
    anything is built)."""
    settings = plan.settings[key]
    if settings.skip_build:
        return str(settings.parent_image)
    return registry.image_name(
        plan.pipeline_name,
        plan.contexts[key].checksum,
        tag=settings.image_tag,
        repository=settings.target_repository,
    )


def _component_identity(stack: Stack, type_: StackComponentType) -> list[str]:
    return [
        f"{type_}:{r.flavor}:{sorted(r.configuration.items())}"
        for r in stack.component_records(type_)
    ]


def missing_build_components(stack: Stack) -> list[StackComponentType]:
    return [t for t in (T.IMAGE_BUILDER, T.CONTAINER_REGISTRY) if not stack.component_records(t)]


def get_or_build(
    store: Store, plan: BuildPlan, stack: Stack, *, prevent_reuse: bool = False
) -> BuildRecord:
    """The recorded build with the plan's checksum, else build, push and record it."""
    missing = missing_build_components(stack)
    if missing:
        names = " and ".join(
            f"an {t.label}" if t.label[0] in "aeiou" else f"a {t.label}" for t in missing
        )
        flags = " ".join(f"-{'i' if t == T.IMAGE_BUILDER else 'c'} NAME" for t in missing)
        raise StackValidationError(
            f"Stack '{stack.name}' has no {' and '.join(t.label for t in missing)}, so "
            f"pipeline '{plan.pipeline_name}' cannot be built: add {names} "
            f"(`stackwise stack update {stack.name} {flags}`)."
        )
    if not prevent_reuse:
        found = store.list_builds(
            filters={"checksum": plan.checksum}, sort_by="desc:created", size=1
        ).items
        if found:
            return found[0]
    return _build(store, plan, stack)


def _build(store: Store, plan: BuildPlan, stack: Stack) -> BuildRecord:
    from stackwise import __version__
    from stackwise.store.records import BuildRecord
    from stackwise.utils.ids import new_id, utcnow

    registry = stack.container_registry
    builder = stack.image_builder
    started = time.monotonic()
    images: dict[str, dict[str, Any]] = {}
    for key, context in sorted(plan.contexts.items()):
        settings = plan.settings[key]
        image = planned_image(plan, key, registry)
        if not settings.skip_build:
            with tempfile.TemporaryDirectory(prefix="stackwise-build-") as folder:
                context.write(Path(folder))
                image = builder.build(image, Path(folder), dict(settings.build_options), registry)
        images[key] = {
            "image": image,
            "dockerfile": None if settings.skip_build else context.dockerfile,
            "requirements": None if settings.skip_build else context.requirements,
            "settings_checksum": context.settings_checksum,
            "contains_code": context.contains_code and not settings.skip_build,
            "requires_code_download": not context.contains_code or settings.skip_build,
        }
    now = utcnow()
    record = BuildRecord(
        id=new_id(),
        pipeline_id=store.get_or_create_pipeline(plan.pipeline_name).id,
        stack_id=stack.id,
        container_registry_id=stack.component_records(T.CONTAINER_REGISTRY)[0].id,
        images=images,
        is_local=bool(registry.is_local),
        contains_code=all(item["contains_code"] for item in images.values()),
        stackwise_version=__version__,
        python_version=platform.python_version(),
        checksum=plan.checksum,
        stack_checksum=plan.stack_checksum,
        duration=int(time.monotonic() - started),
        created=now,
        updated=now,
    )
    return store.create_build(record)


def code_files_of(root: Path, settings: DockerSettings) -> list[tuple[str, Path]]:
    """The files of the code root an image includes (the code archive's ignore rules)."""
    from stackwise.execution.code_archive import code_files, ignore_patterns

    if not (settings.allow_including_files_in_images and settings.copy_files):
        raise ConfigError(
            "The code cannot reach the steps: DockerSettings forbid both downloading it from "
            "the artifact store (allow_download_from_artifact_store=False) and including it "
            "in the image (allow_including_files_in_images/copy_files=False). Allow one."
        )
    return list(code_files(root, ignore_patterns(root, settings.dockerignore)))


def build_pipeline(
    pipeline_name: str,
    spec: Mapping[str, Any],
    settings: Mapping[str, Any],
    stack: Stack,
    pipeline_source: str,
) -> BuildRecord:
    """Build (or reuse) the images of a compiled pipeline (its spec as plain data, its
    pipeline-level `settings`) on `stack`: `Pipeline.build()`, `stackwise pipeline build`."""
    from stackwise.execution.code_archive import code_root
    from stackwise.store import get_store

    docker = docker_settings(settings.get("docker"))
    code = None
    if not docker.allow_download_from_artifact_store:
        code = code_files_of(code_root(pipeline_source), docker)
    plan = plan_build(pipeline_name, spec, docker, stack, code)
    return get_or_build(get_store(), plan, stack, prevent_reuse=docker.prevent_build_reuse)


def build_for_run(
    spec: Mapping[str, Any],
    config: Mapping[str, Any],
    stack: Stack,
    root: Path,
    *,
    code_in_image: bool,
) -> BuildRecord | None:
    """The build a run's steps run in, when the stack has an image builder and a container
    registry (else None: the flavor runs `task.image` = None as it sees fit)."""
    if missing_build_components(stack):
        return None
    from stackwise.store import get_store

    settings = run_docker_settings(spec, config)
    code = code_files_of(root, settings) if code_in_image else None
    plan = plan_build(str(spec["name"]), spec, settings, stack, code)
    return get_or_build(get_store(), plan, stack, prevent_reuse=settings.prevent_build_reuse)
