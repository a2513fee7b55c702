"""Pipeline runs: status, configuration, the stack they ran on, their steps and the artifact
versions they read and wrote. Relations load on first access and are kept, so reading
`run.steps[...]` in a loop never repeats a query."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any
from uuid import UUID

from stackwise.enums import ExecutionStatus, MetadataResourceType
from stackwise.models.artifact_version import ArtifactVersionResponse
from stackwise.models.base import BaseResponse
from stackwise.models.logs import LogsResponse, log_collection
from stackwise.models.step_run import StepRunResponse, steps_of_run
from stackwise.models.views import (
    PIPELINE_CONFIG_DEFAULTS,
    ConfigView,
    ExceptionInfo,
    model_version_response,
    with_model,
)

if TYPE_CHECKING:
    from stackwise.models.model_version import ModelVersionResponse
    from stackwise.models.pipeline import PipelineResponse
    from stackwise.models.schedule import ScheduleResponse
    from stackwise.models.stack import StackResponse
    from stackwise.models.tag import TagResponse
    from stackwise.store.base import Store
    from stackwise.store.records import RunRecord

_UNFINISHED = {
    "initializing",
    "provisioning",
    "running",
    "queued",
    "retrying",
    "stopping",
    "paused",
    "resuming",
}


class PipelineRunResponse(BaseResponse):
    name: str
    status: ExecutionStatus
    pipeline_id: UUID | None
    pipeline_name: str
    stack_id: UUID | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    orchestrator_run_id: str | None = None
    resumed_from_id: UUID | None = None

    @classmethod
    def from_record(cls, record: RunRecord, store: Store | None) -> PipelineRunResponse:
        response = cls.make(
            store,
            id=record.id,
            name=record.name,
            status=ExecutionStatus(record.status),
            pipeline_id=UUID(record.pipeline_id),
            pipeline_name=record.pipeline_name,
            stack_id=UUID(record.stack_id) if record.stack_id else None,
            start_time=record.start_time or record.created,
            end_time=record.end_time,
            orchestrator_run_id=record.orchestrator_run_id,
            resumed_from_id=UUID(record.resumed_from_id) if record.resumed_from_id else None,
            created=record.created,
            updated=record.updated,
        )
        response.__dict__["record"] = record
        return response

    @property
    def record(self) -> RunRecord:
        cached = self.__dict__.get("record")
        if cached is None:
            cached = self.__dict__["record"] = self.store.get_run(str(self.id))
        return cached

    def __repr__(self) -> str:
        return f"PipelineRunResponse(name={self.name!r}, status={self.status.value!r})"

    __str__ = __repr__

    # -- what it is ----------------------------------------------------------------------
    @property
    def in_progress(self) -> bool:
        return self.status.value in _UNFINISHED

    @property
    def config(self) -> ConfigView:
        return ConfigView(with_model(self.record.config), PIPELINE_CONFIG_DEFAULTS)

    @property
    def spec(self) -> dict[str, Any]:
        return self.record.spec

    @cached_property
    def index(self) -> int:
        """This run's number among its pipeline's runs (the first is 1)."""
        return self.store.run_index(str(self.id))

    @property
    def enable_heartbeat(self) -> bool:
        return True

    @property
    def schedule(self) -> ScheduleResponse | None:
        """The schedule whose firing this run is (None: run directly, or schedule deleted)."""
        from stackwise.exceptions import EntityNotFoundError
        from stackwise.models.schedule import ScheduleResponse

        schedule_id = self.record.schedule_id
        if schedule_id is None:
            return None
        try:
            return ScheduleResponse.from_record(self.store.get_schedule(schedule_id), self.store)
        except EntityNotFoundError:
            return None

    @property
    def client_environment(self) -> dict[str, Any]:
        return dict(self.record.config.get("client_environment") or {})

    @property
    def orchestrator_environment(self) -> dict[str, Any]:
        return dict(self.record.config.get("orchestrator_environment") or {})

    # features that arrive with later issues: a run has none of them yet
    code_path = property(lambda self: None)
    code_reference = property(lambda self: None)
    build = property(lambda self: None)
    snapshot = property(lambda self: None)
    source_snapshot = property(lambda self: None)
    template_id = property(lambda self: None)
    is_templatable = property(lambda self: False)
    trigger = property(lambda self: None)
    trigger_info = property(lambda self: None)
    trigger_execution_info = property(lambda self: None)
    triggered_by_deployment = property(lambda self: False)
    active_wait_condition = property(lambda self: None)

    @property
    def log_collection(self) -> list[LogsResponse]:
        """Where the run's own output (outside its steps' captures too) is kept."""
        return log_collection(
            self.record.config,
            self._store,
            source="client",
            created=self.created,
            pipeline_run_id=self.record.id,
        )

    parent_run = property(lambda self: None)
    root_run_id = property(lambda self: None)
    child_key = property(lambda self: None)

    # -- relations -----------------------------------------------------------------------
    @property
    def model_version_id(self) -> UUID | None:
        """The model version the run used (its pipeline's `model=`), if any."""
        found = self.record.config.get("model_version_id")
        return UUID(found) if found else None

    @cached_property
    def model_version(self) -> ModelVersionResponse | None:
        return model_version_response(self.model_version_id, self._store)

    @cached_property
    def pipeline(self) -> PipelineResponse:
        from stackwise.models.pipeline import PipelineResponse

        return PipelineResponse.from_record(
            self.store.get_pipeline(str(self.pipeline_id)), self._store
        )

    @cached_property
    def stack(self) -> StackResponse | None:
        """The stack the run ran on (None if it was deleted since)."""
        from stackwise.exceptions import EntityNotFoundError
        from stackwise.models.stack import StackResponse

        if self.stack_id is None:
            return None
        try:
            return StackResponse.from_record(self.store.get_stack(str(self.stack_id)), self._store)
        except EntityNotFoundError:
            return None

    @cached_property
    def original_run(self) -> PipelineRunResponse | None:
        """The failed run this one resumed (`stackwise pipeline runs resume`)."""
        if self.resumed_from_id is None:
            return None
        return PipelineRunResponse.from_record(
            self.store.get_run(str(self.resumed_from_id)), self._store
        )

    @cached_property
    def run_metadata(self) -> dict[str, Any]:
        key = str(self.id)
        return self.store.get_metadata(MetadataResourceType.PIPELINE_RUN, [key])[key]

    @cached_property
    def tags(self) -> list[TagResponse]:
        from stackwise.models.tag import TagResponse

        records = self.store.tags_of("pipeline_run", [str(self.id)])[str(self.id)]
        return [TagResponse.from_record(r, self._store) for r in records]

    @cached_property
    def steps(self) -> dict[str, StepRunResponse]:
        """Step runs by invocation id (the last attempt of a retried step)."""
        from stackwise.models.named_items import NamedItems

        return NamedItems(
            {step.name: step for step in steps_of_run(self, self.store)},
            what="step",
            owner=f"Run '{self.name}'",
        )

    @cached_property
    def step_attempts(self) -> list[StepRunResponse]:
        """Every step run of this run, retried attempts included, in start order."""
        return steps_of_run(self, self.store)

    @property
    def artifact_versions(self) -> list[ArtifactVersionResponse]:
        """Every artifact version this run read or wrote."""
        seen: dict[UUID, ArtifactVersionResponse] = {}
        for step in self.steps.values():
            for versions in (*step.inputs.values(), *step.outputs.values()):
                for version in versions:
                    seen.setdefault(version.id, version)
        return list(seen.values())

    @property
    def produced_artifact_versions(self) -> list[ArtifactVersionResponse]:
        """The versions this run's executed steps wrote (not the cached ones' old outputs)."""
        produced = []
        step_ids = {step.id for step in self.step_attempts}
        for step in self.steps.values():
            for versions in step.outputs.values():
                produced += [v for v in versions if v.producer_step_run_id in step_ids]
        return produced

    @property
    def outputs(self) -> dict[str, ArtifactVersionResponse]:
        """The pipeline function's returned step outputs, by output name."""
        found: dict[str, ArtifactVersionResponse] = {}
        for ref in self.record.spec.get("outputs") or []:
            step = self.steps.get(ref.get("step", ""))
            if step is not None and ref.get("output") in step.outputs:
                found[ref["output"]] = step.outputs[ref["output"]][0]
        return found

    @property
    def exception_info(self) -> ExceptionInfo | None:
        """Why the run failed: the first failed step's exception."""
        for step in self.step_attempts:
            if step.status == ExecutionStatus.FAILED and step.exception_info is not None:
                return step.exception_info
        return None

    def refresh(self) -> PipelineRunResponse:
        return PipelineRunResponse.from_record(self.store.get_run(str(self.id)), self._store)


__all__ = ["PipelineRunResponse"]
