"""Schedules: when a scheduling orchestrator runs a pipeline (the Schedule's fields), whether
it is active, and which pipeline and orchestrator it belongs to. What
`Client().list_schedules()`/`get_schedule()` and `run.schedule` return."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

from stackwise.models.base import BaseResponse

if TYPE_CHECKING:
    from stackwise.store.base import Store
    from stackwise.store.records import ScheduleRecord


class ScheduleResponse(BaseResponse):
    name: str
    active: bool = True
    cron_expression: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    interval_second: timedelta | None = None
    catchup: bool = False
    run_once_start_time: datetime | None = None
    pipeline_id: UUID | None = None
    orchestrator_id: UUID | None = None
    is_archived: bool = False

    @classmethod
    def from_record(cls, record: ScheduleRecord, store: Store | None) -> ScheduleResponse:
        interval = record.interval_second
        return cls.make(
            store,
            id=record.id,
            name=record.name,
            active=record.active,
            cron_expression=record.cron_expression,
            start_time=record.start_time,
            end_time=record.end_time,
            interval_second=timedelta(seconds=interval) if interval is not None else None,
            catchup=record.catchup,
            run_once_start_time=record.run_once_start_time,
            pipeline_id=UUID(record.pipeline_id),
            orchestrator_id=UUID(record.orchestrator_id) if record.orchestrator_id else None,
            created=record.created,
            updated=record.updated,
        )

    @property
    def utc_start_time(self) -> str | None:
        return self.start_time.isoformat() if self.start_time else None

    @property
    def utc_end_time(self) -> str | None:
        return self.end_time.isoformat() if self.end_time else None

    @property
    def run_metadata(self) -> dict[str, Any]:
        return {}

    def __repr__(self) -> str:
        return f"ScheduleResponse(name={self.name!r}, active={self.active!r})"


__all__ = ["ScheduleResponse"]
