"""Pipeline builds: one write when images are built, a lookup by checksum before building (an
unchanged build is reused), and ZenML's listing filters."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, delete, insert, select

from stackwise.exceptions import EntityNotFoundError
from stackwise.store.filters import Column, FilterSpec
from stackwise.store.records import BuildRecord, Page
from stackwise.store.sql import schema as t
from stackwise.store.sql.connection import SqlBase

_b = t.pipeline_builds.c
BUILD_FILTERS = FilterSpec(
    "Pipeline builds",
    {
        "id": Column(_b.id),
        "created": Column(_b.created, "date"),
        "updated": Column(_b.updated, "date"),
        "pipeline_id": Column(_b.pipeline_id),
        "stack_id": Column(_b.stack_id),
        "container_registry_id": Column(_b.container_registry_id),
        "is_local": Column(_b.is_local, "bool"),
        "contains_code": Column(_b.contains_code, "bool"),
        "zenml_version": Column(_b.stackwise_version),
        "stackwise_version": Column(_b.stackwise_version),
        "python_version": Column(_b.python_version),
        "checksum": Column(_b.checksum),
        "stack_checksum": Column(_b.stack_checksum),
        "duration": Column(_b.duration, "int"),
    },
)


def _build(row: Row[Any]) -> BuildRecord:
    values = dict(row._mapping)
    values["images"] = dict(values["images"] or {})
    return BuildRecord(**values)


class BuildQueries(SqlBase):
    def create_build(self, record: BuildRecord) -> BuildRecord:
        with self._write() as conn:
            conn.execute(insert(t.pipeline_builds), dict(record.__dict__))
        return record

    def get_build(self, id_or_prefix: str) -> BuildRecord:
        with self._read() as conn:
            row = self._find(
                conn, select(t.pipeline_builds), _b.id, None, id_or_prefix, "pipeline build"
            )
        return _build(row)

    def list_builds(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
    ) -> Page[BuildRecord]:
        return self._list(
            select(t.pipeline_builds),
            BUILD_FILTERS,
            _build,
            filters=filters,
            sort_by=sort_by,
            logical_operator=logical_operator,
            index=index,
            size=size,
            tiebreak=_b.id,
        )

    def delete_build(self, build_id: str) -> None:
        with self._write() as conn:
            deleted = conn.execute(delete(t.pipeline_builds).where(_b.id == build_id)).rowcount
        if not deleted:
            raise EntityNotFoundError(f"No pipeline build with id '{build_id}'.")


__all__ = ["BUILD_FILTERS", "BuildQueries"]
