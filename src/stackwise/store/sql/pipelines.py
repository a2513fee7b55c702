"""Pipelines: named, created on a pipeline's first run."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from stackwise.exceptions import EntityExistsError
from stackwise.store.filters import Column, FilterSpec
from stackwise.store.records import Page, PipelineRecord
from stackwise.store.sql import schema as t
from stackwise.store.sql.rows import _pipeline
from stackwise.store.sql.runs import RunQueries
from stackwise.utils.ids import new_id, utcnow

_p = t.pipelines.c
_r = t.pipeline_runs.c
_latest_status = (
    select(_r.status)
    .where(_r.pipeline_id == _p.id)
    .order_by(_r.created.desc())
    .limit(1)
    .correlate(t.pipelines)
    .scalar_subquery()
)
PIPELINE_FILTERS = FilterSpec(
    "Pipelines",
    {
        "id": Column(_p.id),
        "name": Column(_p.name),
        "created": Column(_p.created, "date"),
        "updated": Column(func.coalesce(_p.updated, _p.created), "date"),
        "description": Column(_p.description),
        "latest_run_status": Column(_latest_status),
    },
)


class PipelineQueries(RunQueries):
    def get_or_create_pipeline(self, name: str) -> PipelineRecord:
        with self._read() as conn:
            row = conn.execute(select(t.pipelines).where(_p.name == name)).first()
        if row is not None:
            return _pipeline(row)
        now = utcnow()
        record = PipelineRecord(id=new_id(), name=name, created=now, updated=now)
        try:
            with self._write() as conn:
                conn.execute(insert(t.pipelines), record.__dict__)
        except IntegrityError:  # created by a concurrent process meanwhile
            return self.get_pipeline(name)
        return record

    def get_pipeline(self, name_or_id: str, *, allow_name_prefix: bool = False) -> PipelineRecord:
        with self._read() as conn:
            row = self._find(
                conn,
                select(t.pipelines),
                _p.id,
                _p.name,
                name_or_id,
                "pipeline",
                allow_name_prefix=allow_name_prefix,
            )
        return _pipeline(row)

    def list_pipelines(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
        tags: list[str] | None = None,
    ) -> Page[PipelineRecord]:
        query = select(t.pipelines)
        if tags:
            query = query.where(_p.id.in_(self.tagged_ids("pipeline", tags)))
        return self._list(
            query,
            PIPELINE_FILTERS,
            _pipeline,
            filters=filters,
            sort_by=sort_by,
            logical_operator=logical_operator,
            index=index,
            size=size,
            tiebreak=_p.id,
        )

    def update_pipeline(
        self, pipeline_id: str, *, name: str | None = None, description: str | None = None
    ) -> PipelineRecord:
        values: dict[str, Any] = {"updated": utcnow()}
        if name is not None:
            values["name"] = name
        if description is not None:
            values["description"] = description
        try:
            with self._write() as conn:
                conn.execute(update(t.pipelines).where(_p.id == pipeline_id).values(**values))
        except IntegrityError as error:
            raise EntityExistsError(f"A pipeline named '{name}' already exists.") from error
        return self.get_pipeline(pipeline_id)

    def delete_pipeline(self, pipeline_id: str) -> None:
        """Delete a pipeline and every run of it (artifact versions stay)."""
        runs = [r for (r,) in self._rows(select(_r.id).where(_r.pipeline_id == pipeline_id))]
        for run_id in runs:
            self.delete_run(run_id)
        with self._write() as conn:
            self._drop_tag_links(conn, "pipeline", [pipeline_id])
            conn.execute(delete(t.pipelines).where(_p.id == pipeline_id))

    def _rows(self, query: Any) -> list[Any]:
        with self._read() as conn:
            return list(conn.execute(query).all())


__all__ = ["PIPELINE_FILTERS", "PipelineQueries"]
