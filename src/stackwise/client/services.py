"""Client methods for model deployments (ZenML's services): list, get, delete. The objects are
the model deployers' service objects (`prediction_url`, `is_running`, `status`, `predict`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from stackwise.client.base import ClientBase, NoMatch, check_owner, empty_page, given, to_page
from stackwise.exceptions import EntityNotFoundError, ZenKeyError, did_you_mean
from stackwise.models.base import Page

if TYPE_CHECKING:
    from stackwise.model_deployers.service import ModelDeploymentService
    from stackwise.store.records import ServiceRecord


class ServicesMixin(ClientBase):
    def list_services(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 20,
        logical_operator: str = "and",
        id: Any = None,
        created: Any = None,
        updated: Any = None,
        type: Any = None,
        flavor: Any = None,
        user: Any = None,
        project: Any = None,
        hydrate: bool = False,
        running: bool | None = None,
        service_name: Any = None,
        pipeline_name: Any = None,
        pipeline_run_id: Any = None,
        pipeline_step_name: Any = None,
        model_version_id: Any = None,
        config: Any = None,
    ) -> Page[ModelDeploymentService]:
        """Model deployments, oldest first by default; `running=True` keeps those whose
        server answers (looked at per deployment), `False` those that do not."""
        from stackwise.model_deployers.base_model_deployer import service_of

        try:
            check_owner(user, project)
        except NoMatch:
            return empty_page(page, size)
        if type is not None and str(getattr(type, "type", type)) != "model-serving":
            return empty_page(page, size)
        filters = given(
            id=id,
            created=created,
            updated=updated,
            flavor=getattr(flavor, "value", flavor),
            name=service_name,
            pipeline_name=pipeline_name,
            pipeline_run_id=pipeline_run_id,
            pipeline_step_name=pipeline_step_name,
            model_version_id=model_version_id,
        )
        if running is None:
            records = self.store.list_services(
                filters=filters,
                sort_by=sort_by,
                logical_operator=str(logical_operator),
                index=page,
                size=size,
            )
            return to_page(records, lambda r: service_of(r, self.store))
        everything = self.store.list_services(
            filters=filters, sort_by=sort_by, logical_operator=str(logical_operator), size=10_000
        )
        kept = [
            s for s in (service_of(r, self.store) for r in everything) if s.is_running is running
        ]
        chunk = kept[(page - 1) * size : page * size]
        return Page.of(chunk, total=len(kept), index=page, max_size=size)

    def get_service(
        self,
        name_id_or_prefix: str | UUID,
        allow_name_prefix_match: bool = True,
        hydrate: bool = True,
        type: Any = None,
        project: Any = None,
    ) -> ModelDeploymentService:
        """A deployment by id, unique id prefix, service name or (when one deployment
        serves it) model name."""
        from stackwise.model_deployers.base_model_deployer import service_of

        return service_of(self._service_record(str(name_id_or_prefix)), self.store)

    def delete_service(self, name_id_or_prefix: str | UUID, project: Any = None) -> None:
        """Stop the deployment's server and delete its record and folder."""
        from stackwise.model_deployers.base_model_deployer import delete_service

        delete_service(self.store, self._service_record(str(name_id_or_prefix)).id)

    def _service_record(self, key: str) -> ServiceRecord:
        try:
            return self.store.get_service(key)
        except EntityNotFoundError:
            pass
        records = self.store.list_services(size=10_000).items
        matches = [r for r in records if r.id.startswith(key) or key in (r.name, r.model_name)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise ZenKeyError(
                f"'{key}' matches {len(matches)} model deployments "
                f"({', '.join(r.id for r in matches[:5])}); give one's id (or more of it)."
            )
        names = [r.name for r in records]
        raise EntityNotFoundError(
            f"No model deployment with id, id prefix or name '{key}'."
            f"{did_you_mean(key, names)} `stackwise model-deployer models list` lists them."
        )


__all__ = ["ServicesMixin"]
