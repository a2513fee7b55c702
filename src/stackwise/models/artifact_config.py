"""Declarations users attach to outputs and inputs: `ArtifactConfig` (how an output is saved:
name, version, tags, metadata, artifact type) and `ExternalArtifact` (a value from outside the
pipeline, passed as a step input)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from stackwise.enums import ArtifactType
from stackwise.exceptions import ConfigError

if TYPE_CHECKING:
    from stackwise.artifact_stores.base_artifact_store import BaseArtifactStore
    from stackwise.materializers.base_materializer import BaseMaterializer
    from stackwise.store.records import NewArtifactVersion


def materializer_class(materializer: Any) -> type[BaseMaterializer] | None:
    """A materializer given as a class, a source text (`"pkg.module.Class"` as ZenML writes
    it, or `"pkg.module:Class"`) or a Source; None stays None."""
    if materializer is None or isinstance(materializer, type):
        return materializer
    import importlib

    text = str(getattr(materializer, "import_path", materializer))
    module, sep, name = text.partition(":")
    if not sep:
        module, _, name = text.rpartition(".")
    try:
        found = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError, ValueError) as error:
        raise ImportError(
            f"Cannot import the materializer '{text}': {error}. Give the class "
            "or its full path, e.g. 'my_package.materializers.MyMaterializer'."
        ) from None
    return found  # type: ignore[no-any-return]


class ArtifactConfig(BaseModel):
    """Name, version, tag, annotate or type an output:
    `-> Annotated[T, ArtifactConfig(name="model", tags=["prod"], run_metadata={"f1": 0.9},
    artifact_type=ArtifactType.MODEL)]`.

    Tags and metadata go on the saved artifact version (not the artifact), as in ZenML. Unknown
    keywords are refused rather than ignored.
    """

    model_config = ConfigDict(extra="forbid", defer_build=True)  # built on first use

    name: str | None = None
    version: str | int | None = None
    tags: list[str] | None = None
    run_metadata: dict[str, Any] | None = None
    artifact_type: ArtifactType | None = None

    @model_validator(mode="before")
    @classmethod
    def _older_type_flags(cls, data: Any) -> Any:
        """ZenML's older `is_model_artifact=True` / `is_deployment_artifact=True` mean
        `artifact_type=ArtifactType.MODEL` / `ArtifactType.SERVICE` (a model version files
        such outputs as model / deployment artifacts)."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        is_model = data.pop("is_model_artifact", None)
        is_deployment = data.pop("is_deployment_artifact", None)
        if is_model and is_deployment:
            raise ConfigError(
                "An artifact is a model artifact or a deployment artifact, not both: give "
                "one of is_model_artifact=True / is_deployment_artifact=True."
            )
        if is_model:
            data.setdefault("artifact_type", ArtifactType.MODEL)
        elif is_deployment:
            data.setdefault("artifact_type", ArtifactType.SERVICE)
        return data


class ExternalArtifactConfiguration(BaseModel):
    """What a step input made from an `ExternalArtifact` records: the version's id."""

    model_config = ConfigDict(extra="forbid", defer_build=True)  # built on first use

    id: UUID | None = None

    def get_artifact_version_id(self) -> UUID:
        """The artifact version's id; a RuntimeError before the value is uploaded."""
        if self.id is None:
            raise RuntimeError(
                "This ExternalArtifact has no artifact version yet: call upload_by_value() "
                "first (a pipeline uploads it when the run starts). To use an existing "
                "version, pass Client().get_artifact_version(name, version) as the input."
            )
        return self.id


class ExternalArtifact(ExternalArtifactConfiguration):
    """A value from outside the pipeline, passed as a step input: saved as an artifact version
    when the run starts (or by `upload_by_value()`), then loaded by the step like any other
    input.

    `name` (a stackwise addition; ZenML ignores it) names the artifact; without it the version
    is saved as `<pipeline>::external` in a run, or `external_<id>` by `upload_by_value()`.
    `store_artifact_metadata=False` / `store_artifact_visualizations=False` skip the
    materializer's metadata and visualizations.
    """

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    value: Any = None
    name: str | None = None
    materializer: Any = None  # a materializer class or its "module.Class" source; None: registry
    store_artifact_metadata: bool = True
    store_artifact_visualizations: bool = True

    @field_validator("materializer")
    @classmethod
    def _check_materializer(cls, value: Any) -> Any:
        if value is None or isinstance(value, (str, type)):
            return value
        source = getattr(value, "import_path", None)  # a Source
        if isinstance(source, str):
            return source
        raise ConfigError(
            f"materializer must be a materializer class or its source string, "
            f"not {type(value).__name__}."
        )

    def __hash__(self) -> int:  # compiled pipelines keep them in dicts and sets
        return id(self)

    def __eq__(self, other: object) -> bool:
        return self is other

    @property
    def config(self) -> ExternalArtifactConfiguration:
        """What a step input records for it (the version id, once uploaded)."""
        return ExternalArtifactConfiguration(id=self.id)

    def materializer_class(self) -> type[BaseMaterializer] | None:
        return materializer_class(self.materializer)

    def new_version(
        self, version_id: str, artifact_store: BaseArtifactStore, default_name: str
    ) -> NewArtifactVersion:
        """Save the value into `artifact_store` as version `version_id` (files only; the caller
        registers it)."""
        from stackwise.enums import ArtifactSaveType
        from stackwise.materializers.artifact_saving import artifact_uri, save_data

        name = self.name or default_name
        return save_data(
            self.value,
            version_id=version_id,
            name=name,
            uri=artifact_uri(artifact_store, name, version_id),
            artifact_store=artifact_store,
            save_type=str(ArtifactSaveType.EXTERNAL),
            materializer=self.materializer_class(),
            extract_metadata=self.store_artifact_metadata,
            include_visualizations=self.store_artifact_visualizations,
        )

    def upload_by_value(self, artifact_store: BaseArtifactStore | None = None) -> UUID:
        """Save the value as a new artifact version now; returns (and keeps) its id."""
        from stackwise.store import get_store
        from stackwise.utils.ids import new_id

        if self.id is not None:
            raise RuntimeError(f"This ExternalArtifact was uploaded already (version {self.id}).")
        store = get_store()
        if artifact_store is None:
            from stackwise.stack.active_stack import active_stack

            artifact_store = active_stack(store).artifact_store
        version_id = new_id()
        new = self.new_version(version_id, artifact_store, f"external_{version_id}")
        try:
            store.create_artifact_version(new)
        except Exception:
            artifact_store.rmtree(new.uri)  # never leave files no version points at
            raise
        self.id = UUID(version_id)
        return self.id


__all__ = [
    "ArtifactConfig",
    "ExternalArtifact",
    "ExternalArtifactConfiguration",
    "materializer_class",
]
