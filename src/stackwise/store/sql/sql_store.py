"""SqlStore: the Store interface on SQLAlchemy Core.

Core, not the ORM: a step's bookkeeping is a handful of statements and the ORM's unit of work
would cost more than the step. Budgets (DESIGN.md): an executed step costs two write
transactions (`start_step_run`, `finish_step_run`), a cached step one read
(`find_cached_step_run`) and one write (`record_cached_step_run`). Listings page in SQL and load
relations in one extra query per page, never one per row.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    Connection,
    Row,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError, OperationalError

from stackwise.enums import ExecutionStatus
from stackwise.exceptions import EntityExistsError, EntityNotFoundError, StackwiseError, not_found
from stackwise.store.records import (
    ArtifactRecord,
    ArtifactVersionRecord,
    ComponentRecord,
    NewArtifactVersion,
    Page,
    PipelineRecord,
    RunRecord,
    StackRecord,
    StepRunRecord,
)
from stackwise.store.sql import schema as t
from stackwise.store.sql.engine import SINGLE_READ_OPTION, WRITE_OPTION, ensure_schema, make_engine
from stackwise.utils.ids import new_id, utcnow
from stackwise.utils.jsonable import to_jsonable

_LOCK_RETRIES = 8

# Hot-path statements, built once: their compiled form is cached and reused.
_INSERT_STEP_RUN = insert(t.step_runs)
_INSERT_ARTIFACT = insert(t.artifacts)
_INSERT_VERSION = insert(t.artifact_versions)
_INSERT_IO = insert(t.step_run_io)
_INSERT_METADATA = insert(t.run_metadata)
_FINISH_STEP_RUN = (update(t.step_runs).where(t.step_runs.c.id == bindparam("_id"))
                    .values(status=bindparam("status"), end_time=bindparam("end_time"),
                            exception_info=bindparam("exception_info")))
_ARTIFACT_ID_BY_NAME = select(t.artifacts.c.id).where(t.artifacts.c.name == bindparam("name"))
_MAX_VERSION = (select(func.max(t.artifact_versions.c.version_number))
                .where(t.artifact_versions.c.artifact_id == bindparam("artifact_id")))
_VERSION_EXISTS = select(t.artifact_versions.c.id).where(
    t.artifact_versions.c.artifact_id == bindparam("artifact_id"),
    t.artifact_versions.c.version == bindparam("version"))



def _cached_step_run_query() -> Any:
    """The newest completed step run with a cache key, joined to its outputs."""
    s, io = t.step_runs.c, t.step_run_io.c
    newest = (select(s.id).where(s.cache_key == bindparam("cache_key"), s.status == "completed")
              .order_by(s.end_time.desc()).limit(1).scalar_subquery())
    return (
        select(t.step_runs, io.name.label("io_name"), *_version_columns())
        .select_from(t.step_runs)
        .outerjoin(t.step_run_io, and_(io.step_run_id == s.id, io.kind == "output"))
        .outerjoin(t.artifact_versions, t.artifact_versions.c.id == io.artifact_version_id)
        .outerjoin(t.artifacts, t.artifacts.c.id == t.artifact_versions.c.artifact_id)
        .where(s.id == newest)
    )


RUN_SORT_COLUMNS = {"created": t.pipeline_runs.c.created, "name": t.pipeline_runs.c.name,
                    "status": t.pipeline_runs.c.status, "end_time": t.pipeline_runs.c.end_time}


def _looks_like_id(value: str) -> bool:
    return len(value) == 36 and value.count("-") == 4


class SqlStore:
    """The metadata store. Thread-safe; one instance per process and URL (see `get_store`)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        ensure_schema(self.engine, url)
        self._artifact_ids: dict[str, str] = {}

    def close(self) -> None:
        self.engine.dispose()

    # -- transactions --------------------------------------------------------------------
    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction; retried with backoff while another process holds the lock."""
        for attempt in range(_LOCK_RETRIES):
            try:
                with self.engine.connect().execution_options(**{WRITE_OPTION: True}) as conn:
                    with conn.begin():
                        yield conn
                return
            except OperationalError as error:
                if "locked" not in str(error) or attempt == _LOCK_RETRIES - 1:
                    raise
                time.sleep(0.05 * 2**attempt)

    def upgrade_schema(self) -> None:
        from stackwise.store.sql.engine import upgrade

        upgrade(self.engine)

    # -- pipelines -----------------------------------------------------------------------
    def get_or_create_pipeline(self, name: str) -> PipelineRecord:
        with self._read() as conn:
            row = conn.execute(select(t.pipelines).where(t.pipelines.c.name == name)).first()
        if row is not None:
            return _pipeline(row)
        record = PipelineRecord(id=new_id(), name=name, created=utcnow())
        try:
            with self._write() as conn:
                conn.execute(insert(t.pipelines), record.__dict__)
        except IntegrityError:  # created by a concurrent process meanwhile
            return self.get_pipeline(name)
        return record

    def get_pipeline(self, name_or_id: str) -> PipelineRecord:
        c = t.pipelines.c
        with self._read() as conn:
            row = conn.execute(
                select(t.pipelines).where(or_(c.name == name_or_id, c.id == name_or_id))
            ).first()
            if row is None:
                names = conn.execute(select(c.name)).scalars().all()
                raise not_found("pipeline", name_or_id, names)
        return _pipeline(row)

    def list_pipelines(self, *, name: str | None = None, index: int = 1,
                       size: int = 50) -> Page[PipelineRecord]:
        query = select(t.pipelines)
        if name:
            query = query.where(t.pipelines.c.name.contains(name))
        return self._page(query, t.pipelines.c.created.desc(), _pipeline, index, size)

    # -- runs ----------------------------------------------------------------------------
    def create_run(self, *, pipeline: PipelineRecord, name: str, spec: dict[str, Any],
                   config: dict[str, Any], stack_id: str | None,
                   resumed_from_id: str | None = None) -> RunRecord:
        now = utcnow()
        record = RunRecord(id=new_id(), name=name, pipeline_id=pipeline.id,
                           pipeline_name=pipeline.name, status=ExecutionStatus.RUNNING.value,
                           spec=spec, config=config, stack_id=stack_id, created=now,
                           end_time=None, heartbeat=now, resumed_from_id=resumed_from_id)
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

    def _run_query(self) -> Any:
        return select(t.pipeline_runs, t.pipelines.c.name.label("pipeline_name")).join(
            t.pipelines, t.pipelines.c.id == t.pipeline_runs.c.pipeline_id
        )

    def get_run(self, name_or_id: str) -> RunRecord:
        c = t.pipeline_runs.c
        cond = c.id == name_or_id if _looks_like_id(name_or_id) else c.name == name_or_id
        with self._read() as conn:
            row = conn.execute(self._run_query().where(cond)).first()
            if row is None:
                recent = conn.execute(select(c.name).order_by(c.created.desc()).limit(200))
                raise not_found("pipeline run", name_or_id, recent.scalars().all())
        return _run(row)

    def last_run(self, pipeline_id: str) -> RunRecord | None:
        c = t.pipeline_runs.c
        query = self._run_query().where(c.pipeline_id == pipeline_id)
        with self._read() as conn:
            row = conn.execute(query.order_by(c.created.desc()).limit(1)).first()
        return _run(row) if row is not None else None

    def list_runs(self, *, pipeline_id: str | None = None, status: str | None = None,
                  name: str | None = None, sort_by: str = "created", descending: bool = True,
                  index: int = 1, size: int = 50) -> Page[RunRecord]:
        c = t.pipeline_runs.c
        if sort_by not in RUN_SORT_COLUMNS:
            raise ValueError(f"Cannot sort runs by '{sort_by}'; use one of "
                             f"{', '.join(RUN_SORT_COLUMNS)}.")
        query = self._run_query()
        if pipeline_id:
            query = query.where(c.pipeline_id == pipeline_id)
        if status:
            query = query.where(c.status == str(status))
        if name:
            query = query.where(c.name.contains(name))
        column = RUN_SORT_COLUMNS[sort_by]
        return self._page(query, column.desc() if descending else column.asc(), _run, index, size)

    def finish_run(self, run_id: str, status: str) -> None:
        with self._write() as conn:
            conn.execute(update(t.pipeline_runs).where(t.pipeline_runs.c.id == run_id)
                         .values(status=str(status), end_time=utcnow()))

    # -- liveness (stackwise.execution.liveness) -----------------------------------------
    def beat_run(self, run_id: str) -> None:
        """The orchestrator of a running run is alive: stamp its heartbeat."""
        c = t.pipeline_runs.c
        with self._write() as conn:
            conn.execute(update(t.pipeline_runs)
                         .where(c.id == run_id, c.status == ExecutionStatus.RUNNING.value)
                         .values(heartbeat=utcnow()))

    def fail_dead_run(self, run_id: str, *, step_exception_info: dict[str, Any],
                      stale_before: Any = None) -> bool:
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
            changed = conn.execute(update(t.pipeline_runs).where(*conditions)
                                   .values(status=failed, end_time=now)).rowcount
            if changed:
                conn.execute(update(t.step_runs).where(s.run_id == run_id, s.status == running)
                             .values(status=failed, end_time=now,
                                     exception_info=to_jsonable(step_exception_info)))
        return bool(changed)

    def fail_unfinished_step_run(self, *, run_id: str, name: str, source: str,
                                 config: dict[str, Any], exception_info: dict[str, Any]) -> str:
        """Record the end of a step whose worker could not (killed, timed out, crashed before
        its first write), in one write: its `running` step run becomes `failed`, or a failed
        one is added when none is running. A step run the worker did finish keeps its status.
        Returns the step's final status."""
        s = t.step_runs.c
        now = utcnow()
        with self._write() as conn:
            latest = conn.execute(select(s.id, s.status, s.attempt)
                                  .where(s.run_id == run_id, s.name == name)
                                  .order_by(s.attempt.desc(), s.start_time.desc())
                                  .limit(1)).first()
            if latest is not None and latest.status not in (ExecutionStatus.RUNNING.value,
                                                            ExecutionStatus.RETRIED.value):
                return str(latest.status)
            info = to_jsonable(exception_info)
            failed = ExecutionStatus.FAILED.value
            if latest is not None and latest.status == ExecutionStatus.RUNNING.value:
                conn.execute(update(t.step_runs).where(s.id == latest.id)
                             .values(status=failed, end_time=now, exception_info=info))
            else:  # it never started a step run, or died between two retries
                conn.execute(_INSERT_STEP_RUN, _step_values(StepRunRecord(
                    id=new_id(), run_id=run_id, name=name, status=failed, cache_key=None,
                    code_hash=None, source=source, config=config, start_time=now,
                    end_time=now, attempt=latest.attempt + 1 if latest is not None else 1,
                    original_step_run_id=None, exception_info=info)))
        return failed

    def delete_run(self, run_id: str) -> None:
        """Delete a run and its step runs; artifact versions stay (other runs may use them)."""
        with self._write() as conn:
            step_ids = select(t.step_runs.c.id).where(t.step_runs.c.run_id == run_id)
            conn.execute(delete(t.step_run_io).where(t.step_run_io.c.step_run_id.in_(step_ids)))
            conn.execute(delete(t.run_metadata).where(t.run_metadata.c.resource_id == run_id))
            conn.execute(delete(t.step_runs).where(t.step_runs.c.run_id == run_id))
            conn.execute(delete(t.pipeline_runs).where(t.pipeline_runs.c.id == run_id))

    # -- step runs -----------------------------------------------------------------------
    def start_step_run(self, *, run_id: str, name: str, source: str, config: dict[str, Any],
                       cache_key: str | None, code_hash: str | None,
                       inputs: Mapping[str, str], attempt: int = 1) -> StepRunRecord:
        """Write transaction 1 of an executed step: the running step run and its inputs."""
        record = StepRunRecord(
            id=new_id(), run_id=run_id, name=name, status=ExecutionStatus.RUNNING.value,
            cache_key=cache_key, code_hash=code_hash, source=source, config=config,
            start_time=utcnow(), end_time=None, attempt=attempt, original_step_run_id=None,
            exception_info=None, inputs=dict(inputs), outputs={},
        )
        with self._write() as conn:
            conn.execute(_INSERT_STEP_RUN, _step_values(record))
            self._link(conn, record.id, [("input", n, v) for n, v in inputs.items()])
        return record

    def finish_step_run(self, step_run: StepRunRecord, *, status: str,
                        outputs: Sequence[tuple[str, NewArtifactVersion]] = (),
                        linked_outputs: Mapping[str, str] | None = None,
                        metadata: Mapping[tuple[str, str], Mapping[str, Any]] | None = None,
                        exception_info: dict[str, Any] | None = None,
                        ) -> dict[str, ArtifactVersionRecord]:
        """Write transaction 2: outputs, their metadata and the final status, all or nothing.

        `metadata` maps (resource type, resource id) to values; an output's metadata travels on
        its NewArtifactVersion. Returns the registered output versions by output name.
        """
        saved: dict[str, ArtifactVersionRecord] = {}
        with self._write() as conn:
            for output_name, new in outputs:
                saved[output_name] = self._insert_version(conn, new, step_run.id)
            links = [(n, v.id) for n, v in saved.items()]
            links += list((linked_outputs or {}).items())
            self._link(conn, step_run.id, [("output", n, v) for n, v in links])
            for (kind, resource_id), values in (metadata or {}).items():
                self._insert_metadata(conn, kind, resource_id, values)
            conn.execute(_FINISH_STEP_RUN, {
                "_id": step_run.id, "status": str(status), "end_time": utcnow(),
                "exception_info": to_jsonable(exception_info) if exception_info else None})
        return saved

    def find_cached_step_run(self, cache_key: str
                             ) -> tuple[StepRunRecord, dict[str, ArtifactVersionRecord]] | None:
        """The newest completed step run with this cache key, and its outputs (one read)."""
        with self.engine.connect().execution_options(**{SINGLE_READ_OPTION: True}) as conn:
            rows = conn.execute(_CACHED_STEP_RUN, {"cache_key": cache_key}).all()
        if not rows:
            return None
        outputs = {r.io_name: _version(r, prefix="v_") for r in rows if r.io_name is not None}
        record = _step_run(rows[0], {}, {n: [v.id] for n, v in outputs.items()})
        return record, outputs

    def record_cached_step_run(self, *, run_id: str, name: str, source: str,
                               config: dict[str, Any], cache_key: str, code_hash: str | None,
                               original: StepRunRecord, inputs: Mapping[str, str],
                               outputs: Mapping[str, str], status: str = "cached"
                               ) -> StepRunRecord:
        """The one write of a cached step: a finished step run pointing at existing outputs."""
        now = utcnow()
        record = StepRunRecord(
            id=new_id(), run_id=run_id, name=name, status=status, cache_key=cache_key,
            code_hash=code_hash, source=source, config=config, start_time=now, end_time=now,
            attempt=1, original_step_run_id=original.id, exception_info=None,
            inputs=dict(inputs), outputs={k: [v] for k, v in outputs.items()},
        )
        with self._write() as conn:
            conn.execute(_INSERT_STEP_RUN, _step_values(record))
            self._link(conn, record.id, [("input", n, v) for n, v in inputs.items()]
                       + [("output", n, v) for n, v in outputs.items()])
        return record

    def get_step_run(self, step_run_id: str) -> StepRunRecord:
        with self._read() as conn:
            row = conn.execute(select(t.step_runs).where(t.step_runs.c.id == step_run_id)).first()
            if row is None:
                raise EntityNotFoundError(f"No step run with id '{step_run_id}'.")
            inputs, outputs = self._io(conn, [step_run_id])
        return _step_run(row, inputs.get(step_run_id, {}), outputs.get(step_run_id, {}))

    def list_step_runs(self, run_id: str) -> list[StepRunRecord]:
        """Every step run of a run, in start order, with inputs and outputs (two queries)."""
        with self._read() as conn:
            rows = conn.execute(select(t.step_runs).where(t.step_runs.c.run_id == run_id)
                                .order_by(t.step_runs.c.start_time, t.step_runs.c.attempt)).all()
            inputs, outputs = self._io(conn, [r.id for r in rows])
        return [_step_run(r, inputs.get(r.id, {}), outputs.get(r.id, {})) for r in rows]

    def _io(self, conn: Connection, step_run_ids: list[str]
            ) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, list[str]]]]:
        inputs: dict[str, dict[str, str]] = {}
        outputs: dict[str, dict[str, list[str]]] = {}
        if not step_run_ids:
            return inputs, outputs
        io = t.step_run_io.c
        for row in conn.execute(select(t.step_run_io).where(io.step_run_id.in_(step_run_ids))):
            if row.kind == "input":
                inputs.setdefault(row.step_run_id, {})[row.name] = row.artifact_version_id
            else:
                outputs.setdefault(row.step_run_id, {}).setdefault(row.name, []).append(
                    row.artifact_version_id)
        return inputs, outputs

    @staticmethod
    def _link(conn: Connection, step_run_id: str,
              links: Iterable[tuple[str, str, str]]) -> None:
        """Record (kind, name, artifact version id) links of a step run in one statement."""
        rows = [{"step_run_id": step_run_id, "name": n, "kind": kind, "artifact_version_id": v}
                for kind, n, v in links]
        if rows:
            conn.execute(_INSERT_IO, rows)

    # -- artifacts -----------------------------------------------------------------------
    def create_artifact_version(self, new: NewArtifactVersion,
                                producer_step_run_id: str | None = None
                                ) -> ArtifactVersionRecord:
        with self._write() as conn:
            return self._insert_version(conn, new, producer_step_run_id)

    def _artifact_id(self, conn: Connection, name: str, tags: list[str]) -> tuple[str, bool]:
        """The artifact's id, and whether this transaction just created it."""
        cached = self._artifact_ids.get(name)
        if cached is not None:
            return cached, False
        artifact_id = conn.execute(_ARTIFACT_ID_BY_NAME, {"name": name}).scalar()
        if artifact_id is None:
            artifact_id = new_id()
            conn.execute(_INSERT_ARTIFACT, {"id": artifact_id, "name": name, "created": utcnow(),
                                            "tags": tags})
            return artifact_id, True  # cached once seen committed: a rollback would undo it
        self._artifact_ids[name] = artifact_id
        return artifact_id, False

    def _insert_version(self, conn: Connection, new: NewArtifactVersion,
                        producer_step_run_id: str | None) -> ArtifactVersionRecord:
        artifact_id, created = self._artifact_id(conn, new.name, new.tags)
        number = None
        version = new.version
        if version is None:
            top = None if created else conn.execute(_MAX_VERSION,
                                                     {"artifact_id": artifact_id}).scalar()
            number = (top or 0) + 1
            version = str(number)
        else:
            taken = conn.execute(_VERSION_EXISTS, {"artifact_id": artifact_id,
                                                   "version": str(version)}).first()
            if taken is not None:
                raise EntityExistsError(
                    f"Artifact '{new.name}' already has a version '{version}'. Give another "
                    "version=, or leave it out to get the next number."
                )
            if str(version).isdigit():
                number = int(version)
        record = ArtifactVersionRecord(
            id=new.id, artifact_id=artifact_id, name=new.name, version=str(version),
            version_number=number, uri=new.uri, materializer=new.materializer,
            data_type=new.data_type, artifact_type=new.artifact_type,
            content_hash=new.content_hash, artifact_store_id=new.artifact_store_id,
            save_type=new.save_type, tags=list(new.tags), created=utcnow(),
            producer_step_run_id=producer_step_run_id, format=new.format,
        )
        conn.execute(_INSERT_VERSION, {k: v for k, v in record.__dict__.items() if k != "name"})
        if new.metadata:
            self._insert_metadata(conn, "artifact_version", record.id, new.metadata)
        return record

    def get_artifact(self, name_or_id: str) -> ArtifactRecord:
        c = t.artifacts.c
        with self._read() as conn:
            row = conn.execute(select(t.artifacts).where(
                or_(c.name == name_or_id, c.id == name_or_id))).first()
            if row is None:
                raise not_found("artifact", name_or_id, conn.execute(select(c.name)).scalars())
        return ArtifactRecord(id=row.id, name=row.name, created=row.created, tags=row.tags)

    def list_artifacts(self, *, name: str | None = None, index: int = 1,
                       size: int = 50) -> Page[ArtifactRecord]:
        query = select(t.artifacts)
        if name:
            query = query.where(t.artifacts.c.name.contains(name))
        return self._page(query, t.artifacts.c.name.asc(),
                          lambda r: ArtifactRecord(r.id, r.name, r.created, r.tags), index, size)

    def _version_query(self) -> Any:
        return select(*_version_columns()).select_from(t.artifact_versions).join(
            t.artifacts, t.artifacts.c.id == t.artifact_versions.c.artifact_id)

    def get_artifact_version(self, name_or_id: str,
                             version: str | int | None = None) -> ArtifactVersionRecord:
        """By id, or by artifact name and version (the newest when `version` is None)."""
        c = t.artifact_versions.c
        query = self._version_query()
        if version is None and _looks_like_id(name_or_id):
            query = query.where(c.id == name_or_id)
        else:
            query = query.where(t.artifacts.c.name == name_or_id)
            if version is None:
                query = query.order_by(c.created.desc()).limit(1)
            else:
                query = query.where(c.version == str(version))
        with self._read() as conn:
            row = conn.execute(query).first()
            if row is None:
                if version is None:
                    names = conn.execute(select(t.artifacts.c.name)).scalars().all()
                    raise not_found("artifact", name_or_id, names)
                versions = conn.execute(self._version_query().with_only_columns(c.version)
                                        .where(t.artifacts.c.name == name_or_id)).scalars()
                raise not_found(f"version of artifact '{name_or_id}'", str(version), versions)
        return _version(row, prefix="v_")

    def get_artifact_versions(self, ids: Iterable[str]) -> dict[str, ArtifactVersionRecord]:
        ids = list(set(ids))
        if not ids:
            return {}
        query = self._version_query().where(t.artifact_versions.c.id.in_(ids))
        with self._read() as conn:
            return {r.v_id: _version(r, prefix="v_") for r in conn.execute(query)}

    def list_artifact_versions(self, *, name: str | None = None, index: int = 1,
                               size: int = 50) -> Page[ArtifactVersionRecord]:
        query = self._version_query()
        if name:
            query = query.where(t.artifacts.c.name == name)
        return self._page(query, t.artifact_versions.c.created.desc(),
                          lambda r: _version(r, prefix="v_"), index, size)

    # -- metadata ------------------------------------------------------------------------
    def add_metadata(self, resource_type: str, resource_id: str,
                     values: Mapping[str, Any]) -> None:
        with self._write() as conn:
            self._insert_metadata(conn, resource_type, resource_id, values)

    @staticmethod
    def _insert_metadata(conn: Connection, resource_type: str, resource_id: str,
                         values: Mapping[str, Any]) -> None:
        now = utcnow()
        rows = [{"resource_type": str(resource_type), "resource_id": resource_id, "key": k,
                 "value": to_jsonable(v), "created": now} for k, v in values.items()]
        if rows:
            conn.execute(_INSERT_METADATA, rows)

    def get_metadata(self, resource_type: str,
                     resource_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Metadata per resource id; a key logged twice keeps its newest value."""
        ids = list(resource_ids)
        out: dict[str, dict[str, Any]] = {i: {} for i in ids}
        if not ids:
            return out
        c = t.run_metadata.c
        query = (select(c.resource_id, c.key, c.value)
                 .where(c.resource_type == str(resource_type), c.resource_id.in_(ids))
                 .order_by(c.id))
        with self._read() as conn:
            for row in conn.execute(query):
                out[row.resource_id][row.key] = row.value
        return out

    # -- stack components ----------------------------------------------------------------
    def create_component(self, *, name: str, type: str, flavor: str,
                         configuration: dict[str, Any]) -> ComponentRecord:
        record = ComponentRecord(id=new_id(), name=name, type=str(type), flavor=flavor,
                                 configuration=configuration, created=utcnow())
        try:
            with self._write() as conn:
                conn.execute(insert(t.stack_components), record.__dict__)
        except IntegrityError as error:
            label = str(type).replace("_", " ")
            article = "An" if label[0] in "aeiou" else "A"
            raise EntityExistsError(
                f"{article} {label} named '{name}' already exists. Pick another name, or change "
                f"it with `stackwise {str(type).replace('_', '-')} update {name}`."
            ) from error
        return record

    def get_component(self, type: str, name_or_id: str) -> ComponentRecord:
        c = t.stack_components.c
        with self._read() as conn:
            row = conn.execute(select(t.stack_components).where(
                c.type == str(type), or_(c.name == name_or_id, c.id == name_or_id))).first()
            if row is None:
                from stackwise.exceptions import ComponentNotFoundError

                names = conn.execute(select(c.name).where(c.type == str(type))).scalars().all()
                error = not_found(str(type).replace("_", " "), name_or_id, names)
                raise ComponentNotFoundError(str(error))
        return _component(row)

    def get_components(self, ids: Iterable[str]) -> dict[str, ComponentRecord]:
        ids = list(ids)
        with self._read() as conn:
            rows = conn.execute(select(t.stack_components)
                                .where(t.stack_components.c.id.in_(ids))).all()
        return {r.id: _component(r) for r in rows}

    def list_components(self, type: str | None = None) -> list[ComponentRecord]:
        query = select(t.stack_components).order_by(t.stack_components.c.type,
                                                    t.stack_components.c.name)
        if type:
            query = query.where(t.stack_components.c.type == str(type))
        with self._read() as conn:
            return [_component(r) for r in conn.execute(query)]

    def update_component(self, component_id: str, *, name: str | None = None,
                         configuration: dict[str, Any] | None = None) -> None:
        values: dict[str, Any] = {}
        if name is not None:
            values["name"] = name
        if configuration is not None:
            values["configuration"] = configuration
        if not values:
            return
        try:
            with self._write() as conn:
                conn.execute(update(t.stack_components)
                             .where(t.stack_components.c.id == component_id).values(**values))
        except IntegrityError as error:
            raise EntityExistsError(f"A component of that type named '{name}' exists.") from error

    def delete_component(self, component_id: str) -> None:
        with self._write() as conn:
            users = conn.execute(
                select(t.stacks.c.name).join(t.stack_composition,
                                             t.stack_composition.c.stack_id == t.stacks.c.id)
                .where(t.stack_composition.c.component_id == component_id)).scalars().all()
            if users:
                raise StackwiseError(
                    f"The component is used by stack(s) {', '.join(sorted(users))}; remove it "
                    "from them first (`stackwise stack update` or `stack remove-component`)."
                )
            conn.execute(delete(t.stack_components).where(t.stack_components.c.id == component_id))

    # -- stacks --------------------------------------------------------------------------
    def create_stack(self, name: str, component_ids: Iterable[str]) -> StackRecord:
        stack_id = new_id()
        try:
            with self._write() as conn:
                conn.execute(insert(t.stacks).values(id=stack_id, name=name, created=utcnow()))
                rows = [{"stack_id": stack_id, "component_id": c} for c in component_ids]
                if rows:
                    conn.execute(insert(t.stack_composition), rows)
        except IntegrityError as error:
            raise EntityExistsError(
                f"A stack named '{name}' already exists. Pick another name, or change it with "
                f"`stackwise stack update {name}`."
            ) from error
        return self.get_stack(stack_id)

    def get_stack(self, name_or_id: str) -> StackRecord:
        c = t.stacks.c
        with self._read() as conn:
            row = conn.execute(select(t.stacks).where(
                or_(c.name == name_or_id, c.id == name_or_id))).first()
            if row is None:
                raise not_found("stack", name_or_id, conn.execute(select(c.name)).scalars().all())
            return self._stack(conn, row)

    def list_stacks(self) -> list[StackRecord]:
        with self._read() as conn:
            rows = conn.execute(select(t.stacks).order_by(t.stacks.c.name)).all()
            return [self._stack(conn, r) for r in rows]

    @staticmethod
    def _stack(conn: Connection, row: Row[Any]) -> StackRecord:
        sc, comp = t.stack_composition.c, t.stack_components.c
        components: dict[str, list[str]] = {}
        query = (select(comp.type, comp.id).join(t.stack_composition, sc.component_id == comp.id)
                 .where(sc.stack_id == row.id).order_by(comp.type, comp.name))
        for type_, component_id in conn.execute(query):
            components.setdefault(type_, []).append(component_id)
        return StackRecord(id=row.id, name=row.name, created=row.created, components=components)

    def update_stack(self, stack_id: str, *, name: str | None = None,
                     component_ids: Iterable[str] | None = None) -> None:
        try:
            with self._write() as conn:
                if name is not None:
                    conn.execute(update(t.stacks).where(t.stacks.c.id == stack_id)
                                 .values(name=name))
                if component_ids is not None:
                    conn.execute(delete(t.stack_composition)
                                 .where(t.stack_composition.c.stack_id == stack_id))
                    rows = [{"stack_id": stack_id, "component_id": c} for c in component_ids]
                    if rows:
                        conn.execute(insert(t.stack_composition), rows)
        except IntegrityError as error:
            raise EntityExistsError(f"A stack named '{name}' already exists.") from error

    def delete_stack(self, stack_id: str) -> None:
        with self._write() as conn:
            conn.execute(delete(t.stack_composition)
                         .where(t.stack_composition.c.stack_id == stack_id))
            conn.execute(delete(t.stacks).where(t.stacks.c.id == stack_id))

    # -- secrets -------------------------------------------------------------------------
    # Values arrive and leave as one encrypted token: encryption is `stackwise.secrets`'s job,
    # the store never sees plaintext. Rows come back as dicts of the `secrets` columns.
    def create_secret(self, name: str, encrypted_values: str) -> dict[str, Any]:
        now = utcnow()
        row = {"id": new_id(), "name": name, "encrypted_values": encrypted_values,
               "created": now, "updated": now}
        try:
            with self._write() as conn:
                conn.execute(insert(t.secrets), row)
        except IntegrityError as error:
            raise EntityExistsError(
                f"A secret named '{name}' already exists. Pick another name, or change it with "
                f"`stackwise secret update {name} --KEY=VALUE`."
            ) from error
        return row

    def get_secret(self, name: str) -> dict[str, Any]:
        with self._read() as conn:
            return self._secret_row(conn, name)

    @staticmethod
    def _secret_row(conn: Connection, name: str, *, for_update: bool = False) -> dict[str, Any]:
        c = t.secrets.c
        query = select(t.secrets).where(c.name == name)
        # PostgreSQL locks the row until the transaction ends; SQLite's BEGIN IMMEDIATE already
        # holds the write lock (and its dialect leaves FOR UPDATE out).
        row = conn.execute(query.with_for_update() if for_update else query).first()
        if row is None:
            raise not_found("secret", name, conn.execute(select(c.name)).scalars().all())
        return dict(row._mapping)

    def list_secrets(self) -> list[dict[str, Any]]:
        with self._read() as conn:
            rows = conn.execute(select(t.secrets).order_by(t.secrets.c.name))
            return [dict(r._mapping) for r in rows]

    def update_secret(self, name: str, change: Callable[[str], str]) -> dict[str, Any]:
        """Replace the token by `change(old token)` in one write transaction, so concurrent
        updates of different keys never lose one another's changes."""
        with self._write() as conn:
            row = self._secret_row(conn, name, for_update=True)
            row.update(encrypted_values=change(row["encrypted_values"]), updated=utcnow())
            conn.execute(update(t.secrets).where(t.secrets.c.id == row["id"])
                         .values(encrypted_values=row["encrypted_values"],
                                 updated=row["updated"]))
        return row

    def delete_secret(self, name: str) -> None:
        with self._write() as conn:
            row = self._secret_row(conn, name)
            conn.execute(delete(t.secrets).where(t.secrets.c.id == row["id"]))

    # -- paging --------------------------------------------------------------------------
    def _page(self, query: Any, order: Any, convert: Any, index: int, size: int) -> Page[Any]:
        if index < 1 or size < 1:
            raise ValueError(f"Pages start at 1 and hold at least 1 item (got page {index}, "
                             f"size {size}).")
        with self._read() as conn:
            total = conn.execute(select(func.count()).select_from(query.subquery())).scalar()
            rows = conn.execute(query.order_by(order).limit(size).offset((index - 1) * size))
            items = [convert(r) for r in rows]
        return Page(items=items, total=int(total or 0), index=index, size=size)


# -- row -> record ---------------------------------------------------------------------------
def _pipeline(row: Row[Any]) -> PipelineRecord:
    return PipelineRecord(id=row.id, name=row.name, created=row.created)


def _run(row: Row[Any]) -> RunRecord:
    return RunRecord(id=row.id, name=row.name, pipeline_id=row.pipeline_id,
                     pipeline_name=row.pipeline_name, status=row.status, spec=row.spec,
                     config=row.config, stack_id=row.stack_id, created=row.created,
                     end_time=row.end_time, heartbeat=row.heartbeat,
                     resumed_from_id=row.resumed_from_id)


def _step_values(record: StepRunRecord) -> dict[str, Any]:
    return {k: v for k, v in record.__dict__.items() if k not in ("inputs", "outputs")}


def _step_run(row: Row[Any], inputs: dict[str, str],
              outputs: dict[str, list[str]]) -> StepRunRecord:
    return StepRunRecord(
        id=row.id, run_id=row.run_id, name=row.name, status=row.status, cache_key=row.cache_key,
        code_hash=row.code_hash, source=row.source, config=row.config,
        start_time=row.start_time, end_time=row.end_time, attempt=row.attempt,
        original_step_run_id=row.original_step_run_id, exception_info=row.exception_info,
        inputs=inputs, outputs=outputs,
    )


def _version_columns() -> list[Any]:
    columns = [col.label(f"v_{col.name}") for col in t.artifact_versions.c]
    return [*columns, t.artifacts.c.name.label("v_name")]


def _version(row: Row[Any], prefix: str) -> ArtifactVersionRecord:
    m = row._mapping
    return ArtifactVersionRecord(
        id=m[f"{prefix}id"], artifact_id=m[f"{prefix}artifact_id"], name=m[f"{prefix}name"],
        version=m[f"{prefix}version"], version_number=m[f"{prefix}version_number"],
        uri=m[f"{prefix}uri"], materializer=m[f"{prefix}materializer"],
        data_type=m[f"{prefix}data_type"], artifact_type=m[f"{prefix}artifact_type"],
        content_hash=m[f"{prefix}content_hash"],
        artifact_store_id=m[f"{prefix}artifact_store_id"], save_type=m[f"{prefix}save_type"],
        tags=m[f"{prefix}tags"], created=m[f"{prefix}created"],
        producer_step_run_id=m[f"{prefix}producer_step_run_id"], format=m[f"{prefix}format"],
    )


def _component(row: Row[Any]) -> ComponentRecord:
    return ComponentRecord(id=row.id, name=row.name, type=row.type, flavor=row.flavor,
                           configuration=row.configuration, created=row.created)


_CACHED_STEP_RUN = _cached_step_run_query()
