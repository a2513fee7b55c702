"""A stack: a name plus at most one component per type (several experiment trackers and step
operators, picked by name). Components are instantiated on first use, so a stack with an
integration whose library is not installed still loads until that component is needed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stackwise.enums import StackComponentType
from stackwise.exceptions import ComponentNotFoundError, ConfigError, did_you_mean
from stackwise.secrets.references import has_references, resolve_references
from stackwise.stack.flavor_registry import flavor_registry

if TYPE_CHECKING:
    from stackwise.secrets.secret_store import SecretStore
    from stackwise.stack.stack_component import StackComponent
    from stackwise.store.base import Store
    from stackwise.store.records import ComponentRecord, StackRecord

T = StackComponentType


def build_component(
    record: ComponentRecord, *, secrets: SecretStore | None = None
) -> StackComponent:
    """The component a stored record describes, ready to use.

    `{{name.key}}` secret references in its configuration are resolved here, at use, from
    `secrets` (default: the configured store's secrets); the record keeps the references, so
    the values live only in the instance's config.
    """
    flavor = flavor_registry.get(record.type, record.flavor)
    configuration = record.configuration
    if not has_references(configuration):
        config = flavor.validate_config(configuration)
    else:
        if secrets is None:
            from stackwise.secrets.secret_store import SecretStore
            from stackwise.store import get_store

            secrets = SecretStore(get_store())
        source = secrets
        used: dict[str, dict[str, str]] = {}

        def lookup(name: str) -> dict[str, str]:
            used[name] = source.get(name)
            return used[name]

        label = f"{record.type.replace('_', ' ')} '{record.name}'"
        configuration = resolve_references(configuration, lookup, component=label)
        try:
            config = flavor.validate_config(configuration)
        except ConfigError as error:  # its message quotes the values it got: mask the secrets
            message = str(error)
            for value in sorted(
                {v for vs in used.values() for v in vs.values() if v}, key=len, reverse=True
            ):
                message = message.replace(value, "****")
            raise ConfigError(f"Cannot use {label} with its secrets resolved: {message}") from None
    return flavor.implementation_class()(
        id=record.id, name=record.name, flavor=record.flavor, config=config
    )


class Stack:
    def __init__(
        self,
        record: StackRecord,
        components: dict[str, ComponentRecord],
        store: Store | None = None,
    ) -> None:
        """`store` holds the secrets its components reference (default: the configured
        store)."""
        self.id = record.id
        self.name = record.name
        self.record = record
        self._records: dict[str, list[ComponentRecord]] = {
            type_: [components[i] for i in ids if i in components]
            for type_, ids in record.components.items()
        }
        self._instances: dict[str, StackComponent] = {}
        self._store = store

    def __repr__(self) -> str:
        return f"Stack(name={self.name!r})"

    def component_records(self, type: StackComponentType | str) -> list[ComponentRecord]:
        return self._records.get(str(type), [])

    def component_names(self, type: StackComponentType | str) -> list[str]:
        return [r.name for r in self.component_records(type)]

    def component(
        self, type: StackComponentType | str, name: str | None = None
    ) -> StackComponent | None:
        """The component of `type` (named `name` where several are allowed), or None."""
        records = self.component_records(type)
        if not records:
            return None
        if name is None:
            record = records[0]
        else:
            matches = [r for r in records if r.name == name]
            if not matches:
                names = [r.name for r in records]
                raise ComponentNotFoundError(
                    f"Stack '{self.name}' has no {type} named '{name}'."
                    f"{did_you_mean(name, names)} It has: {', '.join(names)}."
                )
            record = matches[0]
        instance = self._instances.get(record.id)
        if instance is None:
            instance = self._instances[record.id] = build_component(record, secrets=self._secrets())
        return instance

    def _secrets(self) -> SecretStore | None:
        if self._store is None:
            return None
        from stackwise.secrets.secret_store import SecretStore

        return SecretStore(self._store)

    @property
    def components(self) -> dict[StackComponentType, StackComponent]:
        """The first component of every type the stack has."""
        out = {}
        for type_ in self._records:
            component = self.component(type_)
            if component is not None:
                out[T(type_)] = component
        return out

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "id": self.id,
            "components": {
                t: [
                    {"name": r.name, "flavor": r.flavor, "configuration": r.configuration}
                    for r in records
                ]
                for t, records in sorted(self._records.items())
            },
        }

    @property
    def orchestrator(self) -> Any:
        return self.component(T.ORCHESTRATOR)

    @property
    def artifact_store(self) -> Any:
        return self.component(T.ARTIFACT_STORE)

    @property
    def experiment_tracker(self) -> Any:
        return self.component(T.EXPERIMENT_TRACKER)

    @property
    def experiment_trackers(self) -> list[Any]:
        return [
            self.component(T.EXPERIMENT_TRACKER, n)
            for n in self.component_names(T.EXPERIMENT_TRACKER)
        ]

    @property
    def model_deployer(self) -> Any:
        return self.component(T.MODEL_DEPLOYER)

    @property
    def container_registry(self) -> Any:
        return self.component(T.CONTAINER_REGISTRY)

    @property
    def step_operator(self) -> Any:
        return self.component(T.STEP_OPERATOR)

    @property
    def data_validator(self) -> Any:
        return self.component(T.DATA_VALIDATOR)

    @property
    def feature_store(self) -> Any:
        return self.component(T.FEATURE_STORE)

    @property
    def image_builder(self) -> Any:
        return self.component(T.IMAGE_BUILDER)

    @property
    def alerter(self) -> Any:
        return self.component(T.ALERTER)

    @property
    def model_registry(self) -> Any:
        return self.component(T.MODEL_REGISTRY)
