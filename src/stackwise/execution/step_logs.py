"""Capturing what a step prints and logs (ZenML's `enable_step_logs`, on unless set False).

A capture gets what its thread prints and logs (utils/output_routing.py: the terminal still
gets it too), which keeps steps apart in a threaded Dask worker as in a worker process and
nests a step's capture inside the run's (`enable_pipeline_logs`). Every line gets a UTC
timestamp and where it came from (`stdout`, `stderr`, or the record's level and logger).

Lines go to the artifact store in chunks, each a separate object in the capture's folder
(`<root>/logs/<run id>/<log id>/000000.log`, ...): objects are written once and never
appended to, so it works on S3 as on a local disk, and a reader (`stackwise pipeline runs logs
--follow`) sees a running step's lines within a second. One flusher thread per process writes
the chunks of all its captures; a step that prints and logs nothing writes nothing.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import traceback
from typing import TYPE_CHECKING, Any

from stackwise.utils.output_routing import start_routing, stop_routing

if TYPE_CHECKING:
    from stackwise.artifact_stores.base_artifact_store import BaseArtifactStore

DISABLE_STEP_LOGS_ENV = "STACKWISE_DISABLE_STEP_LOGS_STORAGE"
DISABLE_PIPELINE_LOGS_ENV = "STACKWISE_DISABLE_PIPELINE_LOGS_STORAGE"
FLUSH_SECONDS = 1.0  # how stale a running step's stored logs may be
_FLUSH_BYTES = 256 * 1024  # a chatty step writes a chunk sooner, bounding memory
_TRUE = ("1", "true", "yes", "on", "y")

_logger = logging.getLogger("stackwise")


def step_logs_disabled() -> bool:
    """STACKWISE_DISABLE_STEP_LOGS_STORAGE (ZenML's ZENML_DISABLE_STEP_LOGS_STORAGE) is set
    to a true value: no step of any run stores logs, whatever its configuration says."""
    return os.environ.get(DISABLE_STEP_LOGS_ENV, "").strip().lower() in _TRUE


def pipeline_logs_disabled() -> bool:
    """The same for a run's own logs (STACKWISE_DISABLE_PIPELINE_LOGS_STORAGE)."""
    return os.environ.get(DISABLE_PIPELINE_LOGS_ENV, "").strip().lower() in _TRUE


def logs_uri(artifact_store: BaseArtifactStore, log_id: str, run_id: str | None = None) -> str:
    """The folder one capture's chunks go to (under the run's folder when there is a run)."""
    parts = ("logs", run_id, log_id) if run_id else ("logs", log_id)
    return artifact_store.join(artifact_store.path, *parts)


def _stamp(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + (
        f".{int(seconds % 1 * 1000):03d}Z"
    )


class LogCapture:
    """`with LogCapture(store, uri):` keeps what the block's thread prints and logs, in
    timestamped lines written to the artifact store in chunks."""

    def __init__(self, artifact_store: BaseArtifactStore, uri: str) -> None:
        self.artifact_store = artifact_store
        self.uri = uri
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._lines: list[str] = []
        self._size = 0
        self._partial: dict[str, str] = {}
        self._chunks = 0
        self._folder_made = False
        self._failed = False

    # -- what the step emits ---------------------------------------------------------------
    def write(self, source: str, text: str) -> None:
        """Text written to stdout or stderr (`source`); a line is kept once it ends."""
        with self._lock:
            pending = self._partial.pop(source, "") + text
            *complete, rest = pending.split("\n")
            if rest:
                self._partial[source] = rest
            if complete:
                self._add(time.time(), source, complete)
            large = self._size >= _FLUSH_BYTES
        if large:
            self.flush()

    def record(self, record: logging.LogRecord, message: str) -> None:
        label = f"{record.levelname} {record.name}"
        with self._lock:
            self._add(record.created, label, message.split("\n"))

    def exception(self, error: BaseException) -> None:
        """Keep the traceback of the error that failed the step."""
        text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        lines = ["An exception has occurred.", *text.rstrip().split("\n")]
        with self._lock:
            self._add(time.time(), "ERROR", lines)

    def _add(self, seconds: float, label: str, lines: list[str]) -> None:
        prefix = f"{_stamp(seconds)} [{label}] "
        for line in lines:
            entry = prefix + line + "\n"
            self._lines.append(entry)
            self._size += len(entry)

    # -- where it goes ---------------------------------------------------------------------
    def flush(self, final: bool = False) -> None:
        """Write the lines kept so far as the next chunk (at the end, unfinished lines too).
        The step keeps printing while a chunk uploads: only taking the lines holds it."""
        with self._write_lock:  # chunks land in the order they are numbered
            with self._lock:
                if final and self._partial:
                    for source, rest in self._partial.items():
                        self._add(time.time(), source, [rest])
                    self._partial.clear()
                if not self._lines or self._failed:
                    return
                text = "".join(self._lines)
                self._lines.clear()
                self._size = 0
                number = self._chunks
                self._chunks += 1
            self._write(number, text)

    def _write(self, number: int, text: str) -> None:
        try:
            if not self._folder_made:
                self.artifact_store.makedirs(self.uri)
                self._folder_made = True
            chunk = self.artifact_store.join(self.uri, f"{number:06d}.log")
            with self.artifact_store.open(chunk, "w") as handle:
                handle.write(text)
        except Exception as error:  # noqa: BLE001 - logs must never fail a step (nor hide why
            # it failed): an unreachable remote store raises its library's own errors
            self._failed = True
            _logger.warning(
                "Could not save logs to %s: %s: %s", self.uri, type(error).__name__, error
            )

    def __enter__(self) -> LogCapture:
        start_routing(self)
        _ensure_flusher()
        _open.add(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        stop_routing(self)
        _open.discard(self)
        self.flush(final=True)


_open: set[LogCapture] = set()  # what the flusher writes for
_flusher: dict[str, Any] = {}


def _ensure_flusher() -> None:
    """One daemon thread per process writes every capture's pending lines each second (a new
    one after a fork, which copies no threads)."""
    if _flusher.get("pid") == os.getpid():
        return
    thread = threading.Thread(target=_flush_forever, name="stackwise-logs", daemon=True)
    _flusher["pid"] = os.getpid()
    thread.start()


def _flush_forever() -> None:
    while True:
        time.sleep(FLUSH_SECONDS)
        for capture in list(_open):
            if capture._lines:
                capture.flush()
