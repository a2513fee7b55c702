"""Hook invocations: one recorded `run_hook` call, with its type, outcome, timing, where it
ran (a step run, or a dynamic pipeline's function) and the artifacts its return value was
saved as (`store_return=True`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING
from uuid import UUID

from stackwise.enums import ExecutionStatus, HookType
from stackwise.models.artifact_version import ArtifactVersionResponse
from stackwise.models.base import BaseResponse
from stackwise.models.views import ExceptionInfo

if TYPE_CHECKING:
    from stackwise.models.pipeline_run import PipelineRunResponse
    from stackwise.models.step_run import StepRunResponse
    from stackwise.store.base import Store
    from stackwise.store.records import HookInvocationRecord


class HookInvocationResponse(BaseResponse):
    name: str | None = None
    hook_type: HookType
    status: ExecutionStatus
    start_time: datetime
    end_time: datetime | None = None
    pipeline_run_id: UUID
    step_run_id: UUID | None = None
    source: str | None = None

    @classmethod
    def from_record(
        cls, record: HookInvocationRecord, store: Store | None
    ) -> HookInvocationResponse:
        response = cls.make(
            store,
            id=record.id,
            name=record.name,
            hook_type=HookType(record.hook_type),
            status=ExecutionStatus(record.status),
            start_time=record.start_time,
            end_time=record.end_time,
            pipeline_run_id=UUID(record.run_id),
            step_run_id=UUID(record.step_run_id) if record.step_run_id else None,
            source=record.source,
            created=record.created,
            updated=record.end_time or record.created,
        )
        response.__dict__["record"] = record
        return response

    @property
    def record(self) -> HookInvocationRecord:
        return self.__dict__["record"]  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return (
            f"HookInvocationResponse(name={self.name!r}, "
            f"hook_type={self.hook_type.value!r}, status={self.status.value!r})"
        )

    __str__ = __repr__

    @property
    def duration(self) -> timedelta | None:
        if self.end_time is None:
            return None
        return self.end_time - self.start_time

    @property
    def exception_info(self) -> ExceptionInfo | None:
        return ExceptionInfo.from_stored(self.record.exception_info)

    @cached_property
    def outputs(self) -> dict[str, list[ArtifactVersionResponse]]:
        """Each output name -> the artifact versions saved under it (versions deleted since
        are left out)."""
        ids = {i for values in self.record.outputs.values() for i in values}
        found = self.store.get_artifact_versions(ids) if ids else {}
        return {
            name: [
                ArtifactVersionResponse.from_record(found[i], self._store)
                for i in values
                if i in found
            ]
            for name, values in self.record.outputs.items()
        }

    @property
    def pipeline_run(self) -> PipelineRunResponse:
        from stackwise.models.pipeline_run import PipelineRunResponse

        return PipelineRunResponse.from_record(
            self.store.get_run(str(self.pipeline_run_id)), self._store
        )

    @property
    def step_run(self) -> StepRunResponse | None:
        from stackwise.models.step_run import StepRunResponse

        if self.step_run_id is None:
            return None
        return StepRunResponse.from_record(
            self.store.get_step_run(str(self.step_run_id)), self._store
        )

    # a hook's output is captured with its step's logs (`step_run.log_collection`)
    log_collection = property(lambda self: None)
