"""A run's progress as it happens: step events, where they go, and the view that shows them.

`StepRunner.run` reports each step it handles — `step_started` when the step really runs (not
for a cache hit), `step_cached`, `step_finished` with its status and duration — to this
process's sink. While a run shows its progress (`run_progress`, entered by the code that
launches a run) the sink is that run's view: plain lines off a terminal, a live table on one
(stackwise.ui.run_view). In a `local_parallel` worker process the sink is the connection to
the parent (`WorkerChannel`): the parent's `StepWorker.receive` hands the events to its own
sink (`forward`), so the view of a parallel run is the same as a local one. While a view is
shown, workers also send what their steps print (`forwards_output`), which the parent prints
above the live table instead of through it (and, off a terminal, in order with the progress
lines). Steps of other orchestrators (Dask) are filled in from the store when the run ends, if
no event came for them.

The events are small and optional: with no sink (STACKWISE_QUIET, a verbosity above INFO, a
process that launches no run) nothing is built or sent, and no error of the display ever
fails a step or a run.
"""

from __future__ import annotations

import collections
import io
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stackwise.models.pipeline_spec import PipelineSpec
    from stackwise.store.base import Store
    from stackwise.store.records import RunRecord
    from stackwise.ui.run_view import RunState

logger = logging.getLogger("stackwise")


@dataclass(frozen=True)
class StepEvent:
    """One thing that happened to a step (picklable: it crosses from worker processes)."""

    kind: str  # started | cached | finished | transfer
    invocation_id: str | None
    status: str | None = None
    duration: float | None = None  # seconds, measured where the step ran
    error: str | None = None  # "ValueError: boom"
    label: str | None = None  # transfer: what moves
    done: int = 0
    total: int = 0


Sink = Callable[[StepEvent], None]
_sink: Sink | None = None
_started: dict[str, float] = {}  # invocation -> time.monotonic() when it started here
_running: list[str] = []  # steps running in this process, the latest last
_forward_output = False  # a run's progress is shown here: workers send their output


def set_sink(sink: Sink | None) -> Sink | None:
    """Send this process's step events to `sink` (None: nowhere); returns the previous one.
    Transfers report to it too (stackwise.ui.transfer)."""
    global _sink
    from stackwise.ui.transfer import set_run_reporter

    previous, _sink = _sink, sink
    set_run_reporter(_report_transfer if sink is not None else None)
    return previous


def emit(event: StepEvent) -> None:
    sink = _sink
    if sink is None:
        return
    try:
        sink(event)
    except Exception as error:  # noqa: BLE001 - showing progress must never fail a step
        logger.debug("Progress event %s not shown: %s", event, error)


def step_started(invocation_id: str) -> None:
    """The step runs now (its cache was not used)."""
    if _sink is None:
        return
    _started[invocation_id] = time.monotonic()
    _running.append(invocation_id)
    emit(StepEvent("started", invocation_id))


def step_cached(invocation_id: str) -> None:
    if _sink is not None:
        emit(StepEvent("cached", invocation_id, status="cached"))


def step_finished(
    invocation_id: str,
    status: Any,
    error: BaseException | None = None,
    duration: float | None = None,
) -> None:
    """The step ended with `status` (its last attempt's); `duration` defaults to the time
    since `step_started` in this process."""
    if _sink is None:
        return
    start = _started.pop(invocation_id, None)
    if invocation_id in _running:
        _running.remove(invocation_id)
    if duration is None and start is not None:
        duration = time.monotonic() - start
    message = f"{type(error).__name__}: {error}" if error is not None else None
    emit(StepEvent("finished", invocation_id, str(status), duration, message))


def _report_transfer(label: str, done: int, total: int) -> None:
    emit(
        StepEvent(
            "transfer", _running[-1] if _running else None, label=label, done=done, total=total
        )
    )


def forwards_output() -> bool:
    """Whether worker processes should send their steps' output to this process: while it
    shows a run's progress, so that their lines come in order with its lines (and never
    through a live view, which their direct writes to the terminal would garble)."""
    return _forward_output


# -- worker processes --------------------------------------------------------------------------
FORWARDED = ("progress", "output")  # what a worker sends besides its handshake and reports


def forward(kind: str, payload: Any) -> None:
    """In the parent: a message a worker sent while its step ran (see WorkerChannel)."""
    if kind == "progress":
        emit(payload)
        return
    which, text = payload
    stream = sys.stderr if which == "err" else sys.stdout
    try:
        stream.write(text)
        if "\n" in text:
            stream.flush()
    except (OSError, ValueError):  # a closed stream: the output is lost, the run goes on
        pass


class WorkerChannel:
    """The worker's side: events (and, on request, the step's output) go to the parent over
    the worker's connection, sent by a thread of its own so that the step's thread never
    writes to the connection itself — a step stopped mid-write (by its timeout's alarm) would
    leave half a message there. `send` sends a message of the worker's own (a report) after
    everything queued before it."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn
        self._pending: collections.deque[Any] = collections.deque()
        self._cond = threading.Condition()
        self._sending = threading.Lock()
        self._busy = False
        self._broken = False
        threading.Thread(target=self._pump, name="stackwise-progress", daemon=True).start()

    def put(self, message: Any) -> None:
        if self._broken:
            return
        with self._cond:
            self._pending.append(message)
            self._cond.notify_all()

    def sink(self, event: StepEvent) -> None:
        self.put(("progress", event))

    def send(self, message: Any) -> None:
        with self._cond:
            while self._pending or self._busy:
                self._cond.wait(0.5)
        with self._sending:
            self._conn.send(message)

    def _pump(self) -> None:
        while True:
            with self._cond:
                while not self._pending:
                    self._cond.wait(0.5)
                message = self._pending.popleft()
                self._busy = True
            try:
                with self._sending:
                    self._conn.send(message)
            except Exception:  # noqa: BLE001 - the parent is gone: the worker ends soon
                self._broken = True
            finally:
                with self._cond:
                    self._busy = False
                    if self._broken:
                        self._pending.clear()
                    self._cond.notify_all()

    @contextmanager
    def forwarding_output(self) -> Iterator[None]:
        """sys.stdout and sys.stderr go to the parent while the block runs."""
        out, err = sys.stdout, sys.stderr
        sys.stdout = _Forwarder(self, "out", out)
        sys.stderr = _Forwarder(self, "err", err)
        try:
            yield
        finally:
            sys.stdout, sys.stderr = out, err


class _Forwarder(io.TextIOBase):
    def __init__(self, channel: WorkerChannel, which: str, original: Any) -> None:
        self._channel = channel
        self._which = which
        self._original = original

    def write(self, text: str) -> int:
        if text:
            self._channel.put(("output", (self._which, str(text))))
        return len(text)

    def flush(self) -> None:
        """Each write is sent as it comes."""

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return int(self._original.fileno())

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return str(getattr(self._original, "encoding", "utf-8"))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._original, name)


# -- one run's view ----------------------------------------------------------------------------
class RunProgress:
    """`with run_progress(store, run, spec, header):` around a run's execution shows its
    progress and, at the end, a summary line with the command that inspects the run. Enter it
    before the run's log capture, so that the capture keeps what the view prints above it."""

    def __init__(
        self,
        store: Store,
        run: RunRecord,
        spec: PipelineSpec,
        header: str | None = None,
        reused: Iterable[str] = (),
    ) -> None:
        from stackwise.ui.console import ensure_console_logging, shows_progress

        ensure_console_logging()
        self.store = store
        self.run = run
        self.spec = spec
        self.header = header
        self.reused = list(reused)
        self.enabled = shows_progress()
        self.view: Any = None
        self.state: RunState | None = None
        self._previous: Sink | None = None
        self._entered = False
        self._start = time.monotonic()
        # the run's status as the completion rule decided it (run_finish.py), set before the
        # view closes: the summary then says what is recorded, not what the view saw
        self.final_status: str | None = None

    def __enter__(self) -> RunProgress:
        global _forward_output
        if not self.enabled:
            return self
        try:
            from stackwise.ui.console import is_terminal
            from stackwise.ui.run_view import LiveView, PlainView, RunState

            self.state = state = RunState(self.spec.steps)
            for name in self.reused:
                state.step(name).status = "cached"
            nested = _sink is not None
            live = not nested and is_terminal(sys.stdout)
            self.view = LiveView(state, self.header) if live else PlainView(state, self.header)
            self.view.start()
        except Exception as error:  # noqa: BLE001 - no view, but the run goes on
            logger.debug("No progress view: %s", error)
            self.view = None
            return self
        self._previous = set_sink(self._on_event)
        self._forwarding_before = _forward_output
        _forward_output = True
        self._entered = True
        self._start = time.monotonic()
        return self

    def _on_event(self, event: StepEvent) -> None:
        state, view = self.state, self.view
        if state is None or view is None or event.invocation_id is None:
            return
        with state.lock:
            step = state.step(event.invocation_id)
            if event.kind == "started":
                step.status, step.started = "running", time.monotonic()
                step.duration = step.error = step.transfer = None
            elif event.kind == "transfer":
                step.transfer = (
                    (event.label or "", event.done, event.total)
                    if event.done < event.total
                    else None
                )
            else:
                took = event.duration
                if took is None and step.started is not None and step.status == "running":
                    took = time.monotonic() - step.started  # measured here, then
                step.status = event.status or "completed"
                step.duration, step.error, step.transfer = took, event.error, None
        if event.kind == "started":
            view.started(event.invocation_id)
        elif event.kind == "transfer":
            view.transfer(step)
        else:
            view.finished(step)

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        global _forward_output
        if not self._entered:
            return
        set_sink(self._previous)
        _forward_output = self._forwarding_before
        lines: list[tuple[str, str]] = []
        try:
            self._fill_in_from_store(stopped=exc is not None)
            lines = self._summary(exc)
        except Exception as error:  # noqa: BLE001 - the run's own outcome matters more
            logger.debug("No summary of run '%s': %s", self.run.name, error)
        try:
            self.view.close(lines)
        except Exception as error:  # noqa: BLE001 - the run's own outcome matters more
            logger.debug("Progress view not closed cleanly: %s", error)

    def _fill_in_from_store(self, stopped: bool = False) -> None:
        """Steps no event was seen for (run by another orchestrator's workers, or reused by
        a resume): their status and duration as the store recorded them. `stopped`: the run
        ends with an error (Ctrl-C): the steps seen running were stopped."""
        assert self.state is not None
        with self.state.lock:
            for name in self.spec.steps:  # a dynamic run's spec grew as it ran
                self.state.step(name)
            now = time.monotonic()
            for step in self.state.steps.values():
                if stopped and step.status == "running":
                    step.status = "stopped"
                    step.duration = now - step.started if step.started is not None else None
            unknown = [
                s
                for s in self.state.steps.values()
                if not s.finished or s.duration is None and s.status == "completed"
            ]
        if not unknown:
            return
        recorded = {r.name: r for r in self.store.list_step_runs(self.run.id)}
        with self.state.lock:
            for step in unknown:
                record = recorded.get(step.name)
                if record is None:
                    if not step.finished:
                        step.status = "not run"
                    continue
                step.status = str(record.status)
                if record.end_time is not None and record.start_time is not None:
                    step.duration = (record.end_time - record.start_time).total_seconds()

    def _summary(self, exc: BaseException | None) -> list[tuple[str, str]]:
        from stackwise.ui.console import format_seconds

        assert self.state is not None
        took = format_seconds(time.monotonic() - self._start)
        name = self.run.name
        inspect = (f"Inspect it: stackwise pipeline runs describe {name}", "dim")
        counts = self.state.counts()
        total = len(self.state.steps)
        if exc is not None:
            what = (
                f"was interrupted after {took}"
                if isinstance(exc, KeyboardInterrupt)
                else f"stopped after {took}: {type(exc).__name__}: {exc}"
            )
            return [(f"Pipeline run '{name}' {what}".splitlines()[0], "red"), inspect]
        if self.final_status == "running":  # detached: the orchestrator runs it on
            return [(f"Pipeline run '{name}' was submitted to its orchestrator.", "green"), inspect]
        failed = [s.name for s in self.state.steps.values() if s.status == "failed"]
        not_run = [
            s.name
            for s in self.state.steps.values()
            if s.status in ("not run", "pending", "running")
        ]
        if failed or not_run or self.final_status not in (None, "completed"):
            parts = []
            if failed:
                parts.append(f"failed: {_names(failed)}")
            if not_run:
                parts.append(f"not run: {_names(not_run)}")
            details = f" ({'; '.join(parts)})" if parts else ""
            return [(f"Pipeline run '{name}' has failed after {took}{details}.", "red"), inspect]
        lines = []
        if total and counts.get("cached", 0) == total:
            lines.append(("All steps of the pipeline run were cached.", ""))
        lines.append((f"Pipeline run '{name}' has finished in {took}.", "green"))
        return [*lines, inspect]


def _names(names: list[str], shown: int = 5) -> str:
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f" and {more} more" if more > 0 else "")


def run_progress(
    store: Store,
    run: RunRecord,
    spec: PipelineSpec,
    header: str | None = None,
    reused: Iterable[str] = (),
) -> RunProgress:
    return RunProgress(store, run, spec, header, reused)
