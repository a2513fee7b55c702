"""Capturing what a step prints and logs (ZenML's `enable_step_logs`, on unless set False).

While the step runs, its stdout and stderr still reach the terminal and are also kept, as are
log records emitted from its thread; at the end they are written as one text file into the
artifact store (`<root>/logs/<id>.log`), whose URI the step run's config records under
`logs_uri` (no file is written when nothing was printed or logged). The same capture serves a
whole run (`enable_pipeline_logs`). stdout/stderr are only swapped on the main thread: a
thread-pooled worker keeps the log records only.
"""

from __future__ import annotations

import io
import logging
import sys
import threading
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from stackwise.artifact_stores.base_artifact_store import BaseArtifactStore

_FORMAT = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")


class _Tee(io.TextIOBase):
    # log records reach the capture through its handler: stackwise's console handler writes
    # them past the tee (stackwise.ui.console), so the logs keep each record once
    captures_log_records = True

    def __init__(self, stream: TextIO, buffer: io.StringIO) -> None:
        self._stream = stream
        self._buffer = buffer

    def write(self, text: str) -> int:
        self._buffer.write(text)
        return self._stream.write(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "encoding", "utf-8")


class _Handler(logging.Handler):
    def __init__(self, buffer: io.StringIO, thread: int) -> None:
        super().__init__(logging.INFO)
        self._buffer = buffer
        self._thread = thread
        self.setFormatter(_FORMAT)

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self._thread:
            self._buffer.write(self.format(record) + "\n")


def logs_uri(artifact_store: BaseArtifactStore, log_id: str) -> str:
    return artifact_store.join(artifact_store.path, "logs", f"{log_id}.log")


class LogCapture:
    """`with LogCapture(store, uri):` keeps the output of the block and saves it at exit."""

    def __init__(self, artifact_store: BaseArtifactStore, uri: str) -> None:
        self.artifact_store = artifact_store
        self.uri = uri
        self.buffer = io.StringIO()
        self._swapped = threading.current_thread() is threading.main_thread()

    def __enter__(self) -> LogCapture:
        self._handler = _Handler(self.buffer, threading.get_ident())
        logging.getLogger().addHandler(self._handler)
        if self._swapped:
            self._out, self._err = sys.stdout, sys.stderr
            sys.stdout = _Tee(self._out, self.buffer)
            sys.stderr = _Tee(self._err, self.buffer)
        return self

    def __exit__(self, *exc: Any) -> None:
        logging.getLogger().removeHandler(self._handler)
        if self._swapped:
            sys.stdout, sys.stderr = self._out, self._err
        self.save()

    def save(self) -> None:
        """Write what was captured; a step that printed and logged nothing writes no file
        (readers treat a missing file as empty logs), keeping quiet steps cheap."""
        text = self.buffer.getvalue()
        if not text:
            return
        try:
            folder = self.uri.rsplit("/", 1)[0]
            if not self.artifact_store.exists(folder):
                self.artifact_store.makedirs(folder)
            with self.artifact_store.open(self.uri, "w") as handle:
                handle.write(text)
        except Exception as error:  # noqa: BLE001 - logs must never fail a step (nor hide why
            # it failed): an unreachable remote store raises its library's own errors
            logging.getLogger("stackwise").warning(
                "Could not save logs to %s: %s: %s", self.uri, type(error).__name__, error
            )


def read_logs(artifact_store: BaseArtifactStore, uri: str) -> str:
    """The text of saved logs ('' when the file is missing)."""
    if not artifact_store.exists(uri):
        return ""
    with artifact_store.open(uri, "r") as handle:
        return str(handle.read())
