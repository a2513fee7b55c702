"""Artifact versions: a saved value with its materializer, type, lineage and visualizations,
`.load()`-able from the artifact store it was written to; and ZenML's list shape for a step's
outputs (`outputs["x"][0].load()`) that also answers `outputs["x"].load()` directly."""

from __future__ import annotations

import os
from functools import cached_property
from typing import TYPE_CHECKING, Any
from uuid import UUID

from stackwise.config.source import Source
from stackwise.enums import ArtifactType, MetadataResourceType
from stackwise.exceptions import ConfigError
from stackwise.models.base import BaseResponse
from stackwise.models.views import ArtifactVisualizationResponse, LoadedVisualization

if TYPE_CHECKING:
    from typing_extensions import Self

    from stackwise.models.artifact import ArtifactResponse
    from stackwise.models.pipeline_run import PipelineRunResponse
    from stackwise.models.step_run import StepRunResponse
    from stackwise.models.tag import TagResponse
    from stackwise.store.base import Store
    from stackwise.store.records import ArtifactVersionRecord


class ArtifactVersionResponse(BaseResponse):
    name: str
    version: str
    artifact_id: UUID
    uri: str
    type: ArtifactType
    materializer: Source | None
    data_type: Source | None
    content_hash: str | None = None
    artifact_store_id: UUID | None = None
    save_type: str
    producer_step_run_id: UUID | None = None
    item_count: int | None = None
    # stackwise only: {"reason", "found"} once its files were found broken (no cache hit
    # uses it then); the recorded checksum is `.checksum`
    corrupted: dict[str, Any] | None = None

    @classmethod
    def from_record(cls, record: ArtifactVersionRecord, store: Store | None) -> Self:
        response = cls.make(
            store,
            id=record.id,
            name=record.name,
            version=record.version,
            artifact_id=UUID(record.artifact_id),
            uri=record.uri,
            type=ArtifactType(record.artifact_type),
            materializer=Source.from_stored(record.materializer),
            data_type=Source.from_stored(record.data_type),
            content_hash=record.content_hash,
            artifact_store_id=UUID(record.artifact_store_id) if record.artifact_store_id else None,
            save_type=record.save_type,
            producer_step_run_id=UUID(record.producer_step_run_id)
            if record.producer_step_run_id
            else None,
            item_count=record.item_count,
            corrupted=record.corrupted,
            created=record.created,
        )
        response.__dict__["record"] = record
        return response

    @property
    def record(self) -> ArtifactVersionRecord:
        """The stored record (materializer and type as recorded, the format versions)."""
        cached = self.__dict__.get("record")
        if cached is None:
            cached = self.store.get_artifact_version(str(self.id))
            self.__dict__["record"] = cached
        return cached

    @property
    def checksum(self) -> dict[str, Any] | None:
        """stackwise only: the files as saved, `{"files": {path: {"size", "crc32",
        "sample"}}}` (see stackwise.materializers.integrity); None when none was recorded."""
        return self.record.checksum

    @cached_property
    def artifact(self) -> ArtifactResponse:
        from stackwise.models.artifact import ArtifactResponse

        return ArtifactResponse.from_record(
            self.store.get_artifact(str(self.artifact_id)), self._store
        )

    @cached_property
    def tags(self) -> list[TagResponse]:
        from stackwise.models.tag import TagResponse

        records = self.store.tags_of("artifact_version", [str(self.id)])[str(self.id)]
        return [TagResponse.from_record(r, self._store) for r in records]

    @cached_property
    def run_metadata(self) -> dict[str, Any]:
        key = str(self.id)
        return self.store.get_metadata(MetadataResourceType.ARTIFACT_VERSION, [key])[key]

    @cached_property
    def step(self) -> StepRunResponse:
        """The step run that produced this version (ValueError for a manual save)."""
        from stackwise.models.step_run import StepRunResponse

        if self.producer_step_run_id is None:
            raise ConfigError(
                f"Artifact version {self.name}:{self.version} was not produced by "
                "a step (it was saved or registered by hand)."
            )
        return StepRunResponse.from_record(
            self.store.get_step_run(str(self.producer_step_run_id)), self._store
        )

    @property
    def producer_pipeline_run_id(self) -> UUID | None:
        if self.producer_step_run_id is None:
            return None
        return self.step.pipeline_run_id

    @property
    def run(self) -> PipelineRunResponse:
        """The pipeline run whose step produced this version."""
        from stackwise.models.pipeline_run import PipelineRunResponse

        return PipelineRunResponse.from_record(
            self.store.get_run(str(self.step.pipeline_run_id)), self._store
        )

    @property
    def visualizations(self) -> list[ArtifactVisualizationResponse]:
        return [
            ArtifactVisualizationResponse(
                type=str(v.get("type")), uri=str(v.get("uri")), artifact_version_id=str(self.id)
            )
            for v in self.record.visualizations
        ]

    def load(self, disable_cache: bool = False) -> Any:
        """The value, loaded from the artifact store it was written to (every call reads it
        anew: stackwise keeps no in-process cache of loaded values to disable)."""
        from stackwise.materializers.artifact_loading import load_data

        return load_data(self.record, self.store)

    read = load

    def load_visualizations(self) -> list[LoadedVisualization]:
        """Each visualization's content, read through the artifact store that holds it."""
        from stackwise.artifact_stores.resolution import resolve_artifact_store

        store = resolve_artifact_store(self.record, self.store)
        loaded = []
        for item in self.visualizations:
            mode = "rb" if item.type == "image" else "r"
            with store.open(item.uri, mode) as handle:
                loaded.append(LoadedVisualization(type=item.type, value=handle.read()))
        return loaded

    def visualize(self, title: str | None = None) -> None:
        """Print where each visualization is (a notebook shows them through IPython)."""
        loaded = self.load_visualizations()
        if not loaded:
            print(f"Artifact version {self.name}:{self.version} has no visualizations.")
            return
        try:
            from IPython.display import HTML, Image, Markdown, display  # type: ignore
        except ImportError:
            for item, vis in zip(self.visualizations, loaded, strict=True):
                print(f"{title or self.name} [{vis.type}] {item.uri}")
            return
        for vis in loaded:
            kind = {"html": HTML, "markdown": Markdown, "image": Image}.get(vis.type)
            display(kind(data=vis.value) if kind else vis.value)

    def download_files(self, path: str, overwrite: bool = False) -> None:
        """Download the version's stored files as a zip archive at `path`."""
        import zipfile

        from stackwise.artifact_stores.resolution import resolve_artifact_store

        if not path.endswith(".zip"):
            raise ConfigError(
                f"download_files writes a zip archive: give a path ending in .zip, not '{path}'."
            )
        if os.path.exists(path) and not overwrite:
            raise FileExistsError(f"{path} exists; pass overwrite=True to replace it.")
        store = resolve_artifact_store(self.record, self.store)
        root = self.uri.rstrip("/")
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for file_uri in _walk_files(store, root):
                relative = file_uri[len(root) :].lstrip("/")
                with store.open(file_uri, "rb") as handle:
                    archive.writestr(relative, handle.read())


def _walk_files(store: Any, root: str) -> list[str]:
    if not store.isdir(root):
        return [root]
    found: list[str] = []
    for entry in store.listdir(root):
        found += _walk_files(store, store.join(root, entry.rstrip("/").rsplit("/", 1)[-1]))
    return found


class ArtifactVersionList(list):  # type: ignore[type-arg]
    """A step's inputs or outputs of one name: a list of versions (ZenML's shape) that acts as
    the version itself when it holds exactly one, so both `outputs["m"].load()` and
    `outputs["m"][0].load()` work."""

    def _single(self) -> ArtifactVersionResponse:
        if len(self) != 1:
            raise ConfigError(
                f"This output holds {len(self)} artifact versions; index it, "
                "e.g. outputs['name'][0].load()."
            )
        return self[0]  # type: ignore[no-any-return]

    def load(self) -> Any:
        return self._single().load()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._single(), name)


class StepRunInputResponse(ArtifactVersionResponse):
    """An artifact version as a step's input: how it got there (`input_type`) and where in the
    list of that input name it stands (`index`)."""

    input_type: str = "step_output"
    index: int = 0


__all__ = ["ArtifactVersionList", "ArtifactVersionResponse", "StepRunInputResponse"]
