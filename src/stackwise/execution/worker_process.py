"""Step worker processes: both sides of the protocol between a parent and a process that runs
the steps it is sent (`local_parallel`'s workers, and a Dask task's child for a step with a
timeout).

Worker processes (`StepWorker`) are fresh interpreters, never forks of the parent (which holds
SQLite connections and threads that a forked child would inherit half-copied), and not
multiprocessing's `spawn` either, which would re-run the user's script in every worker. A worker
imports only this module, gets the parent's sys.path, cwd and environment, runs the steps sent
to it one at a time (`stackwise.execution.step_entrypoint`) and is reused for the next one, so
a run pays the interpreter's start-up once per worker, not once per step (and a warm worker
pays none: `stackwise.execution.worker_pool`). Its parent can kill it at any moment — the only
sure way to stop a step that overruns its `timeout` — and it exits by itself when its parent
dies, so no step outlives the run that started it.

Timeouts count from when the step starts (after its worker has read the run and checked the
step's cache: a worker's first step must not lose its time to opening the store), and take two
stages. The worker raises `StepTimeoutError` inside the step when its timeout passes (SIGALRM,
POSIX), so the step fails like any failing step: traceback kept, `on_failure` called,
half-written outputs removed. A step that does not stop then (stuck in C code, or swallowing the
error) has its worker killed `TIMEOUT_GRACE` seconds later, and its step run is failed for it
(`record_unfinished_step`). A timeout bounds the step's whole execution in its worker, retries
included; a timed-out step is not retried.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from stackwise.enums import ExecutionStatus
from stackwise.exceptions import StepFailedError, StepTimeoutError, WorkerStartError
from stackwise.execution import progress
from stackwise.execution.step_entrypoint import (
    StepReport,
    record_unfinished_step,
    run_step,
)
from stackwise.execution.step_runner import timeout_message
from stackwise.execution.warm_processes import launch_state, now_ns
from stackwise.models.pipeline_spec import PipelineSpec

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from stackwise.store.records import ArtifactVersionRecord

S = ExecutionStatus

TIMEOUT_GRACE = 5.0  # seconds a timed-out step has to stop by itself before its worker is killed
STEP_SETUP_TIMEOUT = 60.0  # seconds a worker may take to start a step that has a timeout
WORKER_START_TIMEOUT = 120.0  # seconds a new worker may take to import stackwise
_PARENT_CHECK = 1.0  # seconds between a worker's checks that its parent still lives


def exit_description(exitcode: int | None) -> str:
    """How a process ended, in words: 'killed by SIGKILL', 'exit code 1'."""
    if exitcode is None:
        return "still running"
    if exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit code {exitcode}"


# -- the worker's side ---------------------------------------------------------------------------
@dataclass(frozen=True)
class StepTask:
    """One step for a worker: where the run is, and the upstream outputs its parent already
    knows (so the worker need not look them up)."""

    store_url: str
    run_id: str
    invocation_id: str
    timeout: float | None = None
    upstream_outputs: dict[str, dict[str, ArtifactVersionRecord]] = field(default_factory=dict)
    forward_output: bool = False  # send the step's stdout/stderr to the parent (live view)


class _Alarm:
    """Raises StepTimeoutError in the worker's main thread when a step overruns its timeout,
    counted from when the step starts (`start`, on its `started` event). POSIX only (SIGALRM);
    elsewhere the parent's hard deadline alone stops the step."""

    def __init__(self) -> None:
        self._expected: tuple[str, float] | None = None  # the task's step and its timeout
        self._step: str | None = None  # the step the armed alarm is for
        self._seconds = 0.0
        self.available = hasattr(signal, "setitimer")
        if self.available:
            signal.signal(signal.SIGALRM, self._ring)

    def _ring(self, _signum: int, _frame: Any) -> None:
        if self._step is not None:  # else it rang just as the step ended: too late to matter
            step, self._step = self._step, None
            raise StepTimeoutError(timeout_message(step, self._seconds), step=step)

    def expect(self, invocation_id: str, seconds: float | None) -> None:
        """The next task's step, armed for `seconds` once it starts (None: no timeout)."""
        self._expected = (invocation_id, seconds) if seconds and self.available else None

    def start(self, invocation_id: str) -> None:
        """The step `invocation_id` starts now: arm the alarm if it is the expected one."""
        if self._expected is None or self._expected[0] != invocation_id:
            return
        self._step, self._seconds = self._expected
        self._expected = None
        signal.setitimer(signal.ITIMER_REAL, self._seconds)

    def disarm(self) -> None:
        self._expected = None
        if self._step is not None:
            self._step = None  # first: a ring from now on does nothing
            signal.setitimer(signal.ITIMER_REAL, 0)


def _exit_with_parent(parent_pid: int) -> None:
    """A worker whose parent died exits at once: its step belongs to a run nobody finishes."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(_PARENT_CHECK)
        os._exit(1)

    threading.Thread(target=watch, name="stackwise-parent-watch", daemon=True).start()


def serve(fd: int, parent_pid: int) -> None:
    """The main function of a worker process (see `_BOOT`): run each StepTask received on the
    connection `fd`, report each, until told to stop (None) or the parent is gone."""
    from multiprocessing.connection import Connection

    conn = Connection(fd)
    if hasattr(signal, "SIGINT"):  # Ctrl-C reaches the whole process group: the parent decides
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent(parent_pid)
    alarm = _Alarm()
    channel = progress.WorkerChannel(conn)  # step events (and output) go to the parent

    def sink(event: progress.StepEvent) -> None:
        if event.kind == "started" and event.invocation_id is not None:
            alarm.start(event.invocation_id)  # a timeout counts from here
        channel.sink(event)

    progress.set_sink(sink)
    conn.send(("ready", os.getpid()))  # nothing is queued yet: the channel is idle
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        channel.send(("report", _run_task(task, alarm, channel)))


def _run_task(
    task: StepTask, alarm: _Alarm, channel: progress.WorkerChannel | None = None
) -> StepReport:
    inv = task.invocation_id
    alarm.expect(inv, task.timeout)
    try:
        with ExitStack() as scope:
            if channel is not None and task.forward_output:
                scope.enter_context(channel.forwarding_output())
            outcome = run_step(task.store_url, task.run_id, inv, task.upstream_outputs)
        alarm.disarm()
        return StepReport.of(inv, outcome.status, outcome.error, outputs=outcome.outputs)
    except Exception as error:  # noqa: BLE001 - reported; the parent records the failure
        alarm.disarm()
        return StepReport.of(inv, S.FAILED, error, recorded=False)


# -- the parent's side ---------------------------------------------------------------------------
class StepWorker:
    """A worker process seen from its parent: send it one StepTask at a time, read its
    reports, kill it when it must stop now. `conn` can be waited on.

    A fresh interpreter (not multiprocessing's spawn, which would re-run the user's script in
    every worker) that imports only this module, with the parent's sys.path, cwd and
    environment (`launch_state`, as they were at `started_ns`); parent and worker talk over a
    socket pair. POSIX only.
    """

    def __init__(self) -> None:
        import json
        import socket
        import subprocess
        from multiprocessing.connection import Connection

        self.launch_state = launch_state()
        self.started_ns = now_ns()
        ours, theirs = socket.socketpair()
        with ours, theirs:
            self.process = subprocess.Popen(
                # -u: a step's prints appear as they happen (and survive a killed worker)
                [
                    sys.executable,
                    "-u",
                    "-c",
                    _BOOT,
                    json.dumps(sys.path),
                    str(theirs.fileno()),
                    str(os.getpid()),
                ],
                pass_fds=[theirs.fileno()],
            )
            self.conn: Connection = Connection(ours.detach())
        self.pid = self.process.pid
        self.ready = False
        self._asked_to_stop = False
        self.task: StepTask | None = None
        self.step_started = False  # the task's step runs (its timeout counts from then)
        self.deadline: float | None = None  # time.monotonic() after which it is killed

    def alive(self) -> bool:
        return self.process.poll() is None

    def readable(self, timeout: float | None) -> bool:
        """Whether a message (or the end of the connection) can be read within `timeout`
        seconds (None: wait as long as it takes). Checks the process each second too: a step's
        own child processes may keep the connection open after the worker died."""
        end = None if timeout is None else time.monotonic() + timeout
        while True:
            left = 1.0 if end is None else min(1.0, max(0.0, end - time.monotonic()))
            if self.conn.poll(left):
                return True
            if not self.alive():
                return True  # nothing more will come: reading now says so (EOFError)
            if end is not None and time.monotonic() >= end:
                return False

    def wait_ready(self) -> None:
        """Block until the worker has imported stackwise and can take a task."""
        try:
            if self.readable(WORKER_START_TIMEOUT) and self.receive() is None and self.ready:
                return
        except (EOFError, OSError):
            raise WorkerStartError(
                f"A stackwise worker process could not start "
                f"({self.ended()}); its error output is above."
            ) from None
        raise WorkerStartError(
            f"A stackwise worker process did not start within {WORKER_START_TIMEOUT:g} s."
        )

    def time_left(self) -> float | None:
        """Seconds until the running step's hard deadline; None when it has none."""
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - time.monotonic())

    def send(self, task: StepTask) -> None:
        self.task = task
        self.step_started = False
        # until its step starts, a step with a timeout may take STEP_SETUP_TIMEOUT to get going
        self.deadline = time.monotonic() + STEP_SETUP_TIMEOUT if task.timeout else None
        self.conn.send(task)

    def receive(self) -> StepReport | None:
        """The next message: a report, or None for the start-up handshake and progress. EOFError
        or OSError when the worker is gone (also when it died with a step's child holding its
        socket)."""
        if not self.conn.poll(0) and not self.alive():
            raise EOFError
        kind, payload = self.conn.recv()
        if kind == "ready":
            self.ready = True
            return None
        if kind in progress.FORWARDED:  # its step's progress (or output) while it runs
            if kind == "progress":
                self._note(payload)
            progress.forward(kind, payload)
            return None
        self.task = self.deadline = None
        return payload  # type: ignore[no-any-return]

    def _note(self, event: progress.StepEvent) -> None:
        """The task's step started: its hard deadline is its timeout (+ grace) from now."""
        task = self.task
        if task is None or event.kind != "started" or event.invocation_id != task.invocation_id:
            return
        self.step_started = True
        if task.timeout:
            self.deadline = time.monotonic() + task.timeout + TIMEOUT_GRACE

    def overran(self) -> StepTimeoutError:
        """The error of the step this worker is killed for, having passed its deadline."""
        assert self.task is not None
        inv, seconds = self.task.invocation_id, self.task.timeout or 0.0
        if self.step_started:
            return hard_timeout(inv, seconds)
        return StepTimeoutError(
            f"Step '{inv}' (timeout {seconds:g} s) did not start within "
            f"{STEP_SETUP_TIMEOUT:g} s of being sent to its worker process (reading its run "
            "and inputs from the store), so the worker was killed.",
            step=inv,
        )

    def ended(self) -> str:
        """How the process ended (waits briefly for it to be reaped)."""
        import subprocess

        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        return exit_description(self.process.returncode)

    def ask_to_stop(self) -> None:
        """Tell an idle worker to exit once it has read everything sent before."""
        if not self._asked_to_stop:
            self._asked_to_stop = True
            try:
                self.conn.send(None)
            except OSError:  # already gone
                pass

    def stop(self, *, kill: bool = False) -> None:
        """End the process — politely (it finishes nothing: call this when it is idle), or
        killed — and release its connection."""
        import subprocess

        if not kill and self.alive():
            self.ask_to_stop()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        if self.alive():
            self.process.kill()
        self.process.wait()
        self.conn.close()


# What a worker interpreter runs: the parent's sys.path first, then serve(fd, parent pid).
_BOOT = (
    "import json, sys; p = json.loads(sys.argv[1]); "
    "sys.path[:] = p + [x for x in sys.path if x not in p]; "
    "from stackwise.execution.worker_process import serve; "
    "serve(int(sys.argv[2]), int(sys.argv[3]))"
)


def run_step_isolated(
    store_url: str,
    run_id: str,
    invocation_id: str,
    timeout: float | None = None,
    upstream_outputs: dict[str, dict[str, ArtifactVersionRecord]] | None = None,
) -> StepReport:
    """Run one step in a worker process of its own, killed if the step overruns `timeout`
    (+ TIMEOUT_GRACE), its step run then failed with "timed out after N s". For runners that
    cannot stop the thread a step runs in (a Dask task): call this instead of `run_step` for
    steps with a timeout. The report is always recorded (here, if the worker could not)."""
    worker = StepWorker()
    report: StepReport | None = None
    try:
        worker.wait_ready()
        worker.send(StepTask(store_url, run_id, invocation_id, timeout, upstream_outputs or {}))
        try:
            while report is None and worker.readable(worker.time_left()):
                report = worker.receive()  # None while its step reports progress
        except (EOFError, OSError):
            error: BaseException | None = worker_died(invocation_id, worker.ended())
        else:
            error = report.error() if report is not None else worker.overran()
        if report is not None and report.recorded:
            return report
        from stackwise.store import get_store

        store = get_store(store_url)
        spec = PipelineSpec.from_dict(store.get_run(run_id).spec).steps[invocation_id]
        assert error is not None
        status = record_unfinished_step(store, run_id, spec, error)
        return StepReport.of(invocation_id, status, error if status == S.FAILED else None)
    finally:
        worker.stop(kill=report is None)


def run_step_status_isolated(
    store_url: str, run_id: str, invocation_id: str, timeout: float | None = None
) -> str:
    """`run_step_isolated`, only its status crossing back (the error is on the step run)."""
    return str(run_step_isolated(store_url, run_id, invocation_id, timeout).status)


def hard_timeout(invocation_id: str, seconds: float) -> StepTimeoutError:
    return StepTimeoutError(
        f"{timeout_message(invocation_id, seconds)} It did not stop within "
        f"{TIMEOUT_GRACE:g} s of being asked to, so its worker process was "
        "killed.",
        step=invocation_id,
    )


def worker_died(invocation_id: str, how: str) -> StepFailedError:
    return StepFailedError(
        f"Step '{invocation_id}' failed: its worker process died ({how}) while running it. "
        "A process killed from outside (or by the system when memory ran out: see `dmesg`) "
        "ends this way; run the pipeline again to retry it.",
        step=invocation_id,
    )
