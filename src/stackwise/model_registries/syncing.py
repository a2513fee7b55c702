"""What the Model Control Plane keeps in step with a stack's model registry.

- A step's model outputs, when the step's model version saves models to the registry
  (`Model(save_models_to_registry=True)`, the default) and the stack has a model registry:
  each becomes a new version of the registered model named after the stackwise model, tagged
  with the stackwise model version (name, number, id), the run and the step
  (`register_step_models`).
- Stages: when a stackwise model version changes stage, every registry version registered from
  it follows, and so does a version another one displaced (`set_stage` → `sync_stages`).

Without a model registry in the stack nothing happens, as with ZenML.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from stackwise.exceptions import ModelRegistryError, StackwiseError
from stackwise.model_registries.base_model_registry import (
    BaseModelRegistry,
    ModelRegistryModelMetadata,
    ModelVersionStage,
    RegistryModelVersion,
)

if TYPE_CHECKING:
    from stackwise.stack.stack import Stack
    from stackwise.store.base import Store
    from stackwise.store.records import ModelVersionRecord

logger = logging.getLogger("stackwise")

MODEL_NAME_KEY = "stackwise_model_name"
MODEL_VERSION_KEY = "stackwise_model_version"
MODEL_VERSION_NUMBER_KEY = "stackwise_model_version_number"
MODEL_VERSION_ID_KEY = "stackwise_model_version_id"
ARTIFACT_VERSION_ID_KEY = "stackwise_artifact_version_id"

REGISTRY_STAGES: dict[str | None, ModelVersionStage] = {
    None: ModelVersionStage.NONE,
    "none": ModelVersionStage.NONE,
    "staging": ModelVersionStage.STAGING,
    "production": ModelVersionStage.PRODUCTION,
    "archived": ModelVersionStage.ARCHIVED,
}
"""A stackwise stage (ModelStages value) → the registry's stage."""


def stack_registry(stack: Stack | None) -> BaseModelRegistry | None:
    """The stack's model registry, or None (no stack, or no registry in it)."""
    if stack is None or not stack.component_records("model_registry"):
        return None
    registry = stack.model_registry
    return registry if isinstance(registry, BaseModelRegistry) else None


def register_step_models(
    registry: BaseModelRegistry,
    model_version: ModelVersionRecord,
    models: list[tuple[str, Any]],
    *,
    pipeline_name: str,
    run_id: str,
    run_name: str,
    step_name: str,
) -> list[RegistryModelVersion]:
    """Register each `(artifact version id, model object)` as a new version of the registered
    model named after `model_version`'s model; raise ModelRegistryError naming the registry
    when it fails."""
    from stackwise import __version__

    name = model_version.model_name
    registered = []
    try:
        _ensure_registered(registry, name)
        for artifact_version_id, model in models:
            metadata = ModelRegistryModelMetadata(
                stackwise_version=__version__,
                stackwise_run_name=run_name,
                stackwise_pipeline_name=pipeline_name,
                stackwise_pipeline_run_uuid=run_id,
                stackwise_step_name=step_name,
                **{
                    MODEL_NAME_KEY: name,
                    MODEL_VERSION_KEY: model_version.name,
                    MODEL_VERSION_NUMBER_KEY: str(model_version.number),
                    MODEL_VERSION_ID_KEY: model_version.id,
                    ARTIFACT_VERSION_ID_KEY: artifact_version_id,
                },
            )
            tags = {k: str(v) for k, v in metadata.model_dump().items()}
            uri = registry.save_model(model, name, tags)
            version = registry.register_model_version(
                name,
                model_source_uri=uri,
                description=f"stackwise model '{name}' version {model_version.name} "
                f"(run {run_name}, step {step_name})",
                metadata=metadata,
            )
            stage = REGISTRY_STAGES.get(model_version.stage, ModelVersionStage.NONE)
            if stage is not ModelVersionStage.NONE:
                version = registry.update_model_version(name, version.version, stage=stage)
            registered.append(version)
    except StackwiseError:
        raise
    except Exception as error:
        raise ModelRegistryError(
            f"Model registry '{registry.name}' ({registry.flavor}) could not register the "
            f"model of step '{step_name}' as a version of '{name}': {error}. Check that the "
            f"registry is up (`stackwise stack verify`), or turn registering off with "
            f"Model(name='{name}', save_models_to_registry=False)."
        ) from error
    return registered


def _ensure_registered(registry: BaseModelRegistry, name: str) -> None:
    try:
        registry.get_model(name)
    except KeyError:
        registry.register_model(name, description=f"stackwise model '{name}'")


def set_stage(
    store: Store, version_id: str, stage: Any, force: bool = False, stack: Stack | None = None
) -> ModelVersionRecord:
    """Move a stackwise model version into `stage` (ModelStageConflictError when another holds
    it, unless `force` archives that one), then make the registry of `stack` (default: the
    active stack) follow."""
    record = store.update_model_version(version_id, stage=stage, force=force)
    registry = stack_registry(stack if stack is not None else _active_stack(store))
    if registry is not None:
        sync_stages(registry, store, record.model_name)
    return record


def sync_stages(registry: BaseModelRegistry, store: Store, model_name: str) -> int:
    """Give every registry version registered from a version of stackwise model `model_name`
    the stage that stackwise version has now; the number of versions changed."""
    try:
        found = registry.list_model_versions(name=model_name)
    except KeyError:
        return 0  # nothing of this model was registered
    except Exception as error:
        raise _sync_error(registry, model_name, error) from error
    ids = {
        v.version: (v.metadata.custom_attributes if v.metadata else {}).get(MODEL_VERSION_ID_KEY)
        for v in found
    }
    stages = _stackwise_stages(store, model_name)
    changed = 0
    for version in found:
        version_id = ids[version.version]
        if version_id is None or version_id not in stages:
            continue
        wanted = REGISTRY_STAGES.get(stages[version_id], ModelVersionStage.NONE)
        if version.stage is wanted:
            continue
        try:
            registry.update_model_version(model_name, version.version, stage=wanted)
        except Exception as error:
            raise _sync_error(registry, model_name, error) from error
        changed += 1
    return changed


def _stackwise_stages(store: Store, model_name: str) -> dict[str, str | None]:
    stages: dict[str, str | None] = {}
    index = 1
    while True:
        page = store.list_model_versions(filters={"model": model_name}, index=index, size=1000)
        stages.update({r.id: r.stage for r in page.items})
        if index >= page.total_pages:
            return stages
        index += 1


def _sync_error(registry: BaseModelRegistry, model_name: str, error: Exception) -> Exception:
    return ModelRegistryError(
        f"The stage of model '{model_name}' changed in stackwise, but model registry "
        f"'{registry.name}' ({registry.flavor}) could not follow: {error}. Once the registry is "
        "reachable, set the stage again to bring it in step."
    )


def _active_stack(store: Store) -> Stack | None:
    from stackwise.stack.active_stack import active_stack

    try:
        return active_stack(store)
    except StackwiseError:  # no usable active stack: there is no registry to follow
        return None


__all__ = [
    "MODEL_NAME_KEY",
    "MODEL_VERSION_ID_KEY",
    "MODEL_VERSION_KEY",
    "MODEL_VERSION_NUMBER_KEY",
    "register_step_models",
    "set_stage",
    "stack_registry",
    "sync_stages",
]
