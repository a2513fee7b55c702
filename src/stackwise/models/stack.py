"""Stacks and their components as users read them back from the Client."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from stackwise.enums import StackComponentType
from stackwise.models.base import BaseResponse

if TYPE_CHECKING:
    from stackwise.models.flavor import FlavorResponse
    from stackwise.store.base import Store
    from stackwise.store.records import ComponentRecord, StackRecord


class ComponentResponse(BaseResponse):
    name: str
    type: StackComponentType
    flavor_name: str
    configuration: dict[str, Any]
    labels: dict[str, Any] | None = None
    environment: dict[str, str] = {}
    secrets: list[Any] = []
    connector_resource_id: str | None = None

    @classmethod
    def from_record(cls, record: ComponentRecord, store: Store | None) -> ComponentResponse:
        return cls.make(
            store,
            id=record.id,
            name=record.name,
            type=StackComponentType(record.type),
            flavor_name=record.flavor,
            configuration=dict(record.configuration),
            labels=record.labels,
            created=record.created,
            updated=record.updated,
        )

    @cached_property
    def flavor(self) -> FlavorResponse:
        from stackwise.models.flavor import FlavorResponse
        from stackwise.stack.flavor_registry import flavor_registry

        return FlavorResponse.from_flavor(
            flavor_registry.get(self.type, self.flavor_name), self._store
        )

    @property
    def integration(self) -> str | None:
        return self.flavor.integration

    @property
    def logo_url(self) -> str | None:
        return None

    @property
    def connector(self) -> None:
        """Service connectors are not part of stackwise: components carry their credentials
        (as secret references) in their configuration."""
        return None


class StackResponse(BaseResponse):
    name: str
    description: str | None = None
    labels: dict[str, Any] | None = None
    environment: dict[str, str] = {}
    secrets: list[Any] = []
    stack_spec_path: str | None = None
    component_ids: dict[str, list[str]] = {}

    @classmethod
    def from_record(cls, record: StackRecord, store: Store | None) -> StackResponse:
        return cls.make(
            store,
            id=record.id,
            name=record.name,
            created=record.created,
            updated=record.updated,
            description=record.description,
            labels=record.labels,
            component_ids=dict(record.components),
        )

    @cached_property
    def components(self) -> dict[StackComponentType, list[ComponentResponse]]:
        ids = [i for group in self.component_ids.values() for i in group]
        records = self.store.get_components(ids)
        return {
            StackComponentType(type_): [
                ComponentResponse.from_record(records[i], self._store)
                for i in group
                if i in records
            ]
            for type_, group in self.component_ids.items()
        }

    @property
    def is_valid(self) -> bool:
        """A stack runs pipelines when it has an orchestrator and an artifact store."""
        return {
            StackComponentType.ORCHESTRATOR.value,
            StackComponentType.ARTIFACT_STORE.value,
        } <= set(self.component_ids)

    def to_yaml(self) -> dict[str, Any]:
        """The stack as the YAML `stackwise stack export` writes (a dict)."""
        from stackwise.stack.stack_yaml import stack_to_dict

        return stack_to_dict(self.store, str(self.id))


__all__ = ["ComponentResponse", "StackResponse"]
