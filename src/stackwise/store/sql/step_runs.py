"""Step runs: the two writes of an executed step, the cache lookup and the one write of a
cached step, and reading step runs with their inputs and outputs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    func,
    insert,
    select,
    update,
)

from stackwise.enums import ExecutionStatus
from stackwise.store.filters import Column, FilterSpec
from stackwise.store.records import (
    ArtifactVersionRecord,
    NewArtifactVersion,
    Page,
    StepRunRecord,
)
from stackwise.store.sql import schema as t
from stackwise.store.sql.artifacts import ArtifactQueries
from stackwise.store.sql.engine import SINGLE_READ_OPTION
from stackwise.store.sql.models import link_artifact_versions
from stackwise.store.sql.rows import _step_run, _step_values, _version, _version_columns
from stackwise.utils.ids import new_id, utcnow
from stackwise.utils.jsonable import to_jsonable

_INSERT_STEP_RUN = insert(t.step_runs)
_INSERT_IO = insert(t.step_run_io)
_FINISH_STEP_RUN = (
    update(t.step_runs)
    .where(t.step_runs.c.id == bindparam("_id"))
    .values(
        status=bindparam("status"),
        end_time=bindparam("end_time"),
        exception_info=bindparam("exception_info"),
    )
)


def _cached_step_run_query() -> Any:
    """The newest completed step run with a cache key, joined to its outputs."""
    s, io = t.step_runs.c, t.step_run_io.c
    newest = (
        select(s.id)
        .where(s.cache_key == bindparam("cache_key"), s.status == "completed")
        .order_by(s.end_time.desc())
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(t.step_runs, io.name.label("io_name"), *_version_columns())
        .select_from(t.step_runs)
        .outerjoin(t.step_run_io, and_(io.step_run_id == s.id, io.kind == "output"))
        .outerjoin(t.artifact_versions, t.artifact_versions.c.id == io.artifact_version_id)
        .outerjoin(t.artifacts, t.artifacts.c.id == t.artifact_versions.c.artifact_id)
        .where(s.id == newest)
    )


class StepRunQueries(ArtifactQueries):
    # -- step runs -----------------------------------------------------------------------
    def start_step_run(
        self,
        *,
        run_id: str,
        name: str,
        source: str,
        config: dict[str, Any],
        cache_key: str | None,
        code_hash: str | None,
        inputs: Mapping[str, str],
        attempt: int = 1,
        docstring: str | None = None,
        source_code: str | None = None,
    ) -> StepRunRecord:
        """Write transaction 1 of an executed step: the running step run and its inputs."""
        record = StepRunRecord(
            id=new_id(),
            run_id=run_id,
            name=name,
            status=ExecutionStatus.RUNNING.value,
            cache_key=cache_key,
            code_hash=code_hash,
            source=source,
            config=config,
            start_time=utcnow(),
            end_time=None,
            attempt=attempt,
            original_step_run_id=None,
            exception_info=None,
            inputs=dict(inputs),
            outputs={},
            docstring=docstring,
            source_code=source_code,
        )
        with self._write() as conn:
            conn.execute(_INSERT_STEP_RUN, _step_values(record))
            self._link(conn, record.id, [("input", n, v) for n, v in inputs.items()])
        return record

    def finish_step_run(
        self,
        step_run: StepRunRecord,
        *,
        status: str,
        outputs: Sequence[tuple[str, NewArtifactVersion]] = (),
        linked_outputs: Mapping[str, str] | None = None,
        linked_inputs: Mapping[str, str] | None = None,
        metadata: Mapping[tuple[str, str], Mapping[str, Any]] | None = None,
        exception_info: dict[str, Any] | None = None,
        model_version_id: str | None = None,
    ) -> dict[str, ArtifactVersionRecord]:
        """Write transaction 2: outputs, their metadata and the final status, all or nothing.

        `metadata` maps (resource type, resource id) to values; an output's metadata travels on
        its NewArtifactVersion. With `model_version_id` (the step's model), every output is
        linked to that model version in the same write. Returns the registered output
        versions by output name.
        """
        saved: dict[str, ArtifactVersionRecord] = {}
        with self._write() as conn:
            for output_name, new in outputs:
                saved[output_name] = self._insert_version(conn, new, step_run.id)
            links = [(n, v.id) for n, v in saved.items()]
            links += list((linked_outputs or {}).items())
            self._link(conn, step_run.id, [("output", n, v) for n, v in links])
            if linked_inputs:  # artifacts the step's code loaded (load_artifact, .load())
                self._link(conn, step_run.id, [("input", n, v) for n, v in linked_inputs.items()])
            if model_version_id is not None and links:
                link_artifact_versions(conn, model_version_id, [v for _, v in links])
            for (kind, resource_id), values in (metadata or {}).items():
                self._insert_metadata(conn, kind, resource_id, values)
            conn.execute(
                _FINISH_STEP_RUN,
                {
                    "_id": step_run.id,
                    "status": str(status),
                    "end_time": utcnow(),
                    "exception_info": to_jsonable(exception_info) if exception_info else None,
                },
            )
        return saved

    def find_cached_step_run(
        self, cache_key: str
    ) -> tuple[StepRunRecord, dict[str, ArtifactVersionRecord]] | None:
        """The newest completed step run with this cache key, and its outputs (one read)."""
        with self.engine.connect().execution_options(**{SINGLE_READ_OPTION: True}) as conn:
            rows = conn.execute(_CACHED_STEP_RUN, {"cache_key": cache_key}).all()
        if not rows:
            return None
        outputs = {r.io_name: _version(r, prefix="v_") for r in rows if r.io_name is not None}
        record = _step_run(rows[0], {}, {n: [v.id] for n, v in outputs.items()})
        return record, outputs

    def record_cached_step_run(
        self,
        *,
        run_id: str,
        name: str,
        source: str,
        config: dict[str, Any],
        cache_key: str,
        code_hash: str | None,
        original: StepRunRecord,
        inputs: Mapping[str, str],
        outputs: Mapping[str, str],
        status: str = "cached",
        docstring: str | None = None,
        source_code: str | None = None,
        model_version_id: str | None = None,
    ) -> StepRunRecord:
        """The one write of a cached step: a finished step run pointing at existing outputs
        (linked to `model_version_id`, the step's model version, when given)."""
        now = utcnow()
        record = StepRunRecord(
            id=new_id(),
            run_id=run_id,
            name=name,
            status=status,
            cache_key=cache_key,
            code_hash=code_hash,
            source=source,
            config=config,
            start_time=now,
            end_time=now,
            attempt=1,
            original_step_run_id=original.id,
            exception_info=None,
            inputs=dict(inputs),
            outputs={k: [v] for k, v in outputs.items()},
            docstring=docstring if docstring is not None else original.docstring,
            source_code=source_code if source_code is not None else original.source_code,
        )
        with self._write() as conn:
            conn.execute(_INSERT_STEP_RUN, _step_values(record))
            self._link(
                conn,
                record.id,
                [("input", n, v) for n, v in inputs.items()]
                + [("output", n, v) for n, v in outputs.items()],
            )
            if model_version_id is not None and outputs:
                link_artifact_versions(conn, model_version_id, outputs.values())
        return record

    def get_step_run(self, step_run_id: str) -> StepRunRecord:
        with self._read() as conn:
            row = self._find(conn, select(t.step_runs), _s.id, None, step_run_id, "step run")
            inputs, outputs = self._io(conn, [row.id])
        return _step_run(row, inputs.get(row.id, {}), outputs.get(row.id, {}))

    def list_step_runs_page(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
        exclude_retried: bool = False,
    ) -> Page[StepRunRecord]:
        """Step runs of any run, filtered and paged, with inputs and outputs."""
        query = select(t.step_runs)
        if exclude_retried:
            query = query.where(_s.status != "retried")
        page = self._list(
            query,
            STEP_RUN_FILTERS,
            lambda r: r,
            filters=filters,
            sort_by=sort_by,
            logical_operator=logical_operator,
            index=index,
            size=size,
            tiebreak=_s.id,
        )
        with self._read() as conn:
            inputs, outputs = self._io(conn, [r.id for r in page.items])
        items = [_step_run(r, inputs.get(r.id, {}), outputs.get(r.id, {})) for r in page.items]
        return Page(items=items, total=page.total, index=page.index, size=page.size)

    def step_runs_using(self, version_id: str) -> list[str]:
        """Ids of the step runs that read or wrote an artifact version."""
        io = t.step_run_io.c
        with self._read() as conn:
            return [
                r
                for (r,) in conn.execute(
                    select(io.step_run_id)
                    .where(io.artifact_version_id == str(version_id))
                    .distinct()
                )
            ]

    def update_step_run(
        self, step_run_id: str, *, status: str | None = None, end_time: Any = None
    ) -> StepRunRecord:
        values: dict[str, Any] = {}
        if status is not None:
            values["status"] = str(getattr(status, "value", status))
        if end_time is not None:
            values["end_time"] = end_time
        if values:
            with self._write() as conn:
                conn.execute(update(t.step_runs).where(_s.id == step_run_id).values(**values))
        return self.get_step_run(step_run_id)

    def list_step_runs(self, run_id: str) -> list[StepRunRecord]:
        """Every step run of a run, in start order, with inputs and outputs (two queries)."""
        with self._read() as conn:
            rows = conn.execute(
                select(t.step_runs)
                .where(t.step_runs.c.run_id == run_id)
                .order_by(t.step_runs.c.start_time, t.step_runs.c.attempt)
            ).all()
            inputs, outputs = self._io(conn, [r.id for r in rows])
        return [_step_run(r, inputs.get(r.id, {}), outputs.get(r.id, {})) for r in rows]

    def _io(
        self, conn: Connection, step_run_ids: list[str]
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
                    row.artifact_version_id
                )
        return inputs, outputs

    @staticmethod
    def _link(conn: Connection, step_run_id: str, links: Iterable[tuple[str, str, str]]) -> None:
        """Record (kind, name, artifact version id) links of a step run in one statement."""
        rows = [
            {"step_run_id": step_run_id, "name": n, "kind": kind, "artifact_version_id": v}
            for kind, n, v in links
        ]
        if rows:
            conn.execute(_INSERT_IO, rows)


_CACHED_STEP_RUN = _cached_step_run_query()
_s = t.step_runs.c
STEP_RUN_FILTERS = FilterSpec(
    "Step runs",
    {
        "id": Column(_s.id),
        "name": Column(_s.name),
        "status": Column(_s.status),
        "pipeline_run_id": Column(_s.run_id),
        "cache_key": Column(_s.cache_key),
        "code_hash": Column(_s.code_hash),
        "original_step_run_id": Column(_s.original_step_run_id),
        "start_time": Column(_s.start_time, "date"),
        "end_time": Column(_s.end_time, "date"),
        "created": Column(_s.start_time, "date"),
        "updated": Column(func.coalesce(_s.end_time, _s.start_time), "date"),
        "version": Column(_s.attempt, "int"),
    },
)
