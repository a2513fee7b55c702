"""Flavors: a component type's implementations (built-in, from an integration, or a user's
own), with the JSON schema of their configuration."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from stackwise.enums import StackComponentType
from stackwise.models.base import BaseResponse

if TYPE_CHECKING:
    from stackwise.stack.flavor import Flavor
    from stackwise.store.base import Store

_FLAVOR_NAMESPACE = uuid.UUID("6f1c8f52-3b43-4c61-9d2e-8d1f0a6f1c01")
_EPOCH = datetime(2026, 1, 1)


def flavor_id(type_: str, name: str) -> uuid.UUID:
    """Flavors live in code, not in the store: a stable id from type and name."""
    return uuid.uuid5(_FLAVOR_NAMESPACE, f"{type_}/{name}")


class FlavorResponse(BaseResponse):
    name: str
    type: StackComponentType
    integration: str | None = None
    source: str
    config_schema: dict[str, Any]
    display_name: str
    docs_url: str | None = None
    sdk_docs_url: str | None = None
    logo_url: str | None = None
    is_custom: bool = False
    connector_type: str | None = None
    connector_resource_type: str | None = None
    connector_resource_id_attr: str | None = None
    connector_requirements: Any = None
    description: str = ""

    @classmethod
    def from_flavor(
        cls, flavor: Flavor, store: Store | None, is_custom: bool = False
    ) -> FlavorResponse:
        type_ = StackComponentType(str(flavor.type))
        try:
            schema = flavor.config_class().model_json_schema()
        except Exception:  # noqa: BLE001 - a custom flavor's config that does not import
            schema = {}
        return cls.make(
            store,
            id=flavor_id(type_.value, flavor.name),
            name=flavor.name,
            type=type_,
            integration=flavor.integration or ("built-in" if not is_custom else "custom"),
            source=flavor.implementation.replace(":", "."),
            config_schema=schema,
            display_name=flavor.name.replace("_", " ").title(),
            is_custom=is_custom,
            description=flavor.description,
            created=_EPOCH,
            user_id=None,
        )

    @property
    def flavor(self) -> Flavor:
        from stackwise.stack.flavor_registry import flavor_registry

        return flavor_registry.get(self.type, self.name)


__all__ = ["FlavorResponse", "flavor_id"]
