"""The Model Control Plane's responses: a model (its model card and versions), a model version
(its stage, metadata, and the artifact versions and runs linked to it), and the links
themselves, with ZenML's names and shapes.

A version's artifacts are read in two queries (the links, then the versions they point at) on
first use and kept; the artifact kinds follow the artifact type: `ModelArtifact` versions are
model artifacts, `ServiceArtifact` versions deployment artifacts, every other one data.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any
from uuid import UUID

from stackwise.enums import ArtifactType, MetadataResourceType
from stackwise.models.artifact_version import ArtifactVersionResponse
from stackwise.models.base import BaseResponse

if TYPE_CHECKING:
    from stackwise.model import Model
    from stackwise.models.pipeline_run import PipelineRunResponse
    from stackwise.models.tag import TagResponse
    from stackwise.store.base import Store
    from stackwise.store.records import ModelRecord, ModelVersionLinkRecord, ModelVersionRecord

_ALL = 1_000_000
MODEL_KINDS = {ArtifactType.MODEL.value: "model", ArtifactType.SERVICE.value: "deployment"}


def artifact_kind(artifact_type: Any) -> str:
    """`model`, `deployment` or `data`: how a model version files an artifact version."""
    return MODEL_KINDS.get(str(getattr(artifact_type, "value", artifact_type)), "data")


def _tags(store: Store, resource_type: str, resource_id: Any) -> list[TagResponse]:
    from stackwise.models.tag import TagResponse

    key = str(resource_id)
    return [TagResponse.from_record(r, store) for r in store.tags_of(resource_type, [key])[key]]


class ModelResponse(BaseResponse):
    """A model: its name, model card and versions."""

    name: str
    license: str | None = None
    description: str | None = None
    audience: str | None = None
    use_cases: str | None = None
    limitations: str | None = None
    trade_offs: str | None = None
    ethics: str | None = None
    save_models_to_registry: bool = True
    latest_version_id: UUID | None = None
    latest_version_name: str | None = None

    @classmethod
    def from_record(cls, record: ModelRecord, store: Store | None) -> ModelResponse:
        return cls.make(
            store,
            id=record.id,
            name=record.name,
            license=record.license,
            description=record.description,
            audience=record.audience,
            use_cases=record.use_cases,
            limitations=record.limitations,
            trade_offs=record.trade_offs,
            ethics=record.ethics,
            save_models_to_registry=record.save_models_to_registry,
            latest_version_id=UUID(record.latest_version_id) if record.latest_version_id else None,
            latest_version_name=record.latest_version_name,
            created=record.created,
            updated=record.updated,
        )

    @cached_property
    def tags(self) -> list[TagResponse]:
        return _tags(self.store, "model", self.id)

    @property
    def versions(self) -> list[Model]:
        """Every version as a `Model` pinned to it, oldest first."""
        page = self.store.list_model_versions(
            filters={"model_id": str(self.id)}, sort_by="asc:number", size=_ALL
        )
        versions = []
        for record in page.items:
            version = ModelVersionResponse.from_record(record, self._store)
            version.__dict__["model"] = self  # no read of the model per version
            versions.append(version.to_model_class())
        return versions

    @property
    def visualizations(self) -> list[Any]:
        """Curated visualizations are a server feature stackwise does not have: none."""
        return []


class ModelVersionResponse(BaseResponse):
    """One version of a model: "1", "2", ... (or a given name), its stage, and what is linked
    to it."""

    name: str | None = None
    number: int
    description: str | None = None
    stage: str | None = None
    model_id: UUID

    @classmethod
    def from_record(cls, record: ModelVersionRecord, store: Store | None) -> ModelVersionResponse:
        response = cls.make(
            store,
            id=record.id,
            name=record.name,
            number=record.number,
            description=record.description,
            stage=record.stage,
            model_id=UUID(record.model_id),
            created=record.created,
            updated=record.updated,
        )
        response.__dict__["model_name"] = record.model_name
        return response

    def __repr__(self) -> str:
        model = self.__dict__.get("model_name", str(self.model_id))
        return f"ModelVersionResponse(model={model!r}, name={self.name!r}, number={self.number})"

    __str__ = __repr__

    # -- relations -----------------------------------------------------------------------
    @cached_property
    def model(self) -> ModelResponse:
        return ModelResponse.from_record(self.store.get_model(str(self.model_id)), self._store)

    @cached_property
    def tags(self) -> list[TagResponse]:
        return _tags(self.store, "model_version", self.id)

    @cached_property
    def run_metadata(self) -> dict[str, Any]:
        key = str(self.id)
        return self.store.get_metadata(MetadataResourceType.MODEL_VERSION, [key])[key]

    @cached_property
    def _linked(self) -> list[ArtifactVersionResponse]:
        """The linked artifact versions, oldest first."""
        links = self.store.list_model_version_artifact_links(
            filters={"model_version_id": str(self.id)}, sort_by="asc:created", size=_ALL
        )
        records = self.store.get_artifact_versions(link.target_id for link in links.items)
        versions = [
            ArtifactVersionResponse.from_record(records[link.target_id], self._store)
            for link in links.items
            if link.target_id in records
        ]
        return sorted(versions, key=lambda v: (v.created or 0, v.version))

    def _ids(self, kind: str) -> dict[str, dict[str, UUID]]:
        found: dict[str, dict[str, UUID]] = {}
        for version in self._linked:
            if artifact_kind(version.type) == kind:
                found.setdefault(version.name, {})[version.version] = version.id
        return found

    def _versions(self, kind: str) -> dict[str, dict[str, ArtifactVersionResponse]]:
        found: dict[str, dict[str, ArtifactVersionResponse]] = {}
        for version in self._linked:
            if artifact_kind(version.type) == kind:
                found.setdefault(version.name, {})[version.version] = version
        return found

    @property
    def data_artifact_ids(self) -> dict[str, dict[str, UUID]]:
        """Artifact name -> version -> id of the linked data artifacts."""
        return self._ids("data")

    @property
    def model_artifact_ids(self) -> dict[str, dict[str, UUID]]:
        return self._ids("model")

    @property
    def deployment_artifact_ids(self) -> dict[str, dict[str, UUID]]:
        return self._ids("deployment")

    @property
    def data_artifacts(self) -> dict[str, dict[str, ArtifactVersionResponse]]:
        return self._versions("data")

    @property
    def model_artifacts(self) -> dict[str, dict[str, ArtifactVersionResponse]]:
        return self._versions("model")

    @property
    def deployment_artifacts(self) -> dict[str, dict[str, ArtifactVersionResponse]]:
        return self._versions("deployment")

    @cached_property
    def _run_links(self) -> list[ModelVersionLinkRecord]:
        return self.store.list_model_version_run_links(
            filters={"model_version_id": str(self.id)}, sort_by="asc:created", size=_ALL
        ).items

    @property
    def pipeline_run_ids(self) -> dict[str, UUID]:
        """Run name -> id of the runs that used this version."""
        return {run.name: run.id for run in self.pipeline_runs.values()}

    @property
    def pipeline_runs(self) -> dict[str, PipelineRunResponse]:
        from stackwise.models.pipeline_run import PipelineRunResponse

        ids = [link.target_id for link in self._run_links]
        if not ids:
            return {}
        records = self.store.list_runs(  # one query, whatever the number of runs
            filters={"id": "oneof:" + repr(ids)}, sort_by="asc:created", size=len(ids)
        )
        runs = {}
        for record in records.items:
            run = PipelineRunResponse.from_record(record, self._store)
            runs[run.name] = run
        return runs

    # -- finding linked artifacts ---------------------------------------------------------
    def _find(self, name: str, version: str | None, kind: str | None) -> Any:
        matches = [
            v
            for v in self._linked
            if v.name == name
            and (version is None or v.version == str(version))
            and (kind is None or artifact_kind(v.type) == kind)
        ]
        return matches[-1] if matches else None

    def get_artifact(self, name: str, version: str | None = None) -> ArtifactVersionResponse | None:
        """The linked version of artifact `name` (the newest linked one when `version` is
        None), or None."""
        return self._find(name, version, None)  # type: ignore[no-any-return]

    def get_model_artifact(
        self, name: str, version: str | None = None
    ) -> ArtifactVersionResponse | None:
        return self._find(name, version, "model")  # type: ignore[no-any-return]

    def get_data_artifact(
        self, name: str, version: str | None = None
    ) -> ArtifactVersionResponse | None:
        return self._find(name, version, "data")  # type: ignore[no-any-return]

    def get_deployment_artifact(
        self, name: str, version: str | None = None
    ) -> ArtifactVersionResponse | None:
        return self._find(name, version, "deployment")  # type: ignore[no-any-return]

    # -- changing it ---------------------------------------------------------------------
    def set_stage(self, stage: Any, force: bool = False) -> None:
        """Move this version into `stage` (staging, production, archived, none). Another
        version holding it makes this a ModelStageConflictError naming it, unless `force`
        archives that one. The active stack's model registry, if any, follows."""
        from stackwise.model_registries.syncing import set_stage

        record = set_stage(self.store, str(self.id), stage, force)
        self.stage = record.stage

    def to_model_class(self, suppress_class_validation_warnings: bool = True) -> Model:
        """A `stackwise.Model` pinned to this version (its model card from the model)."""
        from stackwise.model import Model

        model = self.model
        return Model(
            name=model.name,
            license=model.license,
            description=self.description if self.description is not None else model.description,
            audience=model.audience,
            use_cases=model.use_cases,
            limitations=model.limitations,
            trade_offs=model.trade_offs,
            ethics=model.ethics,
            tags=[t.name for t in self.tags],
            version=self.name,
            save_models_to_registry=model.save_models_to_registry,
            model_version_id=self.id,
            suppress_class_validation_warnings=suppress_class_validation_warnings,
        )


class ModelVersionArtifactResponse(BaseResponse):
    """A link from a model version to an artifact version."""

    model_version: UUID
    artifact_version_id: UUID

    @classmethod
    def from_record(
        cls, record: ModelVersionLinkRecord, store: Store | None
    ) -> ModelVersionArtifactResponse:
        return cls.make(
            store,
            id=record.id,
            model_version=UUID(record.model_version_id),
            artifact_version_id=UUID(record.target_id),
            created=record.created,
        )

    @cached_property
    def artifact_version(self) -> ArtifactVersionResponse:
        return ArtifactVersionResponse.from_record(
            self.store.get_artifact_version(str(self.artifact_version_id)), self._store
        )


class ModelVersionPipelineRunResponse(BaseResponse):
    """A link from a model version to a pipeline run that used it."""

    model_version: UUID
    pipeline_run_id: UUID

    @classmethod
    def from_record(
        cls, record: ModelVersionLinkRecord, store: Store | None
    ) -> ModelVersionPipelineRunResponse:
        return cls.make(
            store,
            id=record.id,
            model_version=UUID(record.model_version_id),
            pipeline_run_id=UUID(record.target_id),
            created=record.created,
        )

    @cached_property
    def pipeline_run(self) -> PipelineRunResponse:
        from stackwise.models.pipeline_run import PipelineRunResponse

        return PipelineRunResponse.from_record(
            self.store.get_run(str(self.pipeline_run_id)), self._store
        )


__all__ = [
    "ModelResponse",
    "ModelVersionArtifactResponse",
    "ModelVersionPipelineRunResponse",
    "ModelVersionResponse",
    "artifact_kind",
]
