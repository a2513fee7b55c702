"""Warm step workers: the worker processes a run of this process leaves idle, kept for its
next run, so that run pays no interpreter start-up (about 0.4 s a worker on a small machine).

One pool per process, of one size (a run's `max_workers`): a run of another size stops the
pool's workers and starts its own, so a run never has more workers than it allows. A run takes
the idle workers (`take`), may start more ahead of its steps (`prestart`, called as soon as its
spec is known), and gives back those still healthy (`give_back`); a worker that died, timed out
or crashed mid-step is not given back, and the next run starts a fresh one in its place. A
worker is only reused where a fresh one would behave the same (`warm_processes`): same
environment, sys.path and cwd, and no module file changed since it started. The pool's workers
are stopped at interpreter exit; they also exit by themselves when this process dies.
"""

from __future__ import annotations

import threading

from stackwise.execution.warm_processes import code_changed_since, keep_warm, launch_state
from stackwise.execution.worker_process import StepWorker


class WorkerPool:
    """Idle StepWorkers for the next run of this process (see the module docstring)."""

    def __init__(self) -> None:
        self._idle: list[StepWorker] = []
        self._size: int | None = None
        self._lock = threading.Lock()

    def take(self, size: int) -> list[StepWorker]:
        """The idle workers a run of `size` workers may use now (the caller owns them)."""
        with self._lock:
            stale = self._resize(size)
            usable = _usable(self._idle)
            stale += [w for w in self._idle if w not in usable]
            self._idle = []
        _stop_all(stale)
        return usable

    def prestart(self, count: int, size: int) -> None:
        """Have `count` workers (at most `size`) idle or starting, ahead of a run of `size`."""
        with self._lock:
            stale = self._resize(size)
            usable = _usable(self._idle)
            stale += [w for w in self._idle if w not in usable]
            self._idle = usable
            while len(self._idle) < min(count, size):
                self._idle.append(StepWorker())
        _stop_all(stale)
        keep_warm(self.release)

    def give_back(self, workers: list[StepWorker], size: int) -> None:
        """Keep a finished run's idle workers for the next run (those still usable)."""
        keep: list[StepWorker] = []
        with self._lock:
            if self._size == size:
                room = size - len(self._idle)
                keep = [w for w in workers if w.task is None and w.alive()][: max(room, 0)]
                self._idle.extend(keep)
        _stop_all([w for w in workers if w not in keep])
        if keep:
            keep_warm(self.release)

    def release(self) -> None:
        """Stop every idle worker (at exit, and in tests)."""
        with self._lock:
            idle, self._idle = self._idle, []
        _stop_all(idle)

    def _resize(self, size: int) -> list[StepWorker]:
        """Under the lock: a pool of another size gives up its workers (returned, to stop)."""
        if self._size == size:
            return []
        self._size = size
        idle, self._idle = self._idle, []
        return idle


def _usable(workers: list[StepWorker]) -> list[StepWorker]:
    """Those a run may use as if freshly started: alive, started from this process as it is
    now, and older than no module file of this process."""
    state = launch_state()
    alive = [w for w in workers if w.alive() and w.launch_state == state]
    if not alive:
        return []
    if code_changed_since(min(w.started_ns for w in alive)):
        return []  # the code changed after the oldest started: checked once, all go
    return alive


def _stop_all(workers: list[StepWorker]) -> None:
    """Stop idle workers: ask them all first, so they exit together."""
    for worker in workers:
        worker.ask_to_stop()
    for worker in workers:
        worker.stop()


POOL = WorkerPool()
