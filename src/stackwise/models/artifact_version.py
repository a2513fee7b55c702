"""What users get back for artifacts: versions they can `.load()`, and ZenML's list shape for a
step's outputs (`outputs["x"][0].load()`) that also answers `outputs["x"].load()` directly."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from stackwise.enums import ArtifactType, MetadataResourceType

if TYPE_CHECKING:
    from stackwise.store.records import ArtifactRecord, ArtifactVersionRecord
    from stackwise.store.sql.sql_store import SqlStore


class ArtifactVersionResponse:
    def __init__(self, record: ArtifactVersionRecord, store: SqlStore) -> None:
        self.record = record
        self._store = store

    def __repr__(self) -> str:
        return f"ArtifactVersionResponse(name={self.name!r}, version={self.version!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ArtifactVersionResponse) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    id = property(lambda self: self.record.id)
    name = property(lambda self: self.record.name)
    version = property(lambda self: self.record.version)
    uri = property(lambda self: self.record.uri)
    materializer = property(lambda self: self.record.materializer)
    data_type = property(lambda self: self.record.data_type)
    tags = property(lambda self: list(self.record.tags))
    content_hash = property(lambda self: self.record.content_hash)
    save_type = property(lambda self: self.record.save_type)
    producer_step_run_id = property(lambda self: self.record.producer_step_run_id)
    artifact_store_id = property(lambda self: self.record.artifact_store_id)

    @property
    def type(self) -> ArtifactType:
        return ArtifactType(self.record.artifact_type)

    @property
    def created(self) -> datetime:
        return self.record.created

    @cached_property
    def run_metadata(self) -> dict[str, Any]:
        return self._store.get_metadata(MetadataResourceType.ARTIFACT_VERSION, [self.id])[self.id]

    def load(self) -> Any:
        """The value, loaded from the artifact store it was written to."""
        from stackwise.materializers.artifact_io import load_data

        return load_data(self.record, self._store)

    def read(self) -> Any:
        return self.load()


class ArtifactVersionList(list):  # type: ignore[type-arg]
    """A step output: a list of versions (ZenML's shape) that acts as the version itself when it
    holds exactly one, so both `outputs["m"].load()` and `outputs["m"][0].load()` work."""

    def _single(self) -> ArtifactVersionResponse:
        if len(self) != 1:
            raise ValueError(f"This output holds {len(self)} artifact versions; index it, "
                             "e.g. outputs['name'][0].load().")
        return self[0]  # type: ignore[no-any-return]

    def load(self) -> Any:
        return self._single().load()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._single(), name)


class ArtifactResponse:
    def __init__(self, record: ArtifactRecord, store: SqlStore) -> None:
        self.record = record
        self._store = store

    id = property(lambda self: self.record.id)
    name = property(lambda self: self.record.name)
    tags = property(lambda self: list(self.record.tags))

    def __repr__(self) -> str:
        return f"ArtifactResponse(name={self.name!r})"

    @cached_property
    def versions(self) -> dict[str, ArtifactVersionResponse]:
        page = self._store.list_artifact_versions(name=self.name, size=10_000)
        ordered = sorted(page.items, key=lambda r: r.created)
        return {r.version: ArtifactVersionResponse(r, self._store) for r in ordered}

    @property
    def latest_version(self) -> ArtifactVersionResponse:
        return ArtifactVersionResponse(self._store.get_artifact_version(self.name), self._store)
