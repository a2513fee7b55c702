"""Model deployments (ZenML's services): one write when a deployer starts, replaces, stops or
deletes one, and listings for `model-deployer models list` and `stackwise status`."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Row, delete, insert, select

from stackwise.exceptions import EntityNotFoundError
from stackwise.store.filters import Column, FilterSpec
from stackwise.store.records import Page, ServiceRecord
from stackwise.store.sql import schema as t
from stackwise.store.sql.connection import SqlBase

_s = t.services.c
SERVICE_FILTERS = FilterSpec(
    "Services",
    {
        "id": Column(_s.id),
        "name": Column(_s.name),
        "service_name": Column(_s.name),
        "created": Column(_s.created, "date"),
        "updated": Column(_s.updated, "date"),
        "flavor": Column(_s.flavor),
        "deployer_id": Column(_s.deployer_id),
        "model_name": Column(_s.model_name),
        "model_version": Column(_s.model_version),
        "model_version_id": Column(_s.model_version_id),
        "pipeline_name": Column(_s.pipeline_name),
        "pipeline_step_name": Column(_s.pipeline_step_name),
        "pipeline_run_id": Column(_s.pipeline_run_id),
        "admin_state": Column(_s.admin_state),
    },
)

_CHANGEABLE = frozenset(
    {
        "name",
        "model_name",
        "model_version",
        "model_version_id",
        "artifact_version_id",
        "pipeline_name",
        "pipeline_step_name",
        "pipeline_run_id",
        "config",
        "admin_state",
        "pid",
        "port",
        "service_dir",
        "labels",
    }
)


def _service(row: Row[Any]) -> ServiceRecord:
    return ServiceRecord(
        id=row.id,
        name=row.name,
        deployer_id=row.deployer_id,
        flavor=row.flavor,
        model_name=row.model_name,
        model_version=row.model_version,
        model_version_id=row.model_version_id,
        artifact_version_id=row.artifact_version_id,
        pipeline_name=row.pipeline_name,
        pipeline_step_name=row.pipeline_step_name,
        pipeline_run_id=row.pipeline_run_id,
        config=dict(row.config or {}),
        admin_state=row.admin_state,
        pid=row.pid,
        port=row.port,
        service_dir=row.service_dir,
        labels=dict(row.labels or {}),
        created=row.created,
        updated=row.updated,
    )


class ServiceQueries(SqlBase):
    def create_service(self, record: ServiceRecord) -> ServiceRecord:
        with self._write() as conn:
            conn.execute(insert(t.services), dict(record.__dict__))
        return record

    def get_service(self, service_id: str) -> ServiceRecord:
        with self._read() as conn:
            row = conn.execute(select(t.services).where(_s.id == service_id)).first()
        if row is None:
            raise EntityNotFoundError(f"No model deployment (service) with id '{service_id}'.")
        return _service(row)

    def list_services(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
    ) -> Page[ServiceRecord]:
        return self._list(
            select(t.services),
            SERVICE_FILTERS,
            _service,
            filters=filters,
            sort_by=sort_by,
            logical_operator=logical_operator,
            index=index,
            size=size,
            tiebreak=_s.id,
        )

    def update_service(self, service_id: str, **changes: Any) -> ServiceRecord:
        """Change the given fields (`admin_state`, `pid`, `port`, `config`, ...) in one write."""
        return cast(
            "ServiceRecord",
            self._update_row(
                select(t.services),
                _s.id,
                service_id,
                changes,
                changeable=_CHANGEABLE,
                convert=_service,
                what="model deployment (service)",
            ),
        )

    def delete_service(self, service_id: str) -> None:
        with self._write() as conn:
            deleted = conn.execute(delete(t.services).where(_s.id == service_id)).rowcount
        if not deleted:
            raise EntityNotFoundError(f"No model deployment (service) with id '{service_id}'.")


__all__ = ["SERVICE_FILTERS", "ServiceQueries"]
