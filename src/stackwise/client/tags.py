"""Client methods for tags: create, read, list, update, delete, attach and detach."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from uuid import UUID

from stackwise.client.base import ClientBase
from stackwise.exceptions import ConfigError

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from stackwise.artifacts.tag_api import Tag
    from stackwise.enums import ColorVariants, TaggableResourceTypes
    from stackwise.models.base import Page
    from stackwise.models.tag import TagResource, TagResponse

logger = logging.getLogger("stackwise")

_TAGGABLE = ("pipeline", "pipeline_run", "artifact", "artifact_version")


def _color(color: Any) -> str | None:
    from stackwise.enums import ColorVariants

    if color is None:
        return None
    try:
        return ColorVariants(getattr(color, "value", color)).value
    except ValueError:
        raise ConfigError(
            f"'{color}' is not a tag colour; choose one of {', '.join(ColorVariants.values())}."
        ) from None


def _filter_value(value: Any) -> Any:
    """A list filter value means one of its items, as ZenML's list methods take it."""
    if isinstance(value, (list, tuple, set)):
        return "oneof:" + repr([str(getattr(v, "value", v)) for v in value])
    return value


class TagsMixin(ClientBase):
    """Tags on runs, pipelines, artifacts and artifact versions (ZenML's tag API)."""

    def _tag(self, record: Any) -> TagResponse:
        from stackwise.models.tag import TagResponse

        return TagResponse.from_record(record, self.store)

    def create_tag(
        self, name: str, exclusive: bool = False, color: str | ColorVariants | None = None
    ) -> TagResponse:
        """A new tag; EntityExistsError when the name is taken. Without a colour the tag gets
        a stable one per name."""
        return self._tag(self.store.create_tag(name, color=_color(color), exclusive=exclusive))

    def get_tag(
        self, tag_name_or_id: str | UUID, allow_name_prefix_match: bool = True, hydrate: bool = True
    ) -> TagResponse:
        """A tag by name, id, or a unique id (or name) prefix; KeyError when none matches."""
        return self._tag(
            self.store.get_tag(str(tag_name_or_id), allow_name_prefix=allow_name_prefix_match)
        )

    def list_tags(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 20,
        logical_operator: str = "and",
        id: Any = None,
        user: Any = None,
        created: datetime | str | None = None,
        updated: datetime | str | None = None,
        name: Any = None,
        color: Any = None,
        exclusive: bool | None = None,
        resource_type: TaggableResourceTypes | str | list[Any] | None = None,
        hydrate: bool = False,
    ) -> Page[TagResponse]:
        """A page of tags, filtered with ZenML's syntax (`name="contains:prod"`); `resource_type`
        keeps tags attached to at least one resource of that type."""
        from stackwise.models.base import Page, default_user

        filters = {
            k: _filter_value(v)
            for k, v in (
                ("id", id),
                ("created", created),
                ("updated", updated),
                ("name", name),
                ("color", color),
                ("exclusive", exclusive),
            )
            if v is not None
        }
        if user is not None:
            owner = default_user(self.store)
            users = user if isinstance(user, (list, tuple, set)) else [user]
            if not any(str(u) in (owner.name, str(owner.id)) for u in users):
                return Page.of([], total=0, index=page, max_size=size)  # nobody else owns tags
        found = self.store.list_tags(
            filters=filters,
            sort_by=sort_by,
            logical_operator=str(getattr(logical_operator, "value", logical_operator)),
            index=page,
            size=size,
            resource_type=resource_type,
        )
        return Page.of(
            [self._tag(r) for r in found.items], total=found.total, index=page, max_size=size
        )

    def update_tag(
        self,
        tag_name_or_id: str | UUID,
        name: str | None = None,
        exclusive: bool | None = None,
        color: str | ColorVariants | None = None,
    ) -> TagResponse:
        """Rename a tag, change its colour, or make it (non-)exclusive. Making it exclusive
        fails while it marks several runs of one pipeline (or versions of one artifact)."""
        tag = self.store.get_tag(str(tag_name_or_id))
        return self._tag(
            self.store.update_tag(tag.id, name=name, color=_color(color), exclusive=exclusive)
        )

    def delete_tag(self, tag_name_or_id: str | UUID) -> None:
        """Delete a tag; the resources that carried it lose it."""
        self.store.delete_tag(self.store.get_tag(str(tag_name_or_id)).id)

    def _resource_ids(self, resources: list[TagResource]) -> dict[str, list[str]]:
        """Resource type -> ids, each checked to exist (KeyError otherwise)."""
        from stackwise.models.tag import TagResource

        getters: dict[str, Callable[[str], object]] = {  # each raises KeyError when missing
            "pipeline": self.store.get_pipeline,
            "pipeline_run": self.store.get_run,
            "artifact": self.store.get_artifact,
            "artifact_version": self.store.get_artifact_version,
        }
        grouped: dict[str, list[str]] = {}
        for resource in resources:
            if not isinstance(resource, TagResource):
                resource = TagResource.model_validate(resource)
            kind = str(resource.type.value)
            if kind not in getters:
                raise ConfigError(f"stackwise cannot tag a {kind}: it tags {', '.join(_TAGGABLE)}.")
            getters[kind](str(resource.id))
            grouped.setdefault(kind, []).append(str(resource.id))
        return grouped

    def attach_tag(self, tag: str | Tag, resources: list[TagResource]) -> None:
        """Attach a tag (created if missing; a `Tag` gives its colour and exclusivity) to
        resources: `[TagResource(id=run.id, type="pipeline_run")]`."""
        for kind, ids in self._resource_ids(resources).items():
            self.store.attach_tags(kind, ids, [tag])

    def detach_tag(self, tag_name_or_id: str | UUID, resources: list[TagResource]) -> None:
        """Detach a tag from resources; a resource that does not carry it is skipped with a
        warning."""
        tag = self.store.get_tag(str(tag_name_or_id))
        for kind, ids in self._resource_ids(resources).items():
            removed = self.store.detach_tags(kind, ids, [tag.name])
            if removed < len(set(ids)):
                logger.warning(
                    "Tag '%s' was not attached to every given %s; those that did "
                    "not carry it were skipped.",
                    tag.name,
                    kind,
                )


__all__ = ["TagsMixin"]
