"""Tags: a name with a colour, optionally exclusive (on one run per pipeline, or one version
per artifact, at a time). `TagResponse` is what the Client returns; `TagRequest` is what a
`stackwise.Tag` asks for when it creates one; `TagResource` names a resource to attach a tag
to (`Client().attach_tag("best", [TagResource(id=run.id, type="pipeline_run")])`)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from stackwise.enums import ColorVariants, TaggableResourceTypes
from stackwise.models.base import BaseResponse

if TYPE_CHECKING:
    from stackwise.store.base import Store
    from stackwise.store.records import TagRecord


def _color(value: str) -> ColorVariants | str:
    try:
        return ColorVariants(value)
    except ValueError:  # a colour stored by an older version: shown as it is
        return value


class TagResponse(BaseResponse):
    name: str
    color: ColorVariants | str
    exclusive: bool = False
    tagged_count: int = 0

    @classmethod
    def from_record(cls, record: TagRecord, store: Store | None) -> TagResponse:
        return cls.make(
            store,
            id=record.id,
            name=record.name,
            color=_color(record.color),
            exclusive=record.exclusive,
            tagged_count=record.tagged_count,
            created=record.created,
            updated=record.updated,
        )

    def __str__(self) -> str:
        return self.name


class TagRequest(BaseModel):
    """A tag to create: name, exclusivity and colour."""

    model_config = ConfigDict(extra="forbid")

    name: str
    exclusive: bool = False
    color: ColorVariants | None = None


class TagResource(BaseModel):
    """A resource a tag is attached to: its id and its type (`pipeline_run`, `pipeline`,
    `artifact`, `artifact_version`, ...)."""

    model_config = ConfigDict(extra="forbid")

    id: UUID
    type: TaggableResourceTypes


__all__ = ["TagRequest", "TagResource", "TagResponse"]
