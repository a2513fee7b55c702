"""Artifacts: a name under which versions are saved ("1", "2", … or given names)."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any
from uuid import UUID

from stackwise.exceptions import ZenKeyError
from stackwise.models.artifact_version import ArtifactVersionResponse
from stackwise.models.base import BaseResponse

if TYPE_CHECKING:
    from stackwise.models.tag import TagResponse
    from stackwise.store.base import Store
    from stackwise.store.records import ArtifactRecord


class ArtifactResponse(BaseResponse):
    name: str
    has_custom_name: bool = True

    @classmethod
    def from_record(cls, record: ArtifactRecord, store: Store | None) -> ArtifactResponse:
        return cls.make(
            store,
            id=record.id,
            name=record.name,
            created=record.created,
            updated=record.updated,
            has_custom_name=record.has_custom_name,
        )

    @cached_property
    def versions(self) -> dict[str, ArtifactVersionResponse]:
        """Every version by its name, oldest first."""
        page = self.store.list_artifact_versions(
            filters={"artifact_id": str(self.id)}, sort_by="asc:created", size=1_000_000
        )
        return {r.version: ArtifactVersionResponse.from_record(r, self._store) for r in page.items}

    @cached_property
    def _latest(self) -> ArtifactVersionResponse | None:
        page = self.store.list_artifact_versions(
            filters={"artifact_id": str(self.id)}, sort_by="desc:created", size=1
        )
        if not page.items:
            return None
        return ArtifactVersionResponse.from_record(page.items[0], self._store)

    @property
    def latest_version(self) -> ArtifactVersionResponse:
        latest = self._latest
        if latest is None:
            raise ZenKeyError(f"Artifact '{self.name}' has no versions.")
        return latest

    @property
    def latest_version_id(self) -> UUID | None:
        return self._latest.id if self._latest is not None else None

    @property
    def latest_version_name(self) -> str | None:
        return self._latest.version if self._latest is not None else None

    @cached_property
    def tags(self) -> list[TagResponse]:
        from stackwise.models.tag import TagResponse

        records = self.store.tags_of("artifact", [str(self.id)])[str(self.id)]
        return [TagResponse.from_record(r, self._store) for r in records]

    def load(self, version: str | None = None) -> Any:
        """The value of a version (the newest when `version` is None)."""
        chosen = self.versions[version] if version is not None else self.latest_version
        return chosen.load()


__all__ = ["ArtifactResponse"]
