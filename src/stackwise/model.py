"""`stackwise.Model`: the Model Control Plane's handle on a model and one of its versions.

`Model(name=..., version=...)` on `@pipeline`, `@step`, `with_options` or in a run config
(`model:`) makes a run use a model version: `version=None` makes a new one per run ("1",
"2", ...), a name uses that version (made when missing; `{date}`, `{time}` and the run's
substitutions are filled in), and a number, `"latest"` or a stage (`ModelStages.PRODUCTION`,
`"staging"`, ...) picks an existing one. Every artifact the run's steps produce is linked to
it.

Outside a run, the same object reads and changes that version: `.number`, `.stage`,
`.run_metadata`, `get_artifact(...)`, `load_artifact(...)`, `set_stage(...)`,
`log_metadata(...)`. In a pipeline function, `get_artifact(...)` is resolved when the step
that takes it starts (the newest linked version of that time).

Only the store and the response models are used here (no Client), so the response models can
hand out `Model` objects (`ModelVersionResponse.to_model_class()`).
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, PrivateAttr, field_validator

from stackwise.enums import ModelStages
from stackwise.exceptions import ConfigError, EntityNotFoundError

if TYPE_CHECKING:
    from stackwise.models.artifact_version import ArtifactVersionResponse
    from stackwise.models.model_version import ModelResponse, ModelVersionResponse
    from stackwise.store.base import Store
    from stackwise.store.records import ModelVersionRecord

logger = logging.getLogger("stackwise")

STAGE_NAMES = ("staging", "production", "archived", "latest")
CARD_FIELDS = (
    "license",
    "description",
    "audience",
    "use_cases",
    "limitations",
    "trade_offs",
    "ethics",
)


class Model(BaseModel):
    """A model and the version a pipeline, a step or your code works with.

    ```python
    @pipeline(model=Model(name="churn", license="MIT", tags=["tabular"]))
    def training(): ...

    production = Model(name="churn", version=ModelStages.PRODUCTION)
    clf = production.load_artifact("clf")
    ```
    """

    model_config = ConfigDict(extra="forbid", protected_namespaces=(), defer_build=True)

    name: str
    license: str | None = None
    description: str | None = None
    audience: str | None = None
    use_cases: str | None = None
    limitations: str | None = None
    trade_offs: str | None = None
    ethics: str | None = None
    tags: list[str] | None = None
    version: ModelStages | int | str | None = None
    save_models_to_registry: bool = True
    model_version_id: UUID | None = None
    suppress_class_validation_warnings: bool = False

    _record: Any = PrivateAttr(default=None)
    _store: Any = PrivateAttr(default=None)

    @field_validator("name")
    @classmethod
    def _name_given(cls, value: str) -> str:
        if not str(value).strip():
            raise ValueError("a model needs a name (Model(name='churn'))")
        return value

    @field_validator("version", mode="before")
    @classmethod
    def _stage_names(cls, value: Any) -> Any:
        if isinstance(value, str) and value.lower() in STAGE_NAMES:
            return ModelStages(value.lower())
        return value

    # -- resolving the version ------------------------------------------------------------
    def _get_store(self) -> Store:
        if self._store is None:
            from stackwise.store import get_store

            self._store = get_store()
        return self._store  # type: ignore[no-any-return]

    def _version_record(self) -> ModelVersionRecord:
        """The version this object stands for, resolved once (a `version=None` model makes a
        new version on first use, as ZenML does)."""
        if self._record is None:
            record = resolve_model_version(self._get_store(), plain_data(self), create=True)
            self._record = record
            self.model_version_id = UUID(record.id)
            if isinstance(self.version, ModelStages):  # as ZenML: the stage's holder, by name
                self.version = record.name
        return self._record  # type: ignore[no-any-return]

    def _response(self) -> ModelVersionResponse:
        from stackwise.models.model_version import ModelVersionResponse

        store = self._get_store()
        return ModelVersionResponse.from_record(
            store.get_model_version(self._version_record().id), store
        )

    @property
    def id(self) -> UUID:
        """The model version's id."""
        return UUID(self._version_record().id)

    @property
    def model_id(self) -> UUID:
        return UUID(self._version_record().model_id)

    @property
    def number(self) -> int:
        return self._version_record().number

    @property
    def stage(self) -> ModelStages | None:
        stage = self._response().stage
        if stage is None:
            return None
        try:
            return ModelStages(stage)
        except ValueError:
            return None

    @property
    def run_metadata(self) -> dict[str, Any]:
        return self._response().run_metadata

    @property
    def model(self) -> ModelResponse:
        """stackwise only: the model's response (its model card, tags, versions)."""
        return self._response().model

    # -- artifacts ------------------------------------------------------------------------
    def _artifact(self, name: str, version: str | None, kind: str | None) -> Any:
        from stackwise.models.lazy import LazyModelArtifact, composing

        if composing():
            return LazyModelArtifact(model=plain_data(self), name=name, version=version, kind=kind)
        response = self._response()
        return response._find(name, None if version is None else str(version), kind)

    def get_artifact(self, name: str, version: str | None = None) -> ArtifactVersionResponse | None:
        """The version of artifact `name` linked to this model version (the newest linked one
        when `version` is None), or None. In a pipeline function: resolved when the step
        that takes it starts."""
        return self._artifact(name, version, None)  # type: ignore[no-any-return]

    def get_model_artifact(
        self, name: str, version: str | None = None
    ) -> ArtifactVersionResponse | None:
        return self._artifact(name, version, "model")  # type: ignore[no-any-return]

    def get_data_artifact(
        self, name: str, version: str | None = None
    ) -> ArtifactVersionResponse | None:
        return self._artifact(name, version, "data")  # type: ignore[no-any-return]

    def get_deployment_artifact(
        self, name: str, version: str | None = None
    ) -> ArtifactVersionResponse | None:
        return self._artifact(name, version, "deployment")  # type: ignore[no-any-return]

    def load_artifact(self, name: str, version: str | None = None) -> Any:
        """The value of the linked artifact `name`; KeyError when none is linked."""
        found = self._response()._find(name, None if version is None else str(version), None)
        if found is None:
            from stackwise.exceptions import ModelArtifactNotFoundError

            linked = sorted({v.name for v in self._response()._linked})
            raise ModelArtifactNotFoundError(
                f"Model '{self.name}' version '{self._version_record().name}' has no "
                f"artifact '{name}'{'' if version is None else f' version {version!r}'} "
                f"linked. Linked: {', '.join(linked) or 'none'}."
            )
        return found.load()

    def delete_artifact(
        self,
        name: str,
        version: str | None = None,
        only_link: bool = True,
        delete_metadata: bool = True,
        delete_from_artifact_store: bool = False,
    ) -> None:
        """Unlink artifact `name` (one version, or every linked version of it) from this model
        version; `only_link=False` deletes those artifact versions too."""
        response = self._response()
        targets = [
            v
            for v in response._linked
            if v.name == name and (version is None or v.version == str(version))
        ]
        if not targets:  # nothing linked under that name: nothing to do (as ZenML)
            logger.debug("Model %s has no artifact '%s' linked to delete.", self.name, name)
            return
        self._unlink(targets, only_link, delete_metadata, delete_from_artifact_store)

    def delete_all_artifacts(
        self, only_link: bool = True, delete_from_artifact_store: bool = False
    ) -> None:
        """Unlink every artifact from this model version (`only_link=False`: delete them)."""
        self._unlink(self._response()._linked, only_link, True, delete_from_artifact_store)

    def _unlink(
        self,
        targets: list[ArtifactVersionResponse],
        only_link: bool,
        delete_metadata: bool,
        delete_from_artifact_store: bool,
    ) -> None:
        store = self._get_store()
        ids = [str(v.id) for v in targets]
        if not only_link:
            from stackwise.exceptions import EntityInUseError

            used = [v for v in targets if store.step_runs_using(str(v.id))]
            if used:
                shown = ", ".join(f"{v.name}:{v.version}" for v in used)
                raise EntityInUseError(
                    f"Artifact version(s) {shown} are inputs or outputs of step runs; delete "
                    "those runs first, or unlink only (only_link=True)."
                )
        store.unlink_artifacts_from_model_version(self._version_record().id, ids)
        if only_link:
            return
        if not delete_metadata:
            raise ConfigError(
                "A deleted artifact version keeps no metadata in stackwise; "
                "delete_metadata=False is not supported."
            )
        for version in targets:
            if delete_from_artifact_store:
                from stackwise.artifact_stores.resolution import resolve_artifact_store

                artifact_store = resolve_artifact_store(version.record, store)
                if artifact_store.exists(version.uri):
                    if artifact_store.isdir(version.uri):
                        artifact_store.rmtree(version.uri)
                    else:
                        artifact_store.remove(version.uri)
            store.delete_artifact_version(str(version.id))

    # -- changing it ----------------------------------------------------------------------
    def set_stage(self, stage: ModelStages | str, force: bool = False) -> None:
        """Move this version into a stage (staging, production, archived, none); another
        version holding it is a ModelStageConflictError naming it, unless `force` archives
        it. The active stack's model registry, if any, follows."""
        from stackwise.model_registries.syncing import set_stage

        set_stage(self._get_store(), self._version_record().id, stage, force)

    def log_metadata(self, metadata: dict[str, Any]) -> None:
        """Log `metadata` on this model version (`.run_metadata` reads it back)."""
        from stackwise.enums import MetadataResourceType

        self._get_store().add_metadata(
            str(MetadataResourceType.MODEL_VERSION), self._version_record().id, metadata
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Model):
            return NotImplemented
        return plain_data(self) == plain_data(other)

    def __hash__(self) -> int:
        return hash((self.name, str(self.version)))


def plain_data(model: Model) -> dict[str, Any]:
    """A Model as the JSON data a run's configuration records."""
    data = model.model_dump(mode="json")
    version = model.version
    if isinstance(version, ModelStages):
        data["version"] = version.value
    return data


def _card(data: dict[str, Any]) -> dict[str, Any]:
    return {k: data.get(k) for k in CARD_FIELDS}


def _substituted(version: str, substitutions: dict[str, str] | None) -> str:
    """`{date}`, `{time}` and the run's substitutions filled into a version name."""
    if "{" not in version:
        return version
    now = datetime.now(timezone.utc)
    values = {"date": now.strftime("%Y_%m_%d"), "time": now.strftime("%H_%M_%S_%f")}
    values.update(substitutions or {})
    try:
        return version.format(**values)
    except (KeyError, IndexError, ValueError) as error:
        raise ConfigError(
            f"Model version name '{version}' uses a placeholder no substitution gives "
            f"({error}); available: {', '.join(sorted(values))}. Add substitutions={{...}} "
            "to the pipeline or step."
        ) from None


_CLI_FLAGS = {
    "license": "--license",
    "description": "--description",
    "audience": "--audience",
    "use_cases": "--use-cases",
    "limitations": "--limitations",
    "trade_offs": "--tradeoffs",
    "ethics": "--ethical",
}


def _warn_card_differs(model: Any, data: dict[str, Any]) -> None:
    """A model card field given on a Model for an existing model, different from the stored
    one, is not applied (the model card belongs to the model, as in ZenML): say so. A
    description also describes a new version, so it is never reported."""
    differing = [
        field
        for field in CARD_FIELDS
        if field != "description"
        and data.get(field) is not None
        and data.get(field) != getattr(model, field)
    ]
    if differing:
        shown = ", ".join(f"{f}={data[f]!r} (stored: {getattr(model, f)!r})" for f in differing)
        flags = " ".join(f"{_CLI_FLAGS[f]} ..." for f in differing)
        logger.warning(
            "Model '%s' exists: its model card is kept, not changed to %s. Change it with "
            "`stackwise model update %s %s`.",
            model.name,
            shown,
            model.name,
            flags,
        )


def resolve_model_version(
    store: Store,
    data: dict[str, Any],
    *,
    create: bool = True,
    substitutions: dict[str, str] | None = None,
) -> ModelVersionRecord:
    """The model version a Model's data names, the model created when missing:
    `model_version_id` -> that version; no version -> a new one (when `create`; else the
    newest); a stage or "latest" -> its holder; a number (int or digits) -> that number; a
    name -> that version, created when missing (when `create`). KeyError
    (EntityNotFoundError) when a number or stage has no version."""
    if data.get("model_version_id"):
        return store.get_model_version(str(data["model_version_id"]))
    name = str(data.get("name") or "")
    if not name:
        raise ConfigError(f"A model needs a name; got {data!r}.")
    try:
        model = store.get_model(name)
        _warn_card_differs(model, data)
    except EntityNotFoundError:
        if not create:
            raise
        from stackwise.exceptions import EntityExistsError

        try:
            model = store.create_model(
                name,
                save_models_to_registry=bool(data.get("save_models_to_registry", True)),
                **_card(data),
            )
            logger.info("Created model '%s'.", name)
        except EntityExistsError:  # made by a concurrent run meanwhile
            model = store.get_model(name)
    version = data.get("version")
    tags = list(data.get("tags") or [])
    if version is None:
        if not create:
            return store.find_model_version(model.id, None)
        record = store.create_model_version(
            model.id, description=data.get("description"), tags=tags
        )
        logger.info("Created version '%s' of model '%s'.", record.name, name)
        return record
    text = str(getattr(version, "value", version))
    if text.lower() in STAGE_NAMES or isinstance(version, int) or text.isdigit():
        return store.find_model_version(model.id, text.lower() if not text.isdigit() else text)
    label = _substituted(text, substitutions)
    try:
        return store.find_model_version(model.id, label)
    except EntityNotFoundError:
        if not create:
            raise
    from stackwise.exceptions import EntityExistsError

    try:
        record = store.create_model_version(
            model.id, name=label, description=data.get("description"), tags=tags
        )
    except EntityExistsError:  # made by a concurrent run meanwhile
        return store.find_model_version(model.id, label)
    logger.info("Created version '%s' of model '%s'.", record.name, name)
    return record


def model_from_record(record: ModelVersionRecord, data: dict[str, Any], store: Store) -> Model:
    """A Model pinned to a resolved version: what `get_step_context().model` returns (its
    `version` the version's name, as ZenML)."""
    fields = {k: v for k, v in data.items() if k in Model.model_fields}
    fields.update(version=record.name, model_version_id=UUID(record.id))
    model = Model(**fields)
    model._record = record
    model._store = store
    return model


__all__ = ["Model", "model_from_record", "plain_data", "resolve_model_version"]
