"""Processes writing runs to the same store at the same time all succeed. On SQLite writes start
with BEGIN IMMEDIATE and wait on the busy timeout, so nobody sees "database is locked"; on
PostgreSQL each write transaction takes the store's advisory write lock first, so numbering
(artifact and model versions) never hands out one number twice."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from fixtures.store_backends import only_backend
from stackwise.client import Client
from stackwise.store import get_store

RUNS_PER_PROCESS = 15

WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path

    from stackwise import Model, pipeline, step

    @step
    def make(i: int) -> int:
        return i

    @step
    def square(value: int) -> int:
        return value * value

    @pipeline(name="concurrent", enable_cache=False, model=Model(name="concurrent_model"))
    def concurrent(i: int = 0):
        square(make(i=i))

    worker, runs, barrier = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    writers = int(sys.argv[4])
    (barrier / f"ready-{worker}").touch()
    deadline = time.time() + 60
    while len(list(barrier.glob("ready-*"))) < writers and time.time() < deadline:
        time.sleep(0.005)
    for i in range(runs):
        run = concurrent.with_options(run_name=f"w{worker}-{i}")(i=i)
        assert run.steps["square"].output.load() == i * i
    print("done", worker)
    """
)


def _start_writers(
    script: Path, barrier: Path, count: int, runs: int = RUNS_PER_PROCESS
) -> list[subprocess.Popen[str]]:
    return [
        subprocess.Popen(
            [sys.executable, str(script), str(n), str(runs), str(barrier), str(count)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "STACKWISE_QUIET": "1"},
        )  # no progress
        for n in range(count)
    ]


def _finish(processes: list[subprocess.Popen[str]]) -> list[tuple[int, str, str]]:
    results = []
    for process in processes:
        try:
            out, err = process.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            process.kill()
            out, err = process.communicate()
        results.append((process.returncode, out, err))
    return results


@pytest.mark.parametrize("prepared", [True, False], ids=["existing-store", "fresh-store"])
def test_two_processes_write_runs_at_once(tmp_path: Path, prepared: bool):
    """`existing-store`: the store and default stack exist; `fresh-store`: both processes
    also race to create the schema, the default stack and the pipeline."""
    if prepared:
        Client().active_stack  # noqa: B018 - creates the store and the default stack
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    barrier = tmp_path / "barrier"
    barrier.mkdir()

    results = _finish(_start_writers(script, barrier, 2))

    for code, out, err in results:
        assert code == 0, f"writer failed:\n{err[-3000:]}"
        assert "database is locked" not in err
        assert out.startswith("done")
    runs = Client().list_pipeline_runs(pipeline_name="concurrent", size=1000)
    assert runs.total == 2 * RUNS_PER_PROCESS
    assert all(r.status == "completed" for r in runs)
    assert {r.name for r in runs} == {
        f"w{w}-{i}" for w in range(2) for i in range(RUNS_PER_PROCESS)
    }
    assert len(get_store().list_stacks()) == 1
    assert len(Client().list_pipelines().items) == 1


@only_backend("postgresql", "server")
def test_eight_processes_run_pipelines_at_once(tmp_path: Path):
    """On PostgreSQL, and through a server (RestStore → server → its database): eight
    processes race to create the schema's default stack, the pipeline and the model, then each
    runs pipelines: every run completes, and every artifact and model version has a
    number of its own (1..N, none twice)."""
    writers, runs_each = 8, 5
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    barrier = tmp_path / "barrier"
    barrier.mkdir()

    results = _finish(_start_writers(script, barrier, writers, runs_each))

    for code, out, err in results:
        assert code == 0, f"writer failed:\n{err[-3000:]}"
        assert "Error" not in err, err[-3000:]
        assert out.startswith("done")
    total = writers * runs_each
    runs = Client().list_pipeline_runs(pipeline_name="concurrent", size=1000)
    assert runs.total == total
    assert all(r.status == "completed" for r in runs)
    assert len(get_store().list_stacks()) == 1
    assert len(Client().list_pipelines().items) == 1
    versions = Client().list_model_versions("concurrent_model", size=1000)
    assert sorted(v.number for v in versions) == list(range(1, total + 1))
    for output in ("make", "square"):
        artifacts = Client().list_artifact_versions(name=f"concurrent::{output}::output", size=1000)
        assert sorted(int(a.version) for a in artifacts) == list(range(1, total + 1))


@only_backend("sqlite")
def test_a_lock_taken_by_another_connection_is_waited_for_then_the_write_lands(
    stackwise_home: Path,
) -> None:
    """A real second connection holds the write lock; with a short busy timeout the store's
    BEGIN fails with "database is locked" and is retried until the lock is released."""
    import sqlite3
    import threading

    from sqlalchemy import event

    store = get_store()
    store.get_or_create_pipeline("warm")  # the database file and schema exist
    path = store.engine.url.database

    @event.listens_for(store.engine, "connect")
    def _short_timeout(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.execute("PRAGMA busy_timeout=10")

    store.engine.dispose()  # new connections get the short timeout
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, holder.rollback)
    release.start()
    try:
        created = store.get_or_create_pipeline("after_the_lock")  # retried until released
    finally:
        release.join()
        holder.close()
    assert created.name == "after_the_lock"


def test_an_error_inside_a_write_is_raised_once_and_never_retried(stackwise_home: Path) -> None:
    from sqlalchemy.exc import OperationalError

    store = get_store()
    store.get_or_create_pipeline("warm")
    bodies = []
    with pytest.raises(OperationalError, match="locked"):
        with store._write() as conn:
            bodies.append(conn)
            raise OperationalError("INSERT ...", {}, Exception("database is locked"))
    assert len(bodies) == 1


@only_backend("postgresql")
def test_a_postgresql_write_waits_for_the_write_lock_while_reads_do_not(store_url: str) -> None:
    """Another connection holds the store's write lock: a read answers at once, a write lands
    only once the lock is released."""
    import threading
    import time

    import psycopg

    from stackwise.store.sql.engine import _WRITE_LOCK_KEY

    store = get_store()
    store.get_or_create_pipeline("warm")
    holder = psycopg.connect(store_url)
    holder.execute(f"SELECT pg_advisory_xact_lock({_WRITE_LOCK_KEY})")
    release = threading.Timer(0.5, holder.rollback)
    started = time.monotonic()
    release.start()
    try:
        assert store.get_pipeline("warm").name == "warm"
        read_after = time.monotonic() - started
        created = store.get_or_create_pipeline("after_the_lock")
        write_after = time.monotonic() - started
    finally:
        release.join()
        holder.close()
    assert created.name == "after_the_lock"
    assert read_after < 0.4, "a read must not wait for the write lock"
    assert write_after >= 0.45, "the write must wait for the lock's holder"
