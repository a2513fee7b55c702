"""Running one step from nothing but the store's URL, a run id and an invocation id: what a
worker process, a Dask task or a container executes. Everything else (spec, stack, upstream
outputs) is read from the store.

Worker processes (`StepWorker`) are fresh interpreters, never forks of the parent (which holds
SQLite connections and threads that a forked child would inherit half-copied), and not
multiprocessing's `spawn` either, which would re-run the user's script in every worker. A worker
imports only this module, gets the parent's sys.path, cwd and environment, runs the steps sent
to it one at a time and is reused for the next one, so a run pays the interpreter's start-up
once per worker, not once per step. Its parent can kill it at any moment — the only sure way to
stop a step that overruns its `timeout` — and it exits by itself when its parent dies, so no
step outlives the run that started it.

Timeouts take two stages. The worker raises `StepTimeoutError` inside the step when its timeout
passes (SIGALRM, POSIX), so the step fails like any failing step: traceback kept, `on_failure`
called, half-written outputs removed. A step that does not stop then (stuck in C code, or
swallowing the error) has its worker killed `TIMEOUT_GRACE` seconds later, and its step run is
failed for it (`record_unfinished_step`). A timeout bounds the step's whole execution in its
worker, retries included; a timed-out step is not retried.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from stackwise.enums import ExecutionStatus
from stackwise.exceptions import StackwiseError, StepFailedError
from stackwise.execution import progress
from stackwise.execution.step_runner import (
    RunContext,
    StepOutcome,
    StepRunner,
    StepTimeoutError,
    describe_exception,
    step_run_config,
    timeout_message,
)
from stackwise.models.pipeline_spec import PipelineSpec, StepSpec

if TYPE_CHECKING:
    from stackwise.store.base import Store
    from stackwise.store.records import ArtifactVersionRecord

S = ExecutionStatus

TIMEOUT_GRACE = 5.0  # seconds a timed-out step has to stop by itself before its worker is killed
WORKER_START_TIMEOUT = 120.0  # seconds a new worker may take to import stackwise
_PARENT_CHECK = 1.0  # seconds between a worker's checks that its parent still lives


def run_context_from_store(store_url: str, run_id: str) -> RunContext:
    from stackwise.stack.active_stack import load_stack
    from stackwise.store import get_store

    store = get_store(store_url)
    run = store.get_run(run_id)
    if run.stack_id is None:
        raise RuntimeError(f"Run '{run.name}' records no stack; it cannot run on a worker.")
    return RunContext(
        store=store,
        stack=load_stack(store, run.stack_id),
        run=run,
        spec=PipelineSpec.from_dict(run.spec),
    )


def run_step(store_url: str, run_id: str, invocation_id: str) -> StepOutcome:
    """Execute (or cache-hit) one step of a recorded run; upstream steps must have succeeded."""
    return StepRunner(run_context_from_store(store_url, run_id)).run(invocation_id)


def run_step_status(store_url: str, run_id: str, invocation_id: str) -> str:
    """`run_step` for process boundaries: only the status string crosses back; the step's
    error (if any) is recorded on its step run in the store."""
    outcome = run_step(store_url, run_id, invocation_id)
    return str(outcome.status if outcome.status else ExecutionStatus.FAILED)


# -- what crossing a process boundary needs ----------------------------------------------------
def portability_problems(spec: PipelineSpec) -> list[str]:
    """Steps and hooks another process cannot find again from their source: lambdas, functions
    defined inside functions, and code typed into an interactive session. One line each."""
    users: dict[tuple[str, str], list[str]] = {}
    for inv, step in spec.steps.items():
        for what, source in (
            ("step function", step.source),
            ("on_failure hook", step.on_failure),
            ("on_success hook", step.on_success),
            ("on_start hook", step.on_start),
            ("on_end hook", step.on_end),
        ):
            if source is not None and _unimportable(source):
                users.setdefault((what, source), []).append(inv)
    problems = []
    for (what, source), invocations in users.items():
        location, _, qualname = source.rpartition(":")
        steps = ", ".join(f"'{i}'" for i in invocations)
        problems.append(
            f"the {what} {qualname} (in {location}) of step(s) {steps} is "
            f"{_unimportable(source)}, so a worker process cannot import it. Define it as a "
            "module-level function (a `def` at the top level of a module or of your script) "
            "and pass that instead."
        )
    return problems


def _unimportable(source: str) -> str | None:
    location, _, qualname = source.rpartition(":")
    if "<lambda>" in qualname:
        return "a lambda"
    if "<locals>" in qualname:
        return "defined inside a function"
    if location == "__main__":
        return "defined in an interactive session, not in a file"
    return None


def record_unfinished_step(
    store: Store, run_id: str, spec: StepSpec, error: BaseException
) -> ExecutionStatus:
    """Fail the step run of a step whose worker could not record its end (killed, timed out,
    crashed before its first write); a step run that did finish keeps its status, returned."""
    return S(
        store.fail_unfinished_step_run(
            run_id=run_id,
            name=spec.invocation_id,
            source=spec.source,
            config=step_run_config(spec),
            exception_info=describe_exception(error),
        )
    )


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


@dataclass(frozen=True)
class StepReport:
    """What a worker sends back for one step. `recorded` is False when the step's end is not in
    the store (an error escaped the StepRunner): the parent records it."""

    invocation_id: str
    status: ExecutionStatus
    recorded: bool = True
    outputs: dict[str, ArtifactVersionRecord] = field(default_factory=dict)
    exception_info: dict[str, Any] | None = None
    pickled_error: bytes | None = None

    @classmethod
    def of(
        cls,
        invocation_id: str,
        status: ExecutionStatus,
        error: BaseException | None,
        *,
        recorded: bool = True,
        outputs: dict[str, ArtifactVersionRecord] | None = None,
    ) -> StepReport:
        pickled = None
        if error is not None:
            try:
                pickled = pickle.dumps(error)
            except Exception:  # noqa: BLE001 - unpicklable errors travel as text only
                pickled = None
        return cls(
            invocation_id,
            status,
            recorded,
            dict(outputs or {}),
            describe_exception(error) if error is not None else None,
            pickled,
        )

    def error(self) -> BaseException | None:
        """The step's exception as raised, else a StepFailedError carrying its text."""
        if self.exception_info is None:
            return None
        if self.pickled_error is not None:
            with suppress(Exception):  # its class may not import here: then use the text
                return pickle.loads(self.pickled_error)  # our own worker's bytes
        kind = str(self.exception_info.get("type", "Exception")).rsplit(".", 1)[-1]
        return StepFailedError(
            f"{kind}: {self.exception_info.get('message', '')}", step=self.invocation_id
        )


class _Alarm:
    """Raises StepTimeoutError in the worker's main thread when a step overruns its timeout.
    POSIX only (SIGALRM); elsewhere the parent's hard deadline alone stops the step."""

    def __init__(self) -> None:
        self._step: str | None = None
        self._seconds = 0.0
        self.available = hasattr(signal, "setitimer")
        if self.available:
            signal.signal(signal.SIGALRM, self._ring)

    def _ring(self, _signum: int, _frame: Any) -> None:
        if self._step is not None:  # else it rang just as the step ended: too late to matter
            step, self._step = self._step, None
            raise StepTimeoutError(timeout_message(step, self._seconds), step=step)

    @contextmanager
    def after(self, seconds: float | None, invocation_id: str) -> Iterator[None]:
        if not seconds or not self.available:
            yield
            return
        self._step, self._seconds = invocation_id, seconds
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            yield
        finally:
            self._step = None
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
    contexts: dict[tuple[str, str], RunContext] = {}
    channel = progress.WorkerChannel(conn)  # step events (and output) go to the parent
    progress.set_sink(channel.sink)
    conn.send(("ready", os.getpid()))  # nothing is queued yet: the channel is idle
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        channel.send(("report", _run_task(task, alarm, contexts, channel)))


def _run_task(
    task: StepTask,
    alarm: _Alarm,
    contexts: dict[tuple[str, str], RunContext],
    channel: progress.WorkerChannel | None = None,
) -> StepReport:
    inv = task.invocation_id
    try:
        with ExitStack() as scope, alarm.after(task.timeout, inv):
            if channel is not None and task.forward_output:
                scope.enter_context(channel.forwarding_output())
            key = (task.store_url, task.run_id)
            context = contexts.get(key)
            if context is None:  # one run per worker at a time: keep only its context
                contexts.clear()
                context = contexts[key] = run_context_from_store(task.store_url, task.run_id)
            context.outputs.update(task.upstream_outputs)
            outcome = StepRunner(context).run(inv)
        return StepReport.of(inv, outcome.status, outcome.error, outputs=outcome.outputs)
    except Exception as error:  # noqa: BLE001 - reported; the parent records the failure
        return StepReport.of(inv, S.FAILED, error, recorded=False)


# -- the parent's side ---------------------------------------------------------------------------
class WorkerStartError(StackwiseError):
    """A worker process died or hung before it could take a step (broken environment)."""


class StepWorker:
    """A worker process seen from its parent: send it one StepTask at a time, read its
    reports, kill it when it must stop now. `conn` can be waited on.

    A fresh interpreter (not multiprocessing's spawn, which would re-run the user's script in
    every worker) that imports only this module, with the parent's sys.path, cwd and
    environment; parent and worker talk over a socket pair. POSIX only.
    """

    def __init__(self) -> None:
        import json
        import socket
        import subprocess
        from multiprocessing.connection import Connection

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
            self.conn = Connection(ours.detach())
        self.pid = self.process.pid
        self.ready = False
        self._asked_to_stop = False
        self.task: StepTask | None = None
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
        self.deadline = time.monotonic() + task.timeout + TIMEOUT_GRACE if task.timeout else None
        self.conn.send(task)

    def receive(self) -> StepReport | None:
        """The next message: a report, or None for the start-up handshake. EOFError or OSError
        when the worker is gone (also when it died with a step's child holding its socket)."""
        if not self.conn.poll(0) and not self.alive():
            raise EOFError
        kind, payload = self.conn.recv()
        if kind == "ready":
            self.ready = True
            return None
        if kind in progress.FORWARDED:  # its step's progress (or output) while it runs
            progress.forward(kind, payload)
            return None
        self.task = self.deadline = None
        return payload  # type: ignore[no-any-return]

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
    "from stackwise.execution.worker import serve; serve(int(sys.argv[2]), int(sys.argv[3]))"
)


def run_step_status_isolated(
    store_url: str, run_id: str, invocation_id: str, timeout: float | None = None
) -> str:
    """`run_step_status` in a worker process of its own, killed if the step overruns `timeout`
    (+ TIMEOUT_GRACE), its step run then failed with "timed out after N s". For runners that
    cannot stop the thread a step runs in (a Dask task): submit this instead of
    `run_step_status` for steps with a timeout."""
    worker = StepWorker()
    report: StepReport | None = None
    try:
        worker.wait_ready()
        worker.send(StepTask(store_url, run_id, invocation_id, timeout))
        try:
            while report is None and worker.readable(worker.time_left()):
                report = worker.receive()  # None while its step reports progress
        except (EOFError, OSError):
            error: BaseException | None = worker_died(invocation_id, worker.ended())
        else:
            error = (
                report.error() if report is not None else hard_timeout(invocation_id, timeout or 0)
            )
        if report is not None and report.recorded:
            return str(report.status)
        from stackwise.store import get_store

        store = get_store(store_url)
        spec = PipelineSpec.from_dict(store.get_run(run_id).spec).steps[invocation_id]
        assert error is not None
        return str(record_unfinished_step(store, run_id, spec, error))
    finally:
        worker.stop(kill=report is None)


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
