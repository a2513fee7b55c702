"""Schedules: created when a scheduled `Pipeline.run()` hands one to its orchestrator, read
by each firing's first task (which creates that firing's run), listed and changed by
`Client().list_schedules/update_schedule/delete_schedule` and `stackwise pipeline schedule`."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Row, delete, insert, select
from sqlalchemy.exc import IntegrityError

from stackwise.exceptions import EntityExistsError, EntityNotFoundError
from stackwise.store.filters import Column, FilterSpec
from stackwise.store.records import Page, ScheduleRecord
from stackwise.store.sql import schema as t
from stackwise.store.sql.connection import SqlBase

_s = t.schedules.c
SCHEDULE_FILTERS = FilterSpec(
    "Schedules",
    {
        "id": Column(_s.id),
        "name": Column(_s.name),
        "created": Column(_s.created, "date"),
        "updated": Column(_s.updated, "date"),
        "pipeline_id": Column(_s.pipeline_id),
        "orchestrator_id": Column(_s.orchestrator_id),
        "active": Column(_s.active, "bool"),
        "cron_expression": Column(_s.cron_expression),
        "start_time": Column(_s.start_time, "date"),
        "end_time": Column(_s.end_time, "date"),
        "interval_second": Column(_s.interval_second, "float"),
        "catchup": Column(_s.catchup, "bool"),
        "run_once_start_time": Column(_s.run_once_start_time, "date"),
    },
)
_CHANGEABLE = frozenset({"name", "cron_expression", "active"})


def _schedule(row: Row[Any]) -> ScheduleRecord:
    return ScheduleRecord(
        id=row.id,
        name=row.name,
        pipeline_id=row.pipeline_id,
        pipeline_name=row.pipeline_name,
        orchestrator_id=row.orchestrator_id,
        stack_id=row.stack_id,
        spec=row.spec,
        config=row.config,
        cron_expression=row.cron_expression,
        start_time=row.start_time,
        end_time=row.end_time,
        interval_second=row.interval_second,
        catchup=bool(row.catchup),
        run_once_start_time=row.run_once_start_time,
        active=bool(row.active),
        created=row.created,
        updated=row.updated,
    )


class ScheduleQueries(SqlBase):
    def _schedule_query(self) -> Any:
        return select(t.schedules, t.pipelines.c.name.label("pipeline_name")).join(
            t.pipelines, t.pipelines.c.id == _s.pipeline_id
        )

    def create_schedule(self, record: ScheduleRecord) -> ScheduleRecord:
        values = {k: v for k, v in record.__dict__.items() if k != "pipeline_name"}
        try:
            with self._write() as conn:
                conn.execute(insert(t.schedules), values)
        except IntegrityError as error:
            raise EntityExistsError(
                f"A schedule named '{record.name}' already exists. Give the Schedule another "
                "name=, or delete the old one: `stackwise pipeline schedule delete "
                f"{record.name}`."
            ) from error
        return record

    def get_schedule(self, name_or_id: str, *, allow_name_prefix: bool = False) -> ScheduleRecord:
        with self._read() as conn:
            row = self._find(
                conn,
                self._schedule_query(),
                _s.id,
                _s.name,
                name_or_id,
                "schedule",
                allow_name_prefix=allow_name_prefix,
            )
        return _schedule(row)

    def list_schedules(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
    ) -> Page[ScheduleRecord]:
        return self._list(
            self._schedule_query(),
            SCHEDULE_FILTERS,
            _schedule,
            filters=filters,
            sort_by=sort_by,
            logical_operator=logical_operator,
            index=index,
            size=size,
            tiebreak=_s.id,
        )

    def update_schedule(self, schedule_id: str, **changes: Any) -> ScheduleRecord:
        """Change `name`, `cron_expression` or `active`, in one write."""
        return cast(
            "ScheduleRecord",
            self._update_row(
                self._schedule_query(),
                _s.id,
                schedule_id,
                changes,
                changeable=_CHANGEABLE,
                convert=_schedule,
                what="schedule",
            ),
        )

    def delete_schedule(self, schedule_id: str) -> None:
        """Delete the schedule; its runs stay (their `schedule_id` then names no schedule)."""
        with self._write() as conn:
            deleted = conn.execute(delete(t.schedules).where(_s.id == schedule_id)).rowcount
        if not deleted:
            raise EntityNotFoundError(f"No schedule with id '{schedule_id}'.")


__all__ = ["SCHEDULE_FILTERS", "ScheduleQueries"]
