"""Client methods for hook invocations (what `run_hook` records)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from stackwise.client.base import ClientBase, NoMatch, check_owner, empty_page, given, to_page
from stackwise.models.base import Page
from stackwise.models.hook_invocation import HookInvocationResponse


def _uuid(value: str | UUID) -> str:
    """Hook invocations are addressed by their full id (a ValueError otherwise, as ZenML)."""
    return str(value if isinstance(value, UUID) else UUID(str(value)))


class HookInvocationsMixin(ClientBase):
    def get_hook_invocation(
        self, hook_invocation_id: str | UUID, hydrate: bool = True
    ) -> HookInvocationResponse:
        return HookInvocationResponse.from_record(
            self.store.get_hook_invocation(_uuid(hook_invocation_id)), self.store
        )

    def list_hook_invocations(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 20,
        logical_operator: str = "and",
        id: Any = None,
        created: Any = None,
        updated: Any = None,
        pipeline_run_id: Any = None,
        step_run_id: Any = None,
        hook_type: Any = None,
        name: Any = None,
        status: Any = None,
        start_time: Any = None,
        end_time: Any = None,
        project: Any = None,
        user: Any = None,
        hydrate: bool = False,
    ) -> Page[HookInvocationResponse]:
        """Recorded `run_hook` calls, oldest first by default; keywords filter with ZenML's
        syntax (`name="startswith:notify"`, `hook_type="custom"`, `status="failed"`)."""
        try:
            check_owner(user, project)
        except NoMatch:
            return empty_page(page, size)
        records = self.store.list_hook_invocations(
            filters=given(
                id=id,
                created=created,
                updated=updated,
                pipeline_run_id=pipeline_run_id,
                step_run_id=step_run_id,
                hook_type=hook_type,
                name=name,
                status=status,
                start_time=start_time,
                end_time=end_time,
            ),
            sort_by=sort_by,
            logical_operator=str(logical_operator),
            index=page,
            size=size,
        )
        return to_page(records, lambda r: HookInvocationResponse.from_record(r, self.store))

    def delete_hook_invocation(self, hook_invocation_id: str | UUID) -> None:
        """Delete the record; artifact versions its hook stored stay."""
        self.store.delete_hook_invocation(_uuid(hook_invocation_id))


__all__ = ["HookInvocationsMixin"]
