"""Client methods for schedules (ZenML's names and parameters): list, get, update (cron
expression, active), delete. Changing the cron expression re-submits the schedule to its
orchestrator; deleting withdraws it there (an Airflow DAG file is removed)."""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from stackwise.client.base import (
    ClientBase,
    NoMatch,
    check_owner,
    check_project,
    empty_page,
    given,
    to_page,
)
from stackwise.models.base import Page
from stackwise.models.schedule import ScheduleResponse

logger = logging.getLogger("stackwise")


class SchedulesMixin(ClientBase):
    def list_schedules(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 20,
        logical_operator: str = "and",
        id: Any = None,
        created: Any = None,
        updated: Any = None,
        name: Any = None,
        project: Any = None,
        user: Any = None,
        pipeline_id: Any = None,
        orchestrator_id: Any = None,
        active: Any = None,
        cron_expression: Any = None,
        start_time: Any = None,
        end_time: Any = None,
        interval_second: Any = None,
        catchup: Any = None,
        hydrate: bool = False,
        run_once_start_time: Any = None,
        is_archived: bool = False,
    ) -> Page[ScheduleResponse]:
        """Schedules, oldest first by default; keywords filter with ZenML's syntax.
        `is_archived=True`: none (a deleted schedule is gone, not archived)."""
        try:
            check_owner(user, project)
        except NoMatch:
            return empty_page(page, size)
        if is_archived:
            return empty_page(page, size)
        interval = getattr(interval_second, "total_seconds", None)
        filters = given(
            id=id,
            created=created,
            updated=updated,
            name=name,
            pipeline_id=pipeline_id,
            orchestrator_id=orchestrator_id,
            active=active,
            cron_expression=cron_expression,
            start_time=start_time,
            end_time=end_time,
            interval_second=interval() if interval else interval_second,
            catchup=catchup,
            run_once_start_time=run_once_start_time,
        )
        records = self.store.list_schedules(
            filters=filters,
            sort_by=sort_by,
            logical_operator=str(getattr(logical_operator, "value", logical_operator)),
            index=page,
            size=size,
        )
        return to_page(records, lambda r: ScheduleResponse.from_record(r, self.store))

    def get_schedule(
        self,
        name_id_or_prefix: str | UUID,
        allow_name_prefix_match: bool = True,
        project: str | UUID | None = None,
        hydrate: bool = True,
        is_archived: bool = False,
    ) -> ScheduleResponse:
        check_project(project)
        record = self.store.get_schedule(
            str(name_id_or_prefix), allow_name_prefix=allow_name_prefix_match
        )
        return ScheduleResponse.from_record(record, self.store)

    def update_schedule(
        self,
        name_id_or_prefix: str | UUID,
        cron_expression: str | None = None,
        active: bool | None = None,
    ) -> ScheduleResponse:
        """Change the cron expression (handed to the orchestrator again) or whether firings
        run (an inactive schedule's firings create no run)."""
        from stackwise.exceptions import ConfigError
        from stackwise.pipelines.schedules import resubmit_schedule

        record = self.store.get_schedule(str(name_id_or_prefix), allow_name_prefix=True)
        changes: dict[str, Any] = {}
        if cron_expression is not None:
            if not record.cron_expression:
                raise ConfigError(
                    f"Schedule '{record.name}' runs at an interval or once, not by a cron "
                    "expression, so its cron expression cannot be changed. Delete it and "
                    "schedule the pipeline again with Schedule(cron_expression=...)."
                )
            changes["cron_expression"] = cron_expression
        if active is not None:
            changes["active"] = bool(active)
        if not changes:
            return ScheduleResponse.from_record(record, self.store)
        updated = self.store.update_schedule(record.id, **changes)
        if "cron_expression" in changes and not resubmit_schedule(self.store, updated):
            logger.warning(
                "Schedule '%s' now says cron '%s', but its orchestrator is no longer in its "
                "stack, so nothing fires it on the new expression.",
                record.name,
                cron_expression,
            )
        return ScheduleResponse.from_record(updated, self.store)

    def delete_schedule(
        self, name_id_or_prefix: str | UUID, project: str | UUID | None = None, soft: bool = True
    ) -> None:
        """Delete the schedule and withdraw it from its orchestrator; its runs stay."""
        from stackwise.pipelines.schedules import withdraw_schedule

        check_project(project)
        record = self.store.get_schedule(str(name_id_or_prefix), allow_name_prefix=True)
        if not withdraw_schedule(self.store, record):
            logger.warning(
                "Schedule '%s' is deleted, but its orchestrator had nothing to withdraw: if "
                "the engine still fires it (a DAG or CronJob made elsewhere), its firings "
                "now fail.",
                record.name,
            )
        self.store.delete_schedule(record.id)
