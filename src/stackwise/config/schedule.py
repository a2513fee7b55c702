"""`Schedule`: when a scheduling orchestrator should run a pipeline (ZenML's fields). A stack
whose orchestrator cannot schedule refuses a run that carries one, before anything is
recorded."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, model_validator

from stackwise.exceptions import ConfigError


class Schedule(BaseModel):
    """`cron_expression`, or `start_time` + `interval_second`, or `run_once_start_time`."""

    name: str | None = None
    cron_expression: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    interval_second: timedelta | None = None
    catchup: bool = False
    run_once_start_time: datetime | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Schedule:
        if not (
            self.cron_expression
            or self.run_once_start_time
            or (self.start_time and self.interval_second)
        ):
            raise ConfigError(
                "A Schedule needs cron_expression, run_once_start_time, or "
                "start_time together with interval_second."
            )
        return self

    @property
    def utc_start_time(self) -> str | None:
        return self.start_time.isoformat() if self.start_time else None

    @property
    def utc_end_time(self) -> str | None:
        return self.end_time.isoformat() if self.end_time else None
