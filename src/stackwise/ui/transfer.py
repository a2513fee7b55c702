"""Progress of long transfers (artifact uploads and downloads) and batch jobs
(`stackwise artifact prune`).

A transfer smaller than `STACKWISE_PROGRESS_MIN_BYTES` (default 32 MiB) shows nothing. A larger
one, while a run shows its progress, is drawn under its step in the run's live view (from
worker processes too); outside a run, on a terminal, it gets a rich progress bar on stderr
that disappears when it is done. Nothing is drawn off a terminal, with `STACKWISE_QUIET`, at a
verbosity above INFO, or off the main thread (a Dask worker's task threads share their
process's terminal with other work).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from stackwise.ui.console import is_terminal, shows_progress

MIN_BYTES_ENV = "STACKWISE_PROGRESS_MIN_BYTES"
DEFAULT_MIN_BYTES = 32 * 1024 * 1024
_REPORT_EVERY = 0.2  # seconds between two reports of one transfer to a run's view

Reporter = Callable[[str, int, int], None]  # (label, done, total)
_run_reporter: Reporter | None = None


def set_run_reporter(reporter: Reporter | None) -> Reporter | None:
    """While a run shows progress, transfers report to it (see stackwise.execution.progress);
    returns the previous reporter."""
    global _run_reporter
    previous, _run_reporter = _run_reporter, reporter
    return previous


def min_bytes() -> int:
    try:
        return int(os.environ.get(MIN_BYTES_ENV, DEFAULT_MIN_BYTES))
    except ValueError:
        return DEFAULT_MIN_BYTES


class Progress:
    """What a transfer or a job reports through: `advance(n)` as units are done."""

    def advance(self, amount: int = 1) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class _ToRun(Progress):
    def __init__(self, reporter: Reporter, label: str, total: int) -> None:
        self._reporter = reporter
        self._label = label
        self._total = total
        self._done = 0
        self._last = 0.0
        self._lock = threading.Lock()

    def advance(self, amount: int = 1) -> None:
        with self._lock:
            self._done += amount
            now = time.monotonic()
            if now - self._last < _REPORT_EVERY and self._done < self._total:
                return
            self._last = now
            done = self._done
        self._reporter(self._label, done, self._total)

    def close(self) -> None:
        self._reporter(self._label, self._total, self._total)


class _Bar(Progress):
    def __init__(self, bar: Any, task: Any) -> None:
        self._bar = bar
        self._task = task

    def advance(self, amount: int = 1) -> None:
        self._bar.update(self._task, advance=amount)


def _draws_here() -> bool:
    return (
        shows_progress()
        and threading.current_thread() is threading.main_thread()
        and is_terminal(sys.stderr)
    )


@contextmanager
def transfer_progress(label: str, total: int) -> Iterator[Progress | None]:
    """`with transfer_progress("Uploading model", size) as progress:` then
    `progress.advance(n)` per n bytes moved; `progress` is None when nothing is shown (a small
    transfer, no terminal, quiet): then do not count."""
    if total < min_bytes():
        yield None
        return
    reporter = _run_reporter
    if reporter is not None:
        if not shows_progress():
            yield None
            return
        to_run = _ToRun(reporter, label, total)
        try:
            yield to_run
        finally:
            to_run.close()
        return
    if not _draws_here():
        yield None
        return
    with _rich_bar(label, total, transfer=True) as progress:
        yield progress


@contextmanager
def task_progress(label: str, total: int, *, min_total: int = 10) -> Iterator[Progress | None]:
    """A bar counting `total` items (pruning folders, deleting versions) on a terminal, for
    jobs of at least `min_total` items; None otherwise."""
    if total < min_total or _run_reporter is not None or not _draws_here():
        yield None
        return
    with _rich_bar(label, total, transfer=False) as progress:
        yield progress


@contextmanager
def _rich_bar(label: str, total: int, *, transfer: bool) -> Iterator[Progress]:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )
    from rich.progress import Progress as RichProgress

    columns: list[Any] = [TextColumn("{task.description}"), BarColumn()]
    columns += [DownloadColumn(), TransferSpeedColumn()] if transfer else [MofNCompleteColumn()]
    columns.append(TimeRemainingColumn())
    stream = getattr(sys.stderr, "rich_proxied_file", sys.stderr)
    with RichProgress(*columns, console=Console(file=stream), transient=True) as bar:
        yield _Bar(bar, bar.add_task(label, total=total))
