"""Step runs: one execution (or cache hit) of a step invocation, with its configuration,
spec, inputs, outputs, timing and, when it failed, why."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any
from uuid import UUID

from stackwise.enums import ExecutionStatus, MetadataResourceType
from stackwise.exceptions import ConfigError
from stackwise.models.artifact_version import (
    ArtifactVersionList,
    ArtifactVersionResponse,
    StepRunInputResponse,
)
from stackwise.models.base import BaseResponse
from stackwise.models.logs import LogsResponse, log_collection
from stackwise.models.views import (
    STEP_CONFIG_DEFAULTS,
    ConfigView,
    ExceptionInfo,
    StepSpecView,
    model_version_response,
    with_model,
)

if TYPE_CHECKING:
    from stackwise.models.model_version import ModelVersionResponse
    from stackwise.models.pipeline_run import PipelineRunResponse
    from stackwise.store.base import Store
    from stackwise.store.records import ArtifactVersionRecord, StepRunRecord


class StepRunResponse(BaseResponse):
    name: str
    status: ExecutionStatus
    pipeline_run_id: UUID
    start_time: datetime | None = None
    end_time: datetime | None = None
    cache_key: str | None = None
    code_hash: str | None = None
    original_step_run_id: UUID | None = None
    docstring: str | None = None
    source_code: str | None = None
    version: int = 1

    @classmethod
    def from_record(
        cls,
        record: StepRunRecord,
        store: Store | None,
        versions: dict[str, ArtifactVersionResponse] | None = None,
        run_spec: dict[str, Any] | None = None,
    ) -> StepRunResponse:
        response = cls.make(
            store,
            id=record.id,
            name=record.name,
            status=ExecutionStatus(record.status),
            pipeline_run_id=UUID(record.run_id),
            start_time=record.start_time,
            end_time=record.end_time,
            cache_key=record.cache_key,
            code_hash=record.code_hash,
            original_step_run_id=UUID(record.original_step_run_id)
            if record.original_step_run_id
            else None,
            docstring=record.docstring,
            source_code=record.source_code,
            version=record.attempt,
            created=record.start_time,
            updated=record.end_time or record.start_time,
        )
        response.__dict__["record"] = record
        response.__dict__["_versions"] = versions
        response.__dict__["_run_spec"] = run_spec
        return response

    @property
    def record(self) -> StepRunRecord:
        return self.__dict__["record"]  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return f"StepRunResponse(name={self.name!r}, status={self.status.value!r})"

    __str__ = __repr__

    # -- what ran ------------------------------------------------------------------------
    @property
    def config(self) -> ConfigView:
        return ConfigView(
            with_model({"name": self.name, **self.record.config}), STEP_CONFIG_DEFAULTS
        )

    @property
    def source(self) -> str:
        return self.record.source

    @property
    def attempt(self) -> int:
        return self.record.attempt

    @property
    def duration(self) -> timedelta | None:
        if self.start_time is None or self.end_time is None:
            return None
        return self.end_time - self.start_time

    @property
    def exception_info(self) -> ExceptionInfo | None:
        return ExceptionInfo.from_stored(self.record.exception_info)

    @property
    def substitutions(self) -> dict[str, str]:
        return dict(self.record.config.get("substitutions") or {})

    @property
    def is_retriable(self) -> bool:
        retry = self.record.config.get("retry") or {}
        return bool(retry.get("max_retries")) and self.attempt <= int(retry["max_retries"])

    @cached_property
    def _step_spec(self) -> dict[str, Any]:
        spec = self.__dict__.get("_run_spec")
        if spec is None:
            spec = self.store.get_run(str(self.pipeline_run_id)).spec
        steps = spec.get("steps") or {}
        found = (
            steps.get(self.name)
            if isinstance(steps, dict)
            else next((s for s in steps if s.get("invocation_id") == self.name), None)
        )
        return found or {"invocation_id": self.name, "source": self.record.source}

    @property
    def spec(self) -> StepSpecView:
        return StepSpecView.from_spec(self._step_spec)

    @cached_property
    def parent_step_ids(self) -> list[UUID]:
        upstream = set(self.spec.upstream_steps)
        if not upstream:
            return []
        siblings = self.store.list_step_runs(str(self.pipeline_run_id))
        latest = {s.name: s.id for s in siblings}
        return [UUID(latest[name]) for name in self.spec.upstream_steps if name in latest]

    @property
    def snapshot_id(self) -> UUID:
        """stackwise keeps a run's compiled pipeline on the run: its id stands for it."""
        return self.pipeline_run_id

    # features that arrive with later issues
    type = property(lambda self: None)
    cache_expires_at = property(lambda self: None)
    heartbeat_threshold = property(lambda self: None)
    latest_heartbeat = property(lambda self: None)
    resource_request = property(lambda self: None)
    resource_request_id = property(lambda self: None)

    @property
    def log_collection(self) -> list[LogsResponse]:
        """Where what the step printed and logged is kept ([] when logs were off)."""
        return log_collection(
            self.record.config,
            self._store,
            source="step",
            created=self.start_time,
            step_run_id=self.record.id,
        )

    @property
    def model_version_id(self) -> UUID | None:
        """The model version the step used (its own model, else the pipeline's)."""
        found = self.record.config.get("model_version_id")
        return UUID(found) if found else None

    @cached_property
    def model_version(self) -> ModelVersionResponse | None:
        return model_version_response(self.model_version_id, self._store)

    # -- artifacts -----------------------------------------------------------------------
    def _resolve(self, ids: set[str]) -> dict[str, ArtifactVersionResponse]:
        versions = self.__dict__.get("_versions")
        if versions is None or not ids <= versions.keys():
            fetched = self.store.get_artifact_versions(ids)
            versions = {
                **(versions or {}),
                **{
                    i: ArtifactVersionResponse.from_record(v, self._store)
                    for i, v in fetched.items()
                },
            }
            self.__dict__["_versions"] = versions
        return versions

    @cached_property
    def inputs(self) -> dict[str, ArtifactVersionList]:
        """Each input name -> the list of versions it received (one for a normal input)."""
        versions = self._resolve(set(self.record.inputs.values()))
        own_outputs = {i for ids in self.record.outputs.values() for i in ids}
        out: dict[str, ArtifactVersionList] = {}
        declared = (self._step_spec.get("inputs") or {}) if self.record.inputs else {}
        for name, version_id in self.record.inputs.items():
            version = versions[version_id]
            kind = "step_output" if version.producer_step_run_id is not None else "manual"
            if version_id in own_outputs:
                kind = "step_output"
            if declared and name not in declared:
                kind = "manual"  # loaded by the step's code (load_artifact, .load())
            out[name] = ArtifactVersionList([_as_input(version, kind, 0)])
        from stackwise.models.named_items import NamedItems

        return NamedItems(out, what="input", owner=f"Step run '{self.name}'")

    @property
    def regular_inputs(self) -> dict[str, ArtifactVersionList]:
        return self.inputs

    @property
    def input(self) -> ArtifactVersionResponse:
        """The single input of a one-input step."""
        if len(self.inputs) != 1:
            raise ConfigError(
                f"Step '{self.name}' has {len(self.inputs)} inputs "
                f"({', '.join(self.inputs) or 'none'}); use .inputs[name]."
            )
        return next(iter(self.inputs.values()))._single()

    @cached_property
    def outputs(self) -> dict[str, ArtifactVersionList]:
        """Each output name -> the list of versions saved under it."""
        from stackwise.models.named_items import NamedItems

        versions = self._resolve({i for ids in self.record.outputs.values() for i in ids})
        return NamedItems(
            {
                name: ArtifactVersionList(versions[i] for i in ids)
                for name, ids in self.record.outputs.items()
            },
            what="output",
            owner=f"Step run '{self.name}'",
        )

    @property
    def regular_outputs(self) -> dict[str, ArtifactVersionResponse]:
        return {name: versions[0] for name, versions in self.outputs.items() if versions}

    @property
    def output(self) -> ArtifactVersionResponse:
        """The single output of a one-output step."""
        outputs = self.outputs
        if len(outputs) != 1:
            raise ConfigError(
                f"Step '{self.name}' has {len(outputs)} outputs "
                f"({', '.join(outputs) or 'none'}); use .outputs[name]."
            )
        return next(iter(outputs.values()))._single()

    @cached_property
    def run_metadata(self) -> dict[str, Any]:
        key = str(self.id)
        return self.store.get_metadata(MetadataResourceType.STEP_RUN, [key])[key]

    @property
    def pipeline_run(self) -> PipelineRunResponse:
        from stackwise.models.pipeline_run import PipelineRunResponse

        return PipelineRunResponse.from_record(
            self.store.get_run(str(self.pipeline_run_id)), self._store
        )


def _as_input(version: ArtifactVersionResponse, kind: str, index: int) -> StepRunInputResponse:
    fields = {name: getattr(version, name) for name in ArtifactVersionResponse.model_fields}
    response = StepRunInputResponse.make(version._store, **fields, input_type=kind, index=index)
    if "record" in version.__dict__:
        response.__dict__["record"] = version.__dict__["record"]
    return response


def steps_of_run(run: PipelineRunResponse, store: Store) -> list[StepRunResponse]:
    """Every step run of a run in start order, their artifact versions loaded in one query."""
    records = store.list_step_runs(str(run.id))
    ids = {
        i
        for r in records
        for i in (*r.inputs.values(), *(v for vs in r.outputs.values() for v in vs))
    }
    fetched: dict[str, ArtifactVersionRecord] = store.get_artifact_versions(ids)
    versions = {i: ArtifactVersionResponse.from_record(v, run._store) for i, v in fetched.items()}
    spec = run.record.spec
    return [StepRunResponse.from_record(r, run._store, versions, spec) for r in records]


__all__ = ["StepRunResponse", "steps_of_run"]
