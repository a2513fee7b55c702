"""Pipeline runs: create, read, list, finish, delete, and the liveness writes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from stackwise.enums import ExecutionStatus
from stackwise.exceptions import EntityExistsError
from stackwise.store.filters import Column, FilterSpec
from stackwise.store.records import (
    Page,
    PipelineRecord,
    RunRecord,
    StepRunRecord,
)
from stackwise.store.sql import schema as t
from stackwise.store.sql.rows import _run, _step_values
from stackwise.store.sql.step_runs import StepRunQueries
from stackwise.utils.ids import new_id, utcnow
from stackwise.utils.jsonable import to_jsonable

_c = t.pipeline_runs.c
_pl = t.pipelines.c
_earlier = t.pipeline_runs.alias("earlier")
# a run's number among its pipeline's runs (the first is 1), as a correlated count: only
# queries filtering or sorting by index pay for it, through ix_runs_pipeline_created
_RUN_INDEX = (
    select(func.count())
    .select_from(_earlier)
    .where(_earlier.c.pipeline_id == _c.pipeline_id, _earlier.c.created <= _c.created)
    .correlate(t.pipeline_runs)
    .scalar_subquery()
)

RUN_FILTERS = FilterSpec(
    "Pipeline runs",
    {
        "id": Column(_c.id),
        "name": Column(_c.name),
        "status": Column(_c.status),
        "created": Column(_c.created, "date"),
        "updated": Column(func.coalesce(_c.updated, _c.created), "date"),
        "start_time": Column(func.coalesce(_c.start_time, _c.created), "date"),
        "end_time": Column(_c.end_time, "date"),
        "pipeline_id": Column(_c.pipeline_id),
        "pipeline_name": Column(_pl.name),
        "pipeline": Column(_pl.name),
        "stack_id": Column(_c.stack_id),
        "orchestrator_run_id": Column(_c.orchestrator_run_id),
        "schedule_id": Column(_c.schedule_id),
        "original_run_id": Column(_c.resumed_from_id),
        "index": Column(_RUN_INDEX, "int"),
    },
)
_UNFINISHED = (
    "initializing",
    "provisioning",
    "running",
    "queued",
    "retrying",
    "stopping",
    "paused",
    "resuming",
)


class RunQueries(StepRunQueries):
    # -- runs ----------------------------------------------------------------------------
    def create_run(
        self,
        *,
        pipeline: PipelineRecord,
        name: str,
        spec: dict[str, Any],
        config: dict[str, Any],
        stack_id: str | None,
        resumed_from_id: str | None = None,
    ) -> RunRecord:
        now = utcnow()
        record = RunRecord(
            id=new_id(),
            name=name,
            pipeline_id=pipeline.id,
            pipeline_name=pipeline.name,
            status=ExecutionStatus.RUNNING.value,
            spec=spec,
            config=config,
            stack_id=stack_id,
            created=now,
            end_time=None,
            heartbeat=now,
            resumed_from_id=resumed_from_id,
            updated=now,
            start_time=now,
        )
        values = {k: v for k, v in record.__dict__.items() if k != "pipeline_name"}
        try:
            with self._write() as conn:
                conn.execute(insert(t.pipeline_runs), values)
        except IntegrityError as error:
            raise EntityExistsError(
                f"A pipeline run named '{name}' already exists. Run names are unique: pass "
                "another run_name=, or put {date} and {time} placeholders in it."
            ) from error
        return record

    def get_or_create_scheduled_run(
        self,
        *,
        schedule_id: str,
        orchestrator_run_id: str,
        pipeline: PipelineRecord,
        name: str,
        spec: dict[str, Any],
        config: dict[str, Any],
        stack_id: str | None,
    ) -> RunRecord:
        """The run of one firing of a schedule (the engine's `orchestrator_run_id`), created
        by the first caller; every other caller, at the same time or later, gets that one
        (the unique index on the two ids decides, so no lock is needed)."""
        now = utcnow()
        record = RunRecord(
            id=new_id(),
            name=name,
            pipeline_id=pipeline.id,
            pipeline_name=pipeline.name,
            status=ExecutionStatus.RUNNING.value,
            spec=spec,
            config=config,
            stack_id=stack_id,
            created=now,
            end_time=None,
            heartbeat=now,
            updated=now,
            start_time=now,
            orchestrator_run_id=orchestrator_run_id,
            schedule_id=schedule_id,
        )
        values = {k: v for k, v in record.__dict__.items() if k != "pipeline_name"}
        try:
            with self._write() as conn:
                conn.execute(insert(t.pipeline_runs), values)
            return record
        except IntegrityError as error:
            query = self._run_query().where(
                _c.schedule_id == schedule_id, _c.orchestrator_run_id == orchestrator_run_id
            )
            with self._read() as conn:
                row = conn.execute(query).first()
            if row is None:
                raise EntityExistsError(
                    f"A pipeline run named '{name}' already exists. Put {{date}} and {{time}} "
                    "placeholders in the scheduled pipeline's run_name."
                ) from error
            return _run(row)

    def _run_query(self) -> Any:
        return select(t.pipeline_runs, t.pipelines.c.name.label("pipeline_name")).join(
            t.pipelines, t.pipelines.c.id == t.pipeline_runs.c.pipeline_id
        )

    def get_run(self, name_or_id: str, *, allow_name_prefix: bool = False) -> RunRecord:
        with self._read() as conn:
            row = self._find(
                conn,
                self._run_query(),
                _c.id,
                _c.name,
                name_or_id,
                "pipeline run",
                allow_name_prefix=allow_name_prefix,
            )
        return _run(row)

    def run_index(self, run_id: str) -> int:
        """The run's number among its pipeline's runs, counted by creation (the first is 1)."""
        mine = select(_c.pipeline_id, _c.created).where(_c.id == str(run_id)).subquery()
        query = (
            select(func.count())
            .select_from(t.pipeline_runs)
            .where(_c.pipeline_id == mine.c.pipeline_id, _c.created <= mine.c.created)
        )
        with self._read() as conn:
            return int(conn.execute(query).scalar() or 0)

    def last_run(self, pipeline_id: str) -> RunRecord | None:
        c = t.pipeline_runs.c
        query = self._run_query().where(c.pipeline_id == pipeline_id)
        with self._read() as conn:
            row = conn.execute(query.order_by(c.created.desc()).limit(1)).first()
        return _run(row) if row is not None else None

    def list_runs(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "desc:created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
        tags: list[str] | None = None,
        in_progress: bool | None = None,
    ) -> Page[RunRecord]:
        query = self._run_query()
        if tags:
            query = query.where(_c.id.in_(self.tagged_ids("pipeline_run", tags)))
        if in_progress is not None:
            unfinished = _c.status.in_(_UNFINISHED)
            query = query.where(unfinished if in_progress else ~unfinished)
        return self._list(
            query,
            RUN_FILTERS,
            _run,
            filters=filters,
            sort_by=sort_by,
            logical_operator=logical_operator,
            index=index,
            size=size,
            tiebreak=_c.id,
        )

    def update_run(
        self,
        run_id: str,
        *,
        name: str | None = None,
        orchestrator_run_id: str | None = None,
        spec: dict[str, Any] | None = None,
    ) -> RunRecord:
        values: dict[str, Any] = {"updated": utcnow()}
        if spec is not None:  # a dynamic run's spec grows as its steps are called
            values["spec"] = spec
        if name is not None:
            values["name"] = name
        if orchestrator_run_id is not None:
            values["orchestrator_run_id"] = orchestrator_run_id
        try:
            with self._write() as conn:
                conn.execute(update(t.pipeline_runs).where(_c.id == run_id).values(**values))
        except IntegrityError as error:
            raise EntityExistsError(f"A pipeline run named '{name}' already exists.") from error
        return self.get_run(run_id)

    def finish_run(self, run_id: str, status: str) -> None:
        with self._write() as conn:
            now = utcnow()
            conn.execute(
                update(t.pipeline_runs)
                .where(t.pipeline_runs.c.id == run_id)
                .values(status=str(status), end_time=now, updated=now)
            )

    # -- liveness (stackwise.execution.liveness) -----------------------------------------
    def beat_run(self, run_id: str) -> None:
        """The orchestrator of a running run is alive: stamp its heartbeat."""
        c = t.pipeline_runs.c
        with self._write() as conn:
            conn.execute(
                update(t.pipeline_runs)
                .where(c.id == run_id, c.status == ExecutionStatus.RUNNING.value)
                .values(heartbeat=utcnow())
            )

    def fail_dead_run(
        self, run_id: str, *, step_exception_info: dict[str, Any], stale_before: Any = None
    ) -> bool:
        """Mark a running run whose orchestrator died `failed`, and its `running` step runs
        with it, in one write. With `stale_before` (a datetime), only while its heartbeat is
        older than that, so a beat that arrives meanwhile wins. True if the run changed."""
        c, s = t.pipeline_runs.c, t.step_runs.c
        running = ExecutionStatus.RUNNING.value
        failed = ExecutionStatus.FAILED.value
        conditions = [c.id == run_id, c.status == running]
        if stale_before is not None:
            conditions.append(func.coalesce(c.heartbeat, c.created) < stale_before)
        now = utcnow()
        with self._write() as conn:
            changed = conn.execute(
                update(t.pipeline_runs).where(*conditions).values(status=failed, end_time=now)
            ).rowcount
            if changed:
                conn.execute(
                    update(t.step_runs)
                    .where(s.run_id == run_id, s.status == running)
                    .values(
                        status=failed, end_time=now, exception_info=to_jsonable(step_exception_info)
                    )
                )
        return bool(changed)

    def fail_unfinished_step_run(
        self,
        *,
        run_id: str,
        name: str,
        source: str,
        config: dict[str, Any],
        exception_info: dict[str, Any],
    ) -> str:
        """Record the end of a step whose worker could not (killed, timed out, crashed before
        its first write), in one write: its `running` step run becomes `failed`, or a failed
        one is added when none is running. A step run the worker did finish keeps its status.
        Returns the step's final status."""
        s = t.step_runs.c
        now = utcnow()
        with self._write() as conn:
            latest = conn.execute(
                select(s.id, s.status, s.attempt)
                .where(s.run_id == run_id, s.name == name)
                .order_by(s.attempt.desc(), s.start_time.desc())
                .limit(1)
            ).first()
            if latest is not None and latest.status not in (
                ExecutionStatus.RUNNING.value,
                ExecutionStatus.RETRIED.value,
            ):
                return str(latest.status)
            info = to_jsonable(exception_info)
            failed = ExecutionStatus.FAILED.value
            if latest is not None and latest.status == ExecutionStatus.RUNNING.value:
                conn.execute(
                    update(t.step_runs)
                    .where(s.id == latest.id)
                    .values(status=failed, end_time=now, exception_info=info)
                )
            else:  # it never started a step run, or died between two retries
                conn.execute(
                    insert(t.step_runs),
                    _step_values(
                        StepRunRecord(
                            id=new_id(),
                            run_id=run_id,
                            name=name,
                            status=failed,
                            cache_key=None,
                            code_hash=None,
                            source=source,
                            config=config,
                            start_time=now,
                            end_time=now,
                            attempt=latest.attempt + 1 if latest is not None else 1,
                            original_step_run_id=None,
                            exception_info=info,
                        )
                    ),
                )
        return failed

    def delete_run(self, run_id: str) -> None:
        """Delete a run, its step runs and hook invocations; artifact versions stay (other
        runs may use them)."""
        with self._write() as conn:
            step_ids = select(t.step_runs.c.id).where(t.step_runs.c.run_id == run_id)
            conn.execute(delete(t.step_run_io).where(t.step_run_io.c.step_run_id.in_(step_ids)))
            conn.execute(delete(t.run_metadata).where(t.run_metadata.c.resource_id == run_id))
            conn.execute(delete(t.run_metadata).where(t.run_metadata.c.resource_id.in_(step_ids)))
            self._drop_tag_links(conn, "pipeline_run", [run_id])
            conn.execute(delete(t.hook_invocations).where(t.hook_invocations.c.run_id == run_id))
            conn.execute(
                delete(t.model_version_runs).where(t.model_version_runs.c.run_id == run_id)
            )
            conn.execute(delete(t.step_runs).where(t.step_runs.c.run_id == run_id))
            conn.execute(delete(t.pipeline_runs).where(t.pipeline_runs.c.id == run_id))
