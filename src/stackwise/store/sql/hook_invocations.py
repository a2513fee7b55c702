"""Hook invocations: the one write a recorded `run_hook` call costs, and reading them back."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, delete, func, insert, select

from stackwise.exceptions import EntityNotFoundError
from stackwise.store.filters import Column, FilterSpec
from stackwise.store.records import HookInvocationRecord, Page
from stackwise.store.sql import schema as t
from stackwise.store.sql.connection import SqlBase
from stackwise.utils.jsonable import to_jsonable

_h = t.hook_invocations.c
HOOK_INVOCATION_FILTERS = FilterSpec(
    "Hook invocations",
    {
        "id": Column(_h.id),
        "created": Column(_h.created, "date"),
        "updated": Column(func.coalesce(_h.end_time, _h.created), "date"),
        "pipeline_run_id": Column(_h.run_id),
        "step_run_id": Column(_h.step_run_id),
        "hook_type": Column(_h.hook_type),
        "name": Column(_h.name),
        "status": Column(_h.status),
        "start_time": Column(_h.start_time, "date"),
        "end_time": Column(_h.end_time, "date"),
    },
)


def _hook_invocation(row: Row[Any]) -> HookInvocationRecord:
    return HookInvocationRecord(
        id=row.id,
        run_id=row.run_id,
        step_run_id=row.step_run_id,
        name=row.name,
        hook_type=row.hook_type,
        status=row.status,
        source=row.source,
        start_time=row.start_time,
        end_time=row.end_time,
        exception_info=row.exception_info,
        outputs={k: list(v) for k, v in (row.outputs or {}).items()},
        created=row.created,
    )


class HookInvocationQueries(SqlBase):
    def create_hook_invocation(self, record: HookInvocationRecord) -> HookInvocationRecord:
        values = dict(record.__dict__)
        values["exception_info"] = to_jsonable(record.exception_info)
        with self._write() as conn:
            conn.execute(insert(t.hook_invocations), values)
        return record

    def get_hook_invocation(self, hook_invocation_id: str) -> HookInvocationRecord:
        with self._read() as conn:
            row = conn.execute(
                select(t.hook_invocations).where(_h.id == hook_invocation_id)
            ).first()
        if row is None:
            raise EntityNotFoundError(f"No hook invocation with id '{hook_invocation_id}'.")
        return _hook_invocation(row)

    def list_hook_invocations(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
    ) -> Page[HookInvocationRecord]:
        return self._list(
            select(t.hook_invocations),
            HOOK_INVOCATION_FILTERS,
            _hook_invocation,
            filters=filters,
            sort_by=sort_by,
            logical_operator=logical_operator,
            index=index,
            size=size,
            tiebreak=_h.id,
        )

    def delete_hook_invocation(self, hook_invocation_id: str) -> None:
        """Delete the record; the artifact versions it stored stay (as ZenML)."""
        with self._write() as conn:
            deleted = conn.execute(
                delete(t.hook_invocations).where(_h.id == hook_invocation_id)
            ).rowcount
        if not deleted:
            raise EntityNotFoundError(f"No hook invocation with id '{hook_invocation_id}'.")


__all__ = ["HOOK_INVOCATION_FILTERS", "HookInvocationQueries"]
