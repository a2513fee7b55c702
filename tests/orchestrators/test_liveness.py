"""Run state never lies: a run whose orchestrating process died is marked `failed` (with its
running step runs) as soon as a client reads it — checked by killing a real process, and by
runs whose heartbeat went stale or whose process is gone."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from stackwise.client import Client
from stackwise.execution.liveness import (
    PROCESS_KEY,
    STALE_AFTER,
    Heartbeat,
    process_alive,
    process_identity,
)
from stackwise.store import get_store
from stackwise.store.sql import schema
from stackwise.utils.ids import utcnow

HERE = Path(__file__).parent


def _wait_for(path: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


def test_killing_the_orchestrating_process_fails_the_run_on_next_read(
    use_orchestrator: Callable[..., None], events_file: Path
) -> None:
    use_orchestrator("local_parallel", {"max_workers": 1})
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "from conformance_steps import sleeping; "
        "sleeping.with_options(run_name='doomed-run')()"
    )
    process = subprocess.Popen([sys.executable, "-c", script, str(HERE)])
    try:
        _wait_for(events_file.parent / "sleeper.pid")  # the step is running in a worker
        assert Client().get_pipeline_run("doomed-run").status == "running"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait()

    run = Client().get_pipeline_run("doomed-run")
    assert run.status == "failed"
    assert run.end_time is not None
    step_run = run.steps["sleeper"]
    assert step_run.status == "failed"
    assert "The orchestrator process died" in step_run.exception_info["message"]
    assert f"orchestrator process {process.pid}" in step_run.exception_info["message"]
    worker_pid = int((events_file.parent / "sleeper.pid").read_text())
    deadline = time.monotonic() + 10
    while process_alive(worker_pid):  # the orphaned worker exits by itself
        assert time.monotonic() < deadline, "the worker outlived its orchestrator"
        time.sleep(0.1)


def _running_run(name: str, *, heartbeat_age: float, **identity: object) -> str:
    """A run as an orchestrator process (`identity`) left it: running, with a running step
    run, its last heartbeat `heartbeat_age` seconds ago."""
    store = get_store()
    pipeline = store.get_or_create_pipeline("watched")
    run = store.create_run(
        pipeline=pipeline, name=name, spec={}, stack_id=None, config={PROCESS_KEY: identity}
    )
    store.start_step_run(
        run_id=run.id,
        name="busy",
        source="m:busy",
        config={},
        cache_key=None,
        code_hash=None,
        inputs={},
    )
    with store.engine.begin() as conn:
        conn.execute(
            update(schema.pipeline_runs)
            .where(schema.pipeline_runs.c.id == run.id)
            .values(heartbeat=utcnow() - timedelta(seconds=heartbeat_age))
        )
    return name


def test_a_stale_heartbeat_fails_the_run_on_every_read_path() -> None:
    elsewhere = {"pid": 1234, "hostname": "another-machine"}
    stale = STALE_AFTER + 30
    fresh = _running_run("fresh", **elsewhere, heartbeat_age=1)
    client = Client()

    read = _running_run("read-by-name", **elsewhere, heartbeat_age=stale)
    run = client.get_pipeline_run(read)
    assert run.status == "failed"
    message = run.steps["busy"].exception_info["message"]
    assert "sent no heartbeat since" in message

    listed = _running_run("listed", **elsewhere, heartbeat_age=stale)
    statuses = {r.name: str(r.status) for r in client.list_pipeline_runs()}
    assert statuses == {fresh: "running", read: "failed", listed: "failed"}

    last = _running_run("last", **elsewhere, heartbeat_age=stale)
    assert client.get_pipeline("watched").last_run.status == "failed"
    assert client.get_pipeline_run(last).steps["busy"].status == "failed"
    assert client.get_pipeline_run(fresh).status == "running"


def test_a_gone_process_on_this_host_fails_the_run_at_once() -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    name = _running_run("orphaned", pid=gone.pid, hostname=socket.gethostname(), heartbeat_age=0)

    run = Client().get_pipeline_run(name)

    assert run.status == "failed"
    assert f"orchestrator process {gone.pid}" in run.steps["busy"].exception_info["message"]
    alive = _running_run("alive", heartbeat_age=0, **process_identity())
    assert Client().get_pipeline_run(alive).status == "running"


def test_a_live_process_wins_over_a_late_heartbeat_but_a_reused_pid_does_not() -> None:
    """A step holding the GIL can starve the heartbeat thread: the process, verified by pid and
    start time, is alive. The same pid started at another time is another process."""
    me = process_identity()
    if "started" not in me:
        pytest.skip("no /proc here: the heartbeat decides alone")
    busy = _running_run("busy", **me, heartbeat_age=STALE_AFTER * 4)
    reused = _running_run("reused", **{**me, "started": me["started"] - 1}, heartbeat_age=0)

    assert Client().get_pipeline_run(busy).status == "running"
    assert Client().get_pipeline_run(reused).status == "failed"


def test_the_heartbeat_thread_stamps_the_run() -> None:
    name = _running_run("beating", **process_identity(), heartbeat_age=60)
    store = get_store()
    before = store.get_run(name).heartbeat
    assert before is not None

    with Heartbeat(store, store.get_run(name).id, interval=0.05):
        time.sleep(0.3)

    assert store.get_run(name).heartbeat > before + timedelta(seconds=50)


def test_a_run_records_the_process_that_orchestrates_it() -> None:
    from conformance_steps import hooked_ok

    from stackwise import pipeline

    @pipeline
    def recorded():
        hooked_ok()

    run = recorded()

    assert run.record.config[PROCESS_KEY] == process_identity()
    assert run.record.config[PROCESS_KEY]["pid"] == os.getpid()
    assert run.record.config[PROCESS_KEY]["hostname"] == socket.gethostname()
    assert run.record.heartbeat is not None
