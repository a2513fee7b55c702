"""Client: the one facade users and the CLI read and change everything through — pipelines,
runs, step runs, artifacts, stacks and components.

Creating a Client is free; the store connects on first use and is shared per process.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from stackwise.enums import StackComponentType
from stackwise.exceptions import ConfigError, EntityNotFoundError, StackValidationError
from stackwise.models.artifact_version import ArtifactResponse, ArtifactVersionResponse
from stackwise.models.pipeline_run import PipelineResponse, PipelineRunResponse, StepRunResponse
from stackwise.store.records import Page

if TYPE_CHECKING:
    from stackwise.pipelines.pipeline import Pipeline
    from stackwise.pipelines.plan import PipelinePlan
    from stackwise.secrets.secret_store import SecretInfo, SecretStore
    from stackwise.stack.stack import Stack
    from stackwise.store.records import ComponentRecord, RunRecord, StackRecord
    from stackwise.store.sql.sql_store import SqlStore


def _sorting(sort_by: str, descending: bool | None) -> tuple[str, bool]:
    """Accepts ZenML's `desc:created` / `asc:name` as well as a bare column name."""
    if ":" in sort_by:
        direction, _, column = sort_by.partition(":")
        return column, direction.lower() != "asc"
    return sort_by, True if descending is None else descending


class Client:
    def __init__(self, store: SqlStore | None = None) -> None:
        self._store_override = store

    @cached_property
    def store(self) -> SqlStore:
        if self._store_override is not None:
            return self._store_override
        from stackwise.store import get_store

        return get_store()

    def _ensure_default(self) -> None:
        """The default stack and its components exist from first use on."""
        from stackwise.stack.active_stack import ensure_default_stack

        ensure_default_stack(self.store)

    # -- pipelines and runs --------------------------------------------------------------
    def get_pipeline(self, name_or_id: str) -> PipelineResponse:
        record = self.store.get_pipeline(name_or_id)
        _settle_runs(self.store, [self.store.last_run(record.id)])  # `.last_run` never lies
        return PipelineResponse(record, self.store)

    def list_pipelines(self, *, name: str | None = None, page: int = 1,
                       size: int = 50) -> Page[PipelineResponse]:
        result = self.store.list_pipelines(name=name, index=page, size=size)
        return Page([PipelineResponse(r, self.store) for r in result.items], result.total,
                    result.index, result.size)

    def get_pipeline_run(self, name_or_id: str) -> PipelineRunResponse:
        run = _settle_runs(self.store, [self.store.get_run(name_or_id)])[0]
        return PipelineRunResponse(run, self.store)

    def list_pipeline_runs(self, *, pipeline_name: str | None = None,
                           pipeline_id: str | None = None, status: str | None = None,
                           name: str | None = None, sort_by: str = "created",
                           descending: bool | None = None, page: int = 1,
                           size: int = 50) -> Page[PipelineRunResponse]:
        if pipeline_name is not None:
            pipeline_id = self.store.get_pipeline(pipeline_name).id
        column, desc = _sorting(sort_by, descending)
        result = self.store.list_runs(pipeline_id=pipeline_id, status=status, name=name,
                                      sort_by=column, descending=desc, index=page, size=size)
        runs = _settle_runs(self.store, result.items)
        return Page([PipelineRunResponse(r, self.store) for r in runs], result.total,
                    result.index, result.size)

    def list_run_steps(self, run_name_or_id: str) -> list[StepRunResponse]:
        run = self.store.get_run(run_name_or_id)
        return list(PipelineRunResponse(run, self.store).steps.values())

    def get_run_step(self, step_run_id: str) -> StepRunResponse:
        return StepRunResponse(self.store.get_step_run(step_run_id), self.store)

    def delete_pipeline_run(self, name_or_id: str) -> None:
        self.store.delete_run(self.store.get_run(name_or_id).id)

    def resume_run(self, run_name_or_id: str) -> PipelineRunResponse:
        """Resume a failed run on the active stack: a new run that reuses every step that
        succeeded and runs the rest (see stackwise.pipelines.resume)."""
        from stackwise.pipelines.resume import resume_run
        from stackwise.stack.active_stack import active_stack

        return resume_run(self.store, run_name_or_id, active_stack(self.store))

    def plan(self, pipeline: Pipeline, *args: Any, **kwargs: Any) -> PipelinePlan:
        """Which steps `pipeline(*args, **kwargs)` would run on the active stack, and why;
        runs and records nothing (see stackwise.pipelines.plan)."""
        from stackwise.pipelines.plan import plan_compiled
        from stackwise.stack.active_stack import active_stack

        compiled = pipeline.compile(*args, **kwargs)
        return plan_compiled(compiled, self.store, active_stack(self.store))

    # -- artifacts -----------------------------------------------------------------------
    def get_artifact(self, name_or_id: str) -> ArtifactResponse:
        return ArtifactResponse(self.store.get_artifact(name_or_id), self.store)

    def list_artifacts(self, *, name: str | None = None, page: int = 1,
                       size: int = 50) -> Page[ArtifactResponse]:
        result = self.store.list_artifacts(name=name, index=page, size=size)
        return Page([ArtifactResponse(r, self.store) for r in result.items], result.total,
                    result.index, result.size)

    def get_artifact_version(self, name_or_id: str,
                             version: str | int | None = None) -> ArtifactVersionResponse:
        return ArtifactVersionResponse(self.store.get_artifact_version(name_or_id, version),
                                       self.store)

    def list_artifact_versions(self, *, name: str | None = None, page: int = 1,
                               size: int = 50) -> Page[ArtifactVersionResponse]:
        result = self.store.list_artifact_versions(name=name, index=page, size=size)
        return Page([ArtifactVersionResponse(r, self.store) for r in result.items],
                    result.total, result.index, result.size)

    # -- stack components ----------------------------------------------------------------
    def create_stack_component(self, name: str, flavor: str,
                               component_type: StackComponentType | str,
                               configuration: Mapping[str, Any] | None = None
                               ) -> ComponentRecord:
        """Register a component; its configuration is validated against the flavor first."""
        from stackwise.stack.flavor_registry import flavor_registry

        type_ = _component_type(component_type)
        flavor_obj = flavor_registry.get(type_, flavor)
        config = flavor_obj.validate_config(dict(configuration or {}))
        from stackwise.secrets.plaintext import warn_plaintext_secrets

        warn_plaintext_secrets(flavor_obj.config_class(), configuration or {},
                               component=f"{type_.value.replace('_', ' ')} '{name}'")
        return self.store.create_component(
            name=name, type=type_, flavor=flavor,
            configuration=config.model_dump(mode="json", exclude_unset=True))

    def get_stack_component(self, component_type: StackComponentType | str,
                            name_or_id: str) -> ComponentRecord:
        self._ensure_default()
        return self.store.get_component(_component_type(component_type), name_or_id)

    def list_stack_components(self, component_type: StackComponentType | str | None = None
                              ) -> list[ComponentRecord]:
        type_ = _component_type(component_type) if component_type else None
        self._ensure_default()
        return self.store.list_components(type_)

    def update_stack_component(self, component_type: StackComponentType | str, name_or_id: str,
                               *, configuration: Mapping[str, Any] | None = None,
                               new_name: str | None = None) -> ComponentRecord:
        """Change a component; new configuration keys merge into the old ones."""
        from stackwise.stack.flavor_registry import flavor_registry

        type_ = _component_type(component_type)
        record = self.store.get_component(type_, name_or_id)
        merged = None
        if configuration is not None:
            merged = {**record.configuration, **configuration}
            flavor_registry.get(type_, record.flavor).validate_config(merged)
            from stackwise.secrets.plaintext import warn_plaintext_secrets

            warn_plaintext_secrets(flavor_registry.get(type_, record.flavor).config_class(),
                                   configuration, component=f"{type_.value.replace('_', ' ')} "
                                                            f"'{record.name}'")
        self.store.update_component(record.id, name=new_name, configuration=merged)
        return self.store.get_component(type_, record.id)

    def delete_stack_component(self, component_type: StackComponentType | str,
                               name_or_id: str) -> None:
        record = self.store.get_component(_component_type(component_type), name_or_id)
        self.store.delete_component(record.id)

    # -- stacks --------------------------------------------------------------------------
    def _component_ids(self, components: Mapping[Any, str | Sequence[str]]) -> list[str]:
        self._ensure_default()
        ids: list[str] = []
        for raw_type, names in components.items():
            type_ = _component_type(raw_type)
            names = [names] if isinstance(names, str) else list(names)
            if len(names) > 1 and not type_.allows_several:
                raise StackValidationError(
                    f"A stack has at most one {type_}; got {', '.join(names)}. Only experiment "
                    "trackers and step operators may be several."
                )
            ids.extend(self.store.get_component(type_, n).id for n in names)
        return ids

    def create_stack(self, name: str,
                     components: Mapping[StackComponentType | str, str | Sequence[str]]
                     ) -> StackRecord:
        """Register a stack from component names by type; it needs an orchestrator and an
        artifact store."""
        types = {_component_type(t) for t in components}
        missing = [t for t in (StackComponentType.ORCHESTRATOR,
                               StackComponentType.ARTIFACT_STORE) if t not in types]
        if missing:
            raise StackValidationError(
                f"Stack '{name}' needs {' and '.join(f'an {t}' for t in missing)}; "
                "`stackwise stack register` takes them as -o NAME and -a NAME."
            )
        return self.store.create_stack(name, self._component_ids(components))

    def get_stack(self, name_or_id: str) -> Stack:
        from stackwise.stack.active_stack import load_stack

        self._ensure_default()
        return load_stack(self.store, name_or_id)

    def list_stacks(self) -> list[StackRecord]:
        self._ensure_default()
        return self.store.list_stacks()

    def update_stack(self, name_or_id: str, *,
                     components: Mapping[StackComponentType | str, str | Sequence[str] | None]
                     | None = None, new_name: str | None = None) -> Stack:
        """Replace the named component types (None removes a type) and/or rename the stack.

        Renaming the active stack keeps it active under its new name.
        """
        from stackwise.config.global_config import DEFAULT_STACK_NAME, GlobalConfig

        record = self.get_stack(name_or_id).record
        if new_name is not None and record.name == DEFAULT_STACK_NAME:
            raise StackValidationError(
                "The default stack cannot be renamed: stackwise falls back to it when no other "
                "stack is chosen. Copy its components into a new stack instead: "
                "`stackwise stack register NAME -o default -a default`."
            )
        component_ids = None
        if components is not None:
            current = {t: list(ids) for t, ids in record.components.items()}
            for raw_type, names in components.items():
                type_ = _component_type(raw_type)
                if names is None:
                    current.pop(str(type_), None)
                else:
                    current[str(type_)] = self._component_ids({type_: names})
            component_ids = [i for ids in current.values() for i in ids]
        self.store.update_stack(record.id, name=new_name, component_ids=component_ids)
        if new_name is not None and GlobalConfig().active_stack().name == record.name:
            GlobalConfig().set_active_stack(new_name)
        self.__dict__.pop("active_stack", None)
        return self.get_stack(record.id)

    def delete_stack(self, name_or_id: str) -> None:
        from stackwise.config.global_config import DEFAULT_STACK_NAME, GlobalConfig

        record = self.get_stack(name_or_id).record
        if record.name == DEFAULT_STACK_NAME:
            raise StackValidationError(
                "The default stack cannot be deleted: stackwise falls back to it when no other "
                "stack is chosen. Delete the stacks you registered instead."
            )
        active = GlobalConfig().active_stack()
        if active.name in (record.name, record.id):
            raise StackValidationError(
                f"Stack '{record.name}' is the active stack (from the {active.source}); "
                "switch first: `stackwise stack set default`."
            )
        self.store.delete_stack(record.id)

    def activate_stack(self, name_or_id: str) -> Stack:
        """Make a stack the active one, persisted for later processes (project config when
        inside a `stackwise init` folder, else the global config)."""
        stack = self.get_stack(name_or_id)
        from stackwise.config.global_config import GlobalConfig

        GlobalConfig().set_active_stack(stack.name)
        self.__dict__.pop("active_stack", None)
        return stack

    @cached_property
    def active_stack(self) -> Stack:
        from stackwise.stack.active_stack import active_stack

        return active_stack(self.store)

    @property
    def active_stack_name(self) -> str:
        from stackwise.config.global_config import GlobalConfig

        return GlobalConfig().active_stack().name

    # -- secrets -------------------------------------------------------------------------
    @property
    def _secrets(self) -> SecretStore:
        from stackwise.secrets.secret_store import SecretStore

        return SecretStore(self.store)

    def create_secret(self, name: str, values: Mapping[str, str]) -> SecretInfo:
        """Store `values` (key -> string) encrypted under `name`; components reference them
        as `{{name.key}}`. A taken name raises EntityExistsError."""
        return self._secrets.create(name, values)

    def get_secret(self, name: str) -> dict[str, str]:
        """The decrypted values of a secret (EntityNotFoundError, a KeyError, if unknown)."""
        return self._secrets.get(name)

    def list_secrets(self) -> list[SecretInfo]:
        """Every secret's name, keys and dates: never the values."""
        return self._secrets.list_all()

    def update_secret(self, name: str, values: Mapping[str, str] | None = None,
                      remove_keys: Sequence[str] = ()) -> SecretInfo:
        """Set the given keys (the others keep their values) and remove `remove_keys`."""
        return self._secrets.update(name, values, remove_keys)

    def delete_secret(self, name: str) -> None:
        self._secrets.delete(name)


def _settle_runs(store: SqlStore, runs: Sequence[RunRecord | None]) -> list[RunRecord]:
    """The runs as they really are: a `running` run whose orchestrator process died is marked
    failed (stackwise.execution.liveness, imported only when a run is running)."""
    found = [r for r in runs if r is not None]
    if not any(r.status == "running" for r in found):
        return found
    from stackwise.execution.liveness import check_runs

    return check_runs(store, found)


def _component_type(value: StackComponentType | str | Any) -> StackComponentType:
    try:
        return StackComponentType(str(value).replace("-", "_"))
    except ValueError:
        names = ", ".join(t.value for t in StackComponentType)
        raise ConfigError(f"'{value}' is not a stack component type; types are {names}.") \
            from None


__all__ = ["Client", "EntityNotFoundError"]
