"""Client methods for the Model Control Plane: models, model versions (with stages), and the
links from a version to artifact versions and pipeline runs, with ZenML's names, parameters
and return shapes."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from stackwise.client.base import (
    ClientBase,
    NoMatch,
    check_owner,
    check_project,
    empty_page,
    given,
    metadata_ids,
    to_page,
)
from stackwise.models.base import Page
from stackwise.models.model_version import (
    ModelResponse,
    ModelVersionArtifactResponse,
    ModelVersionPipelineRunResponse,
    ModelVersionResponse,
)
from stackwise.store.records import ModelRecord, ModelVersionRecord


def _tag_names(tags: Any) -> list[str] | None:
    if tags is None:
        return None
    if isinstance(tags, str):
        return [tags]
    return [str(getattr(t, "name", t)) for t in tags]


def _id(value: Any) -> str:
    return str(getattr(value, "id", value))


class ModelsMixin(ClientBase):
    # -- models --------------------------------------------------------------------------
    def _model_record(self, model_name_or_id: Any) -> ModelRecord:
        return self.store.get_model(_id(model_name_or_id))

    def create_model(
        self,
        name: str,
        license: str | None = None,
        description: str | None = None,
        audience: str | None = None,
        use_cases: str | None = None,
        limitations: str | None = None,
        trade_offs: str | None = None,
        ethics: str | None = None,
        tags: list[str] | None = None,
        save_models_to_registry: bool = True,
    ) -> ModelResponse:
        """A new model; EntityExistsError when the name is taken."""
        record = self.store.create_model(
            name,
            license=license,
            description=description,
            audience=audience,
            use_cases=use_cases,
            limitations=limitations,
            trade_offs=trade_offs,
            ethics=ethics,
            save_models_to_registry=save_models_to_registry,
            tags=list(tags or []),
        )
        return ModelResponse.from_record(record, self.store)

    def get_model(
        self,
        model_name_or_id: str | UUID,
        project: str | UUID | None = None,
        hydrate: bool = True,
        bypass_lazy_loader: bool = False,
    ) -> ModelResponse:
        """A model by name, id or unique id prefix; KeyError when none matches."""
        check_project(project)
        return ModelResponse.from_record(self._model_record(model_name_or_id), self.store)

    def list_models(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 20,
        logical_operator: str = "and",
        created: Any = None,
        updated: Any = None,
        name: Any = None,
        id: Any = None,
        user: Any = None,
        project: Any = None,
        hydrate: bool = False,
        tags: Any = None,
    ) -> Page[ModelResponse]:
        try:
            check_owner(user, project)
        except NoMatch:
            return empty_page(page, size)
        records = self.store.list_models(
            filters=given(created=created, updated=updated, name=name, id=id),
            sort_by=sort_by,
            logical_operator=str(getattr(logical_operator, "value", logical_operator)),
            index=page,
            size=size,
            tags=_tag_names(tags),
        )
        return to_page(records, lambda r: ModelResponse.from_record(r, self.store))

    def update_model(
        self,
        model_name_or_id: str | UUID,
        name: str | None = None,
        license: str | None = None,
        description: str | None = None,
        audience: str | None = None,
        use_cases: str | None = None,
        limitations: str | None = None,
        trade_offs: str | None = None,
        ethics: str | None = None,
        add_tags: list[str] | None = None,
        remove_tags: list[str] | None = None,
        save_models_to_registry: bool | None = None,
        project: str | UUID | None = None,
    ) -> ModelResponse:
        check_project(project)
        record = self._model_record(model_name_or_id)
        self.store.update_model(
            record.id,
            name=name,
            license=license,
            description=description,
            audience=audience,
            use_cases=use_cases,
            limitations=limitations,
            trade_offs=trade_offs,
            ethics=ethics,
            save_models_to_registry=save_models_to_registry,
        )
        if add_tags:
            self.store.attach_tags("model", [record.id], add_tags)
        if remove_tags:
            self.store.detach_tags("model", [record.id], remove_tags)
        return self.get_model(record.id)

    def delete_model(self, model_name_or_id: str | UUID, project: str | UUID | None = None) -> None:
        """Delete a model with its versions (their artifact versions and runs stay)."""
        check_project(project)
        self.store.delete_model(self._model_record(model_name_or_id).id)

    # -- versions ------------------------------------------------------------------------
    def _version(self, record: ModelVersionRecord) -> ModelVersionResponse:
        return ModelVersionResponse.from_record(record, self.store)

    def create_model_version(
        self,
        model_name_or_id: str | UUID,
        name: str | None = None,
        description: str | None = None,
        tags: list[str] | None = None,
        project: str | UUID | None = None,
    ) -> ModelVersionResponse:
        """The model's next version ("1", "2", ...; named `name` when given)."""
        check_project(project)
        model = self._model_record(model_name_or_id)
        return self._version(
            self.store.create_model_version(
                model.id, name=name, description=description, tags=list(tags or [])
            )
        )

    def _version_record(self, model_name_or_id: Any, version: Any) -> ModelVersionRecord:
        if model_name_or_id is None:
            if version is None:
                from stackwise.exceptions import ConfigError

                raise ConfigError(
                    "Name the model version: give the model (model_name_or_id) and a "
                    "version, or the version's id."
                )
            return self.store.get_model_version(_id(version))
        model = self._model_record(model_name_or_id)
        if isinstance(version, UUID):
            version = str(version)
        return self.store.find_model_version(model.id, getattr(version, "id", version))

    def get_model_version(
        self,
        model_name_or_id: str | UUID | None = None,
        model_version_name_or_number_or_id: Any = None,
        project: str | UUID | None = None,
        hydrate: bool = True,
    ) -> ModelVersionResponse:
        """A version of a model by name, number, id, stage (`ModelStages.PRODUCTION`) or
        `latest`; the newest when no version is given. KeyError when there is none."""
        check_project(project)
        return self._version(
            self._version_record(model_name_or_id, model_version_name_or_number_or_id)
        )

    def list_model_versions(
        self,
        model: Any = None,
        model_name_or_id: Any = None,
        sort_by: str = "number",
        page: int = 1,
        size: int = 20,
        logical_operator: str = "and",
        created: Any = None,
        updated: Any = None,
        name: Any = None,
        id: Any = None,
        number: Any = None,
        stage: Any = None,
        run_metadata: dict[str, Any] | None = None,
        user: Any = None,
        hydrate: bool = False,
        tags: Any = None,
        project: Any = None,
    ) -> Page[ModelVersionResponse]:
        """Versions (of one model, or of all), by number by default."""
        try:
            check_owner(user, project)
            filters = given(
                created=created,
                updated=updated,
                name=name,
                id=id,
                number=number,
                stage=stage,
            )
            chosen = model if model is not None else model_name_or_id
            if chosen is not None:
                filters["model_id"] = self._model_record(chosen).id
            if run_metadata:
                filters["id"] = "oneof:" + repr(
                    metadata_ids(self.store, "model_version", run_metadata)
                )
        except NoMatch:
            return empty_page(page, size)
        records = self.store.list_model_versions(
            filters=filters,
            sort_by=sort_by,
            logical_operator=str(getattr(logical_operator, "value", logical_operator)),
            index=page,
            size=size,
            tags=_tag_names(tags),
        )
        return to_page(records, self._version)

    def update_model_version(
        self,
        model_name_or_id: str | UUID,
        version_name_or_id: Any,
        stage: Any = None,
        force: bool = False,
        name: str | None = None,
        description: str | None = None,
        add_tags: list[str] | None = None,
        remove_tags: list[str] | None = None,
        project: str | UUID | None = None,
    ) -> ModelVersionResponse:
        """Rename, describe, tag, or move into a stage (`force=True` archives the version
        holding it)."""
        check_project(project)
        record = self._version_record(model_name_or_id, version_name_or_id)
        if name is not None or description is not None:
            self.store.update_model_version(record.id, name=name, description=description)
        if stage is not None:  # the active stack's model registry follows
            from stackwise.model_registries.syncing import set_stage

            set_stage(self.store, record.id, stage, force)
        if add_tags:
            self.store.attach_tags("model_version", [record.id], add_tags)
        if remove_tags:
            self.store.detach_tags("model_version", [record.id], remove_tags)
        return self._version(self.store.get_model_version(record.id))

    def delete_model_version(self, model_version_id: str | UUID) -> None:
        """Delete a version with its links (its artifact versions and runs stay)."""
        self.store.delete_model_version(self.store.get_model_version(_id(model_version_id)).id)

    # -- links ---------------------------------------------------------------------------
    def list_model_version_artifact_links(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 20,
        logical_operator: str = "and",
        created: Any = None,
        updated: Any = None,
        model_version_id: Any = None,
        artifact_version_id: Any = None,
        artifact_name: Any = None,
        only_data_artifacts: bool | None = None,
        only_model_artifacts: bool | None = None,
        only_deployment_artifacts: bool | None = None,
        has_custom_name: bool | None = None,
        user: Any = None,
        hydrate: bool = False,
    ) -> Page[ModelVersionArtifactResponse]:
        """Links from model versions to artifact versions; `only_*_artifacts` keep one kind
        (model artifacts are `ModelArtifact`s, deployment artifacts `ServiceArtifact`s)."""
        try:
            check_owner(user)
        except NoMatch:
            return empty_page(page, size)
        filters = given(
            created=created,
            updated=updated,
            model_version_id=model_version_id,
            artifact_version_id=artifact_version_id,
            artifact_name=artifact_name,
            has_custom_name=has_custom_name,
        )
        if only_model_artifacts:
            filters["artifact_type"] = "ModelArtifact"
        elif only_deployment_artifacts:
            filters["artifact_type"] = "ServiceArtifact"
        elif only_data_artifacts:
            filters["artifact_type"] = "notoneof:['ModelArtifact', 'ServiceArtifact']"
        records = self.store.list_model_version_artifact_links(
            filters=filters,
            sort_by=sort_by,
            logical_operator=str(getattr(logical_operator, "value", logical_operator)),
            index=page,
            size=size,
        )
        return to_page(records, lambda r: ModelVersionArtifactResponse.from_record(r, self.store))

    def list_model_version_pipeline_run_links(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 20,
        logical_operator: str = "and",
        created: Any = None,
        updated: Any = None,
        model_version_id: Any = None,
        pipeline_run_id: Any = None,
        pipeline_run_name: Any = None,
        user: Any = None,
        hydrate: bool = False,
    ) -> Page[ModelVersionPipelineRunResponse]:
        try:
            check_owner(user)
        except NoMatch:
            return empty_page(page, size)
        records = self.store.list_model_version_run_links(
            filters=given(
                created=created,
                updated=updated,
                model_version_id=model_version_id,
                pipeline_run_id=pipeline_run_id,
                pipeline_run_name=pipeline_run_name,
            ),
            sort_by=sort_by,
            logical_operator=str(getattr(logical_operator, "value", logical_operator)),
            index=page,
            size=size,
        )
        return to_page(
            records, lambda r: ModelVersionPipelineRunResponse.from_record(r, self.store)
        )

    def delete_model_version_artifact_link(
        self, model_version_id: str | UUID, artifact_version_id: str | UUID
    ) -> None:
        """Unlink one artifact version from a model version (both stay)."""
        version = self.store.get_model_version(_id(model_version_id))
        self.store.unlink_artifacts_from_model_version(version.id, [_id(artifact_version_id)])

    def delete_all_model_version_artifact_links(
        self, model_version_id: str | UUID, only_links: bool
    ) -> None:
        """Unlink every artifact from a model version; `only_links=False` deletes the artifact
        versions too (refused for those step runs read or wrote)."""
        version = self.store.get_model_version(_id(model_version_id))
        if only_links:
            self.store.unlink_artifacts_from_model_version(version.id)
            return
        from stackwise.model import model_from_record

        model_from_record(version, {"name": version.model_name}, self.store).delete_all_artifacts(
            only_link=False
        )


__all__ = ["ModelsMixin"]
