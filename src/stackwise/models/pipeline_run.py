"""What users get back for pipelines, runs and step runs. Relations load on first access and
are kept, so reading `run.steps[...]` in a loop never repeats a query."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from stackwise.enums import ExecutionStatus, MetadataResourceType
from stackwise.models.artifact_version import ArtifactVersionList, ArtifactVersionResponse

if TYPE_CHECKING:
    from stackwise.store.records import PipelineRecord, RunRecord, StepRunRecord
    from stackwise.store.sql.sql_store import SqlStore


def _config_view(values: dict[str, Any]) -> SimpleNamespace:
    view = SimpleNamespace(**values)
    view.parameters = dict(values.get("parameters", {}))
    return view


class PipelineResponse:
    def __init__(self, record: PipelineRecord, store: SqlStore) -> None:
        self.record = record
        self._store = store

    id = property(lambda self: self.record.id)
    name = property(lambda self: self.record.name)

    def __repr__(self) -> str:
        return f"PipelineResponse(name={self.name!r})"

    @cached_property
    def last_run(self) -> PipelineRunResponse:
        record = self._store.last_run(self.id)
        if record is None:
            raise RuntimeError(f"Pipeline '{self.name}' has no runs yet.")
        return PipelineRunResponse(record, self._store)

    @property
    def last_successful_run(self) -> PipelineRunResponse:
        page = self._store.list_runs(pipeline_id=self.id, status="completed", size=1)
        if not page.items:
            raise RuntimeError(f"Pipeline '{self.name}' has no successful runs yet.")
        return PipelineRunResponse(page.items[0], self._store)

    @cached_property
    def runs(self) -> list[PipelineRunResponse]:
        """The newest runs first (up to 1,000; use Client().list_pipeline_runs to page)."""
        page = self._store.list_runs(pipeline_id=self.id, size=1000)
        return [PipelineRunResponse(r, self._store) for r in page.items]


class PipelineRunResponse:
    def __init__(self, record: RunRecord, store: SqlStore) -> None:
        self.record = record
        self._store = store

    id = property(lambda self: self.record.id)
    name = property(lambda self: self.record.name)
    pipeline_name = property(lambda self: self.record.pipeline_name)

    def __repr__(self) -> str:
        return f"PipelineRunResponse(name={self.name!r}, status={self.status.value!r})"

    @property
    def status(self) -> ExecutionStatus:
        return ExecutionStatus(self.record.status)

    @property
    def pipeline(self) -> SimpleNamespace:
        return SimpleNamespace(id=self.record.pipeline_id, name=self.record.pipeline_name)

    @property
    def created(self) -> datetime:
        return self.record.created

    start_time = created

    @property
    def end_time(self) -> datetime | None:
        return self.record.end_time

    @property
    def config(self) -> SimpleNamespace:
        return _config_view(self.record.config)

    @property
    def spec(self) -> dict[str, Any]:
        return self.record.spec

    @cached_property
    def run_metadata(self) -> dict[str, Any]:
        return self._store.get_metadata(MetadataResourceType.PIPELINE_RUN, [self.id])[self.id]

    @cached_property
    def steps(self) -> dict[str, StepRunResponse]:
        """Step runs by invocation id (the last attempt of a retried step)."""
        records = self._store.list_step_runs(self.id)
        ids = {i for r in records for i in (*r.inputs.values(),
                                               *(v for vs in r.outputs.values() for v in vs))}
        versions = {i: ArtifactVersionResponse(v, self._store)
                    for i, v in self._store.get_artifact_versions(ids).items()}
        steps: dict[str, StepRunResponse] = {}
        for record in records:
            steps[record.name] = StepRunResponse(record, self._store, versions)
        return steps

    @cached_property
    def step_attempts(self) -> list[StepRunResponse]:
        """Every step run of this run, retried attempts included, in start order."""
        return [StepRunResponse(r, self._store) for r in self._store.list_step_runs(self.id)]

    def refresh(self) -> PipelineRunResponse:
        return PipelineRunResponse(self._store.get_run(self.id), self._store)


class StepRunResponse:
    def __init__(self, record: StepRunRecord, store: SqlStore,
                 versions: dict[str, ArtifactVersionResponse] | None = None) -> None:
        self.record = record
        self._store = store
        self._versions = versions

    id = property(lambda self: self.record.id)
    name = property(lambda self: self.record.name)
    cache_key = property(lambda self: self.record.cache_key)
    exception_info = property(lambda self: self.record.exception_info)
    original_step_run_id = property(lambda self: self.record.original_step_run_id)
    start_time = property(lambda self: self.record.start_time)
    end_time = property(lambda self: self.record.end_time)
    attempt = property(lambda self: self.record.attempt)
    pipeline_run_id = property(lambda self: self.record.run_id)
    source = property(lambda self: self.record.source)

    def __repr__(self) -> str:
        return f"StepRunResponse(name={self.name!r}, status={self.status.value!r})"

    @property
    def status(self) -> ExecutionStatus:
        return ExecutionStatus(self.record.status)

    @property
    def config(self) -> SimpleNamespace:
        return _config_view(self.record.config)

    def _resolve(self, ids: set[str]) -> dict[str, ArtifactVersionResponse]:
        if self._versions is None or not ids <= self._versions.keys():
            fetched = self._store.get_artifact_versions(ids)
            self._versions = {**(self._versions or {}),
                              **{i: ArtifactVersionResponse(v, self._store)
                                 for i, v in fetched.items()}}
        return self._versions

    @cached_property
    def inputs(self) -> dict[str, ArtifactVersionResponse]:
        versions = self._resolve(set(self.record.inputs.values()))
        return {name: versions[i] for name, i in self.record.inputs.items()}

    @cached_property
    def outputs(self) -> dict[str, ArtifactVersionList]:
        versions = self._resolve({i for ids in self.record.outputs.values() for i in ids})
        return {name: ArtifactVersionList(versions[i] for i in ids)
                for name, ids in self.record.outputs.items()}

    @property
    def output(self) -> ArtifactVersionResponse:
        """The single output of a one-output step."""
        outputs = self.outputs
        if len(outputs) != 1:
            raise ValueError(f"Step '{self.name}' has {len(outputs)} outputs "
                             f"({', '.join(outputs) or 'none'}); use .outputs[name].")
        return next(iter(outputs.values()))._single()

    @cached_property
    def run_metadata(self) -> dict[str, Any]:
        return self._store.get_metadata(MetadataResourceType.STEP_RUN, [self.id])[self.id]
