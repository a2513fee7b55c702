"""Run state never lies: a run whose orchestrating process died does not stay `running`.

The process that orchestrates a run records its pid and hostname (and, on Linux, its start
time) in the run's config when the run is created (`process_identity`) and stamps the run's
`heartbeat` every `HEARTBEAT_INTERVAL` seconds from a daemon thread (`Heartbeat`). Nothing
watches runs in the background; instead every client that reads a `running` run checks it
(`check_run`): if its recorded process is gone from this host, or its heartbeat is older than
`STALE_AFTER`, the run and its still-`running` step runs are marked `failed` in one write — at
the latest when the next client touches the run. On this host a process verified alive (same
pid, same start time) wins over a late heartbeat: a step holding the GIL in C code for long
can starve the heartbeat thread without anything being wrong.

The heartbeat compares clocks of two machines when the orchestrator ran elsewhere: keep them in
sync (NTP) within a few seconds of `STALE_AFTER`.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
import sys
import threading
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from stackwise.enums import ExecutionStatus
from stackwise.utils.ids import utcnow

if TYPE_CHECKING:
    from types import TracebackType

    from stackwise.store.base import Store
    from stackwise.store.records import RunRecord

logger = logging.getLogger("stackwise")

HEARTBEAT_INTERVAL = 5.0  # seconds between two heartbeats of a running run
STALE_AFTER = 3 * HEARTBEAT_INTERVAL  # a heartbeat older than this means the process is gone
PROCESS_KEY = "orchestrator_process"  # where the run's config keeps its pid and hostname
# set in the config of a run whose steps an engine runs without the launching process (a
# remote orchestrator's run, a schedule's firing): no process of ours beats for it
DETACHED_KEY = "detached"

_RUNNING = ExecutionStatus.RUNNING.value


def process_identity() -> dict[str, Any]:
    """This process, as a run's config records it (under `PROCESS_KEY`): pid, hostname and,
    where the system says (Linux), when it started, which tells a reused pid apart."""
    identity: dict[str, Any] = {"pid": os.getpid(), "hostname": socket.gethostname()}
    started = _start_ticks(os.getpid())
    if started is not None:
        identity["started"] = started
    return identity


def _proc_stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name (state first), or None."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rpartition(")")[2].split()
    except OSError:
        return None


def _start_ticks(pid: int) -> int | None:
    fields = _proc_stat(pid)
    return int(fields[19]) if fields is not None and len(fields) > 19 else None


def process_alive(pid: int, started: int | None = None) -> bool:
    """Whether process `pid` of this machine still runs (a zombie does not; nor a process that
    reuses the pid, when its recorded start `started` is given and /proc can tell). Where this
    cannot be asked without side effects (Windows: signal 0 is CTRL_C_EVENT) the answer is
    True, and the heartbeat decides alone."""
    if sys.platform == "win32":
        return True
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        pass
    fields = _proc_stat(pid)
    if fields is None:  # no /proc (macOS): kill(0) has answered
        return True
    if fields[0] == "Z":
        return False
    return started is None or len(fields) <= 19 or int(fields[19]) == started


class Heartbeat:
    """Stamps a run's heartbeat every `interval` seconds while the `with` block runs.

    A failed stamp (the database busy for longer than its retries) is logged and tried again
    at the next beat: one missed beat is far from `STALE_AFTER`.
    """

    def __init__(self, store: Store, run_id: str, interval: float = HEARTBEAT_INTERVAL) -> None:
        self._store = store
        self._run_id = run_id
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="stackwise-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self._store.beat_run(self._run_id)
            except Exception as error:  # noqa: BLE001 - a missed beat must not stop the run
                logger.warning("Could not record the heartbeat of run %s: %s", self._run_id, error)


def death_reason(run: RunRecord, now: datetime | None = None) -> str | None:
    """Why the orchestrating process of a `running` run must be dead, or None (alive, or the
    run is not running)."""
    if run.status != _RUNNING or (run.config or {}).get(DETACHED_KEY):
        return None
    identity = (run.config or {}).get(PROCESS_KEY) or {}
    pid, host, started = identity.get("pid"), identity.get("hostname"), identity.get("started")
    if isinstance(pid, int) and host == socket.gethostname():
        if not process_alive(pid, started):
            return f"its orchestrator process {pid} on {host} is gone"
        if started is not None and _start_ticks(pid) == started:
            return None  # verifiably alive: a late heartbeat is a busy process, not a dead one
    last = run.heartbeat or run.created
    if (now or utcnow()) - last > timedelta(seconds=STALE_AFTER):
        return (
            f"its orchestrator process sent no heartbeat since {last:%Y-%m-%d %H:%M:%S} "
            f"UTC (it beats every {HEARTBEAT_INTERVAL:g} s)"
        )
    return None


def check_run(store: Store, run: RunRecord) -> RunRecord:
    """The run as it really is: a `running` run whose orchestrator died is marked `failed` (with
    its running step runs) and returned so; any other run is returned unchanged, unread."""
    now = utcnow()
    reason = death_reason(run, now)
    if reason is None:
        return run
    message = (
        f"The orchestrator process died while this step was running: {reason}. The run "
        "was marked failed when it was next read. Run the pipeline again; completed "
        "steps are cached."
    )
    info = {"type": "stackwise.OrchestratorDied", "message": message, "traceback": ""}
    heartbeat_based = "heartbeat" in reason
    stale_before = now - timedelta(seconds=STALE_AFTER) if heartbeat_based else None
    if not store.fail_dead_run(run.id, step_exception_info=info, stale_before=stale_before):
        return store.get_run(run.id)  # changed meanwhile: a late beat, or it finished
    logger.warning("Run '%s' was still marked running, but %s: marked failed.", run.name, reason)
    return dataclasses.replace(run, status=ExecutionStatus.FAILED.value, end_time=now)


def check_runs(store: Store, runs: Iterable[RunRecord]) -> list[RunRecord]:
    """`check_run` for each of a listing's runs (no query unless one is running and dead)."""
    return [check_run(store, run) for run in runs]


def check_last_run(store: Store, pipeline_id: str) -> None:
    """`check_run` on a pipeline's newest run, before something reads it (`.last_run`)."""
    last = store.last_run(pipeline_id)
    if last is not None:
        check_run(store, last)
