"""Client methods for stacks, stack components and flavors, and the active stack."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from stackwise.client.base import ClientBase, NoMatch, check_owner, empty_page, given, to_page
from stackwise.enums import StackComponentType
from stackwise.exceptions import (
    ConfigError,
    EntityInUseError,
    EntityNotFoundError,
    StackValidationError,
)
from stackwise.models.base import Page
from stackwise.models.flavor import FlavorResponse
from stackwise.models.stack import ComponentResponse, StackResponse

if TYPE_CHECKING:
    from stackwise.stack.flavor import Flavor
    from stackwise.stack.stack import Stack
    from stackwise.stack.stack_yaml import ImportedStack
    from stackwise.stack.verify import StackVerification


def component_type(value: StackComponentType | str | Any) -> StackComponentType:
    try:
        return StackComponentType(str(getattr(value, "value", value)).replace("-", "_"))
    except ValueError:
        names = ", ".join(t.value for t in StackComponentType)
        raise ConfigError(f"'{value}' is not a stack component type; types are {names}.") from None


def _refuse(what: str, value: Any, why: str) -> None:
    if value:
        raise ConfigError(f"{what} is not supported: {why}")


_NO_COMPONENT_ENV = (
    "component-level environment variables and secrets are not supported; "
    "reference secrets in the configuration as {{secret_name.key}}, and set "
    "environment variables per step with @step(environment=...)."
)
_NO_CONNECTORS = (
    "service connectors are not part of stackwise: put credentials in the "
    "component's configuration as {{secret_name.key}} references."
)


class StacksMixin(ClientBase):
    def _ensure_default(self) -> None:
        """The default stack and its components exist from first use on."""
        from stackwise.stack.active_stack import ensure_default_stack

        ensure_default_stack(self.store)

    # -- components ----------------------------------------------------------------------
    def create_stack_component(
        self,
        name: str,
        flavor: str,
        component_type: StackComponentType | str,
        configuration: Mapping[str, Any] | None = None,
        labels: dict[str, Any] | None = None,
        secrets: Sequence[Any] | None = None,
        environment: Mapping[str, str] | None = None,
    ) -> ComponentResponse:
        """Register a component; its configuration is validated against the flavor first."""
        from stackwise.secrets.plaintext import warn_plaintext_secrets
        from stackwise.stack.flavor_registry import flavor_registry

        _refuse("A component's secrets=/environment=", secrets or environment, _NO_COMPONENT_ENV)
        type_ = component_type_of(component_type)
        flavor_obj = flavor_registry.get(type_, flavor)
        config = flavor_obj.validate_config(dict(configuration or {}))
        warn_plaintext_secrets(
            flavor_obj.config_class(),
            configuration or {},
            component=f"{type_.value.replace('_', ' ')} '{name}'",
        )
        record = self.store.create_component(
            name=name,
            type=type_,
            flavor=flavor,
            labels=labels,
            configuration=config.model_dump(mode="json", exclude_unset=True),
        )
        return ComponentResponse.from_record(record, self.store)

    def get_stack_component(
        self,
        component_type: StackComponentType | str,
        name_id_or_prefix: str | UUID | None = None,
        allow_name_prefix_match: bool = True,
        hydrate: bool = True,
    ) -> ComponentResponse:
        """A component by name, id or unique prefix; without a name, the active stack's."""
        self._ensure_default()
        type_ = component_type_of(component_type)
        if name_id_or_prefix is None:
            ids = self.active_stack_model.component_ids.get(type_.value)
            if not ids:
                raise EntityNotFoundError(f"The active stack has no {type_.value}.")
            name_id_or_prefix = ids[0]
        record = self.store.get_component(
            type_, str(name_id_or_prefix), allow_name_prefix=allow_name_prefix_match
        )
        return ComponentResponse.from_record(record, self.store)

    def list_stack_components(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 20,
        logical_operator: str = "and",
        id: Any = None,
        created: Any = None,
        updated: Any = None,
        name: Any = None,
        flavor: Any = None,
        type: Any = None,
        connector_id: Any = None,
        stack_id: Any = None,
        user: Any = None,
        hydrate: bool = False,
    ) -> Page[ComponentResponse]:
        self._ensure_default()
        try:
            check_owner(user)
            if connector_id is not None:
                raise NoMatch
        except NoMatch:
            return empty_page(page, size)
        filters = given(
            id=id,
            created=created,
            updated=updated,
            name=name,
            flavor=flavor,
            type=component_type_of(type).value if isinstance(type, StackComponentType) else type,
        )
        records = self.store.list_components_page(
            filters=filters,
            sort_by=sort_by,
            logical_operator=str(logical_operator),
            index=page,
            size=size,
            stack_id=None if stack_id is None else str(stack_id),
        )
        return to_page(records, lambda r: ComponentResponse.from_record(r, self.store))

    def update_stack_component(
        self,
        name_id_or_prefix: str | UUID,
        component_type: StackComponentType | str,
        name: str | None = None,
        configuration: Mapping[str, Any] | None = None,
        labels: dict[str, Any] | None = None,
        disconnect: bool | None = None,
        connector_id: Any = None,
        connector_resource_id: Any = None,
        add_secrets: Sequence[Any] | None = None,
        remove_secrets: Sequence[Any] | None = None,
        environment: Mapping[str, str] | None = None,
    ) -> ComponentResponse:
        """Change a component; new configuration keys merge into the old ones (a key set to
        None is removed)."""
        from stackwise.secrets.plaintext import warn_plaintext_secrets
        from stackwise.stack.flavor_registry import flavor_registry

        _refuse(
            "Service connectors",
            disconnect or connector_id or connector_resource_id,
            _NO_CONNECTORS,
        )
        _refuse(
            "A component's secrets/environment",
            add_secrets or remove_secrets or environment,
            _NO_COMPONENT_ENV,
        )
        type_ = component_type_of(component_type)
        record = self.store.get_component(type_, str(name_id_or_prefix))
        merged = None
        if configuration is not None:
            merged = {
                k: v for k, v in {**record.configuration, **configuration}.items() if v is not None
            }
            flavor_obj = flavor_registry.get(type_, record.flavor)
            flavor_obj.validate_config(merged)
            warn_plaintext_secrets(
                flavor_obj.config_class(),
                configuration,
                component=f"{type_.value.replace('_', ' ')} '{record.name}'",
            )
        new_labels = None
        if labels is not None:
            new_labels = {
                k: v for k, v in {**(record.labels or {}), **labels}.items() if v is not None
            }
        self.store.update_component(record.id, name=name, configuration=merged, labels=new_labels)
        return ComponentResponse.from_record(self.store.get_component(type_, record.id), self.store)

    def delete_stack_component(
        self, name_id_or_prefix: str | UUID, component_type: StackComponentType | str
    ) -> None:
        record = self.store.get_component(component_type_of(component_type), str(name_id_or_prefix))
        self.store.delete_component(record.id)

    # -- stacks --------------------------------------------------------------------------
    def _component_ids(self, components: Mapping[Any, Any]) -> list[str]:
        self._ensure_default()
        ids: list[str] = []
        for raw_type, names in components.items():
            type_ = component_type_of(raw_type)
            group = [names] if isinstance(names, (str, UUID)) else list(names)
            if len(group) > 1 and not type_.allows_several:
                raise StackValidationError(
                    f"A stack has at most one {type_}; got {', '.join(map(str, group))}. Only "
                    "experiment trackers and step operators may be several."
                )
            ids.extend(self.store.get_component(type_, str(getattr(n, "id", n))).id for n in group)
        return ids

    def create_stack(
        self,
        name: str,
        components: Mapping[Any, Any],
        stack_spec_file: str | None = None,
        labels: dict[str, Any] | None = None,
        secrets: Sequence[Any] | None = None,
        description: str | None = None,
    ) -> StackResponse:
        """Register a stack from component names (or ids) by type; it needs an orchestrator
        and an artifact store."""
        _refuse(
            "stack_spec_file=",
            stack_spec_file,
            "import a stack from YAML with Client().import_stack(path).",
        )
        _refuse("A stack's secrets=", secrets, _NO_COMPONENT_ENV)
        types = {component_type_of(t) for t in components}
        missing = [
            t
            for t in (StackComponentType.ORCHESTRATOR, StackComponentType.ARTIFACT_STORE)
            if t not in types
        ]
        if missing:
            raise StackValidationError(
                f"Stack '{name}' needs {' and '.join(f'an {t}' for t in missing)}; "
                "`stackwise stack register` takes them as -o NAME and -a NAME."
            )
        record = self.store.create_stack(
            name, self._component_ids(components), description=description, labels=labels
        )
        return StackResponse.from_record(record, self.store)

    def get_stack(
        self,
        name_id_or_prefix: str | UUID | None = None,
        allow_name_prefix_match: bool = True,
        hydrate: bool = True,
    ) -> StackResponse:
        """A stack by name, id or unique prefix; without one, the active stack."""
        self._ensure_default()
        if name_id_or_prefix is None:
            return self.active_stack_model
        record = self.store.get_stack(
            str(name_id_or_prefix), allow_name_prefix=allow_name_prefix_match
        )
        return StackResponse.from_record(record, self.store)

    def list_stacks(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 20,
        logical_operator: str = "and",
        id: Any = None,
        created: Any = None,
        updated: Any = None,
        name: Any = None,
        description: Any = None,
        component_id: Any = None,
        user: Any = None,
        component: Any = None,
        hydrate: bool = False,
    ) -> Page[StackResponse]:
        self._ensure_default()
        try:
            check_owner(user)
        except NoMatch:
            return empty_page(page, size)
        if component is not None:
            component_id = self.store.get_component(
                None, str(getattr(component, "id", component))
            ).id
        records = self.store.list_stacks_page(
            filters=given(
                id=id, created=created, updated=updated, name=name, description=description
            ),
            sort_by=sort_by,
            logical_operator=str(logical_operator),
            index=page,
            size=size,
            component_id=None if component_id is None else str(component_id),
        )
        return to_page(records, lambda r: StackResponse.from_record(r, self.store))

    def update_stack(
        self,
        name_id_or_prefix: str | UUID | None = None,
        name: str | None = None,
        stack_spec_file: str | None = None,
        labels: dict[str, Any] | None = None,
        description: str | None = None,
        component_updates: Mapping[Any, Any] | None = None,
        add_secrets: Sequence[Any] | None = None,
        remove_secrets: Sequence[Any] | None = None,
        environment: Mapping[str, str] | None = None,
    ) -> StackResponse:
        """Rename, relabel or recompose a stack: `component_updates` maps a component type to
        the new component name(s) (an empty list or None removes that type).

        Renaming the active stack keeps it active under its new name.
        """
        from stackwise.config.global_config import DEFAULT_STACK_NAME, GlobalConfig

        _refuse("stack_spec_file=", stack_spec_file, "import YAML with Client().import_stack.")
        _refuse(
            "A stack's secrets/environment",
            add_secrets or remove_secrets or environment,
            _NO_COMPONENT_ENV,
        )
        record = (
            self.store.get_stack(str(name_id_or_prefix))
            if name_id_or_prefix
            else self.store.get_stack(self.active_stack_name)
        )
        if name is not None and name != record.name and record.name == DEFAULT_STACK_NAME:
            raise StackValidationError(
                "The default stack cannot be renamed: stackwise falls back to it when no other "
                "stack is chosen. Copy its components into a new stack instead: "
                "`stackwise stack register NAME -o default -a default`."
            )
        component_ids = None
        if component_updates is not None:
            current = {t: list(ids) for t, ids in record.components.items()}
            for raw_type, names in component_updates.items():
                type_ = component_type_of(raw_type)
                if not names:
                    if type_ in (
                        StackComponentType.ORCHESTRATOR,
                        StackComponentType.ARTIFACT_STORE,
                    ):
                        raise StackValidationError(
                            f"A stack needs an {type_.value}; it cannot be removed from "
                            f"stack '{record.name}'. Give another one instead."
                        )
                    current.pop(type_.value, None)
                else:
                    current[type_.value] = self._component_ids({type_: names})
            component_ids = [i for ids in current.values() for i in ids]
        new_labels = None
        if labels is not None:
            new_labels = {
                k: v for k, v in {**(record.labels or {}), **labels}.items() if v is not None
            }
        self.store.update_stack(
            record.id,
            name=name,
            component_ids=component_ids,
            description=description,
            labels=new_labels,
        )
        if name is not None and GlobalConfig().active_stack().name == record.name:
            GlobalConfig().set_active_stack(name)
        self.__dict__.pop("active_stack", None)
        return StackResponse.from_record(self.store.get_stack(record.id), self.store)

    def delete_stack(self, name_id_or_prefix: str | UUID, recursive: bool = False) -> None:
        """Delete a stack; with `recursive=True`, also its components no other stack uses."""
        from stackwise.config.global_config import DEFAULT_STACK_NAME, GlobalConfig

        self._ensure_default()
        record = self.store.get_stack(str(name_id_or_prefix))
        if record.name == DEFAULT_STACK_NAME:
            raise StackValidationError(
                "The default stack cannot be deleted: stackwise falls back to it when no other "
                "stack is chosen. Delete the stacks you registered instead."
            )
        active = GlobalConfig().active_stack()
        if active.name in (record.name, record.id):
            raise EntityInUseError(
                f"Stack '{record.name}' is the active stack (from the {active.source}); "
                "switch first: `stackwise stack set default`."
            )
        self.store.delete_stack(record.id)
        if recursive:
            for component_id in [i for ids in record.components.values() for i in ids]:
                if not self.store.list_stacks_page(component_id=component_id, size=1).total:
                    self.store.delete_component(component_id)

    def activate_stack(self, stack_name_id_or_prefix: str | UUID) -> Stack:
        """Make a stack the active one, persisted for later processes (project config when
        inside a `stackwise init` folder, else the global config). Returns the stack, ready
        to use (ZenML returns None)."""
        from stackwise.config.global_config import GlobalConfig

        stack = self.get_stack(stack_name_id_or_prefix)
        GlobalConfig().set_active_stack(stack.name)
        self.__dict__.pop("active_stack", None)
        return self.active_stack

    @cached_property
    def active_stack(self) -> Stack:
        """The active stack with its components ready to use."""
        from stackwise.stack.active_stack import active_stack

        return active_stack(self.store)

    @property
    def active_stack_model(self) -> StackResponse:
        """The active stack as a response model (names, ids, configuration)."""
        self._ensure_default()
        record = self.store.get_stack(self.active_stack_name)
        return StackResponse.from_record(record, self.store)

    @property
    def active_stack_name(self) -> str:
        from stackwise.config.global_config import GlobalConfig

        return GlobalConfig().active_stack().name

    def export_stack(self, name_id_or_prefix: str | UUID, path: str | Path) -> list[str]:
        """Write a stack as YAML (the lesson's format); returns notes about plaintext
        secrets found in its configuration."""
        from stackwise.stack.stack_yaml import export_stack

        text, notes = export_stack(self.store, str(name_id_or_prefix))
        Path(path).write_text(text)
        return notes

    def import_stack(self, path: str | Path, name: str | None = None) -> ImportedStack:
        """Register a stack from YAML: every component validated first; identical
        components reused, conflicting ones refused (nothing is overwritten)."""
        from stackwise.stack.stack_yaml import import_stack

        self._ensure_default()
        return import_stack(self.store, Path(path), name)

    def verify_stack(self, name_id_or_prefix: str | UUID | None = None) -> StackVerification:
        """Every check a run makes, plus a connection probe of each component."""
        from stackwise.stack.active_stack import load_stack
        from stackwise.stack.verify import verify_stack

        name = str(name_id_or_prefix) if name_id_or_prefix else self.active_stack_name
        self._ensure_default()
        return verify_stack(load_stack(self.store, name), self.store)

    # -- flavors -------------------------------------------------------------------------
    def _flavor_responses(self, type_: StackComponentType | None = None) -> list[FlavorResponse]:
        from stackwise.config.global_config import GlobalConfig
        from stackwise.stack.flavor_registry import flavor_registry

        custom = {
            _flavor_key(f)
            for path in GlobalConfig().custom_flavor_paths()
            for f in _flavors_at(path)
        }
        return [
            FlavorResponse.from_flavor(f, self.store, is_custom=_flavor_key(f) in custom)
            for f in flavor_registry.list(type_)
        ]

    def list_flavors(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 20,
        logical_operator: str = "and",
        id: Any = None,
        created: Any = None,
        updated: Any = None,
        name: Any = None,
        display_name: Any = None,
        type: Any = None,
        integration: Any = None,
        user: Any = None,
        hydrate: bool = False,
    ) -> Page[FlavorResponse]:
        from stackwise.client.secrets import _matches

        wanted = given(
            id=id,
            created=created,
            updated=updated,
            name=name,
            display_name=display_name,
            integration=integration,
            type=component_type_of(type).value if type is not None else None,
        )
        flavors = [
            f
            for f in self._flavor_responses()
            if _matches(wanted, _FlavorRow(f), str(logical_operator))
        ]
        field = str(sort_by).rpartition(":")[2]
        if field != "created":
            flavors.sort(
                key=lambda f: str(getattr(f, field, "")), reverse=str(sort_by).startswith("desc:")
            )
        start = (page - 1) * size
        return Page.of(flavors[start : start + size], total=len(flavors), index=page, max_size=size)

    def get_flavors_by_type(self, component_type: StackComponentType | str) -> Page[FlavorResponse]:
        flavors = self._flavor_responses(component_type_of(component_type))
        return Page.of(flavors, total=len(flavors), index=1, max_size=max(1, len(flavors)))

    def get_flavor_by_name_and_type(
        self, name: str, component_type: StackComponentType | str
    ) -> FlavorResponse:
        from stackwise.stack.flavor_registry import flavor_registry

        type_ = component_type_of(component_type)
        try:
            flavor = flavor_registry.get(type_, name)
        except ConfigError as error:
            raise EntityNotFoundError(str(error)) from None
        return next(f for f in self._flavor_responses(type_) if f.name == flavor.name)

    def get_flavor(
        self,
        name_id_or_prefix: str | UUID,
        allow_name_prefix_match: bool = True,
        hydrate: bool = True,
    ) -> FlavorResponse:
        text = str(name_id_or_prefix)
        flavors = self._flavor_responses()
        for match in (
            lambda f: str(f.id) == text,
            lambda f: f.name == text,
            lambda f: str(f.id).startswith(text),
            lambda f: allow_name_prefix_match and f.name.startswith(text),
        ):
            found = [f for f in flavors if match(f)]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                kinds = ", ".join(f"{f.type.value}/{f.name}" for f in found)
                raise EntityNotFoundError(
                    f"Several flavors match '{text}' ({kinds}); use "
                    "get_flavor_by_name_and_type(name, type)."
                )
        raise EntityNotFoundError(f"No flavor named '{text}' or with an id starting with it.")

    def create_flavor(
        self, source: str, component_type: StackComponentType | str
    ) -> FlavorResponse:
        """Register a custom flavor from its import path (`package.module.MY_FLAVOR` or
        `package.module:MY_FLAVOR`), remembered for later processes."""
        from stackwise.config.global_config import GlobalConfig
        from stackwise.stack.flavor_registry import flavor_registry

        path = source if ":" in source else ":".join(source.rsplit(".", 1))
        type_ = component_type_of(component_type)
        flavors = flavor_registry.register_from_path(path)
        wrong = [f.name for f in flavors if str(f.type) != type_.value]
        if wrong:
            raise ConfigError(
                f"{source} defines {', '.join(wrong)} of another component type than {type_.value}."
            )
        GlobalConfig().add_custom_flavor_path(path)
        return self.get_flavor_by_name_and_type(flavors[0].name, type_)

    def delete_flavor(self, name_id_or_prefix: str | UUID) -> None:
        """Forget a custom flavor (built-in and integration flavors cannot be deleted)."""
        from stackwise.config.global_config import GlobalConfig

        flavor = self.get_flavor(name_id_or_prefix)
        if not flavor.is_custom:
            raise ConfigError(
                f"Flavor '{flavor.name}' is built in (or comes with an "
                "integration); only flavors you registered can be deleted."
            )
        users = self.store.list_components_page(
            filters={"type": flavor.type.value, "flavor": flavor.name}, size=1
        )
        if users.total:
            raise StackValidationError(
                f"Components of flavor '{flavor.name}' exist; delete them first."
            )
        config = GlobalConfig()
        for path in config.custom_flavor_paths():
            if any(_flavor_key(f) == (flavor.type.value, flavor.name) for f in _flavors_at(path)):
                config.remove_custom_flavor_path(path)
        from stackwise.stack.flavor_registry import flavor_registry

        flavor_registry.unregister(flavor.type, flavor.name)


class _FlavorRow:
    """A flavor's filterable fields as plain attributes (for `_matches`)."""

    def __init__(self, flavor: FlavorResponse) -> None:
        self.id = str(flavor.id)
        self.name = flavor.name
        self.display_name = flavor.display_name
        self.integration = flavor.integration
        self.type = flavor.type.value
        self.created = flavor.created
        self.updated = flavor.updated


def _flavor_key(flavor: Flavor) -> tuple[str, str]:
    return (str(flavor.type), flavor.name)


def _flavors_at(path: str) -> list[Flavor]:
    from stackwise.stack.flavor import Flavor, import_object

    try:
        found = import_object(path)
    except (ImportError, AttributeError):
        return []
    return [
        f for f in (found if isinstance(found, (list, tuple)) else [found]) if isinstance(f, Flavor)
    ]


component_type_of = component_type

__all__ = ["StacksMixin", "component_type"]
