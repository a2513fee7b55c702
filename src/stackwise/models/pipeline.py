"""Pipelines: a name that runs are grouped under."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any
from uuid import UUID

from stackwise.enums import ExecutionStatus
from stackwise.models.base import BaseResponse

if TYPE_CHECKING:
    from stackwise.models.pipeline_run import PipelineRunResponse
    from stackwise.models.tag import TagResponse
    from stackwise.store.base import Store
    from stackwise.store.records import PipelineRecord


class PipelineResponse(BaseResponse):
    name: str
    description: str | None = None

    @classmethod
    def from_record(cls, record: PipelineRecord, store: Store | None) -> PipelineResponse:
        return cls.make(
            store,
            id=record.id,
            name=record.name,
            created=record.created,
            updated=getattr(record, "updated", None),
            description=getattr(record, "description", None),
        )

    def _run(self, record: Any) -> PipelineRunResponse:
        from stackwise.models.pipeline_run import PipelineRunResponse

        return PipelineRunResponse.from_record(record, self._store)

    @cached_property
    def _last(self) -> Any:
        return self.store.last_run(str(self.id))

    @property
    def last_run(self) -> PipelineRunResponse:
        if self._last is None:
            raise RuntimeError(f"Pipeline '{self.name}' has no runs yet.")
        return self._run(self._last)

    @property
    def last_successful_run(self) -> PipelineRunResponse:
        page = self.store.list_runs(
            filters={"pipeline_id": str(self.id), "status": "completed"}, size=1
        )
        if not page.items:
            raise RuntimeError(f"Pipeline '{self.name}' has no successful runs yet.")
        return self._run(page.items[0])

    @property
    def latest_run_id(self) -> UUID | None:
        return UUID(self._last.id) if self._last is not None else None

    @property
    def latest_run_status(self) -> ExecutionStatus | None:
        return ExecutionStatus(self._last.status) if self._last is not None else None

    @cached_property
    def num_runs(self) -> int:
        return self.store.list_runs(filters={"pipeline_id": str(self.id)}, size=1).total

    def get_runs(self, **kwargs: Any) -> list[PipelineRunResponse]:
        """This pipeline's runs, newest first; keyword arguments are run filters in ZenML's
        syntax (`status="failed"`, `name="startswith:nightly"`), plus `sort_by` and `size`."""
        sort_by = kwargs.pop("sort_by", "desc:created")
        size = int(kwargs.pop("size", 1000))
        filters = {k: v for k, v in kwargs.items() if v is not None}
        filters["pipeline_id"] = str(self.id)
        page = self.store.list_runs(filters=filters, sort_by=sort_by, size=size)
        return [self._run(r) for r in page.items]

    @cached_property
    def runs(self) -> list[PipelineRunResponse]:
        """The newest runs first (up to 1,000; use Client().list_pipeline_runs to page)."""
        page = self.store.list_runs(filters={"pipeline_id": str(self.id)}, size=1000)
        return [self._run(r) for r in page.items]

    @cached_property
    def tags(self) -> list[TagResponse]:
        from stackwise.models.tag import TagResponse

        records = self.store.tags_of("pipeline", [str(self.id)])[str(self.id)]
        return [TagResponse.from_record(r, self._store) for r in records]


__all__ = ["PipelineResponse"]
