"""Routing what a thread prints and logs to the captures open for it (a step's logs, the
run's logs: execution/step_logs.py), while the terminal still gets all of it.

While any capture is open, sys.stdout and sys.stderr are routers and the root logger has one
handler, at STACKWISE_LOGGING_VERBOSITY (default INFO; the root logger's level is lowered to
it meanwhile, as ZenML does for a step). Both hand each write or record to the captures of
the thread it comes from, so steps running side by side in one process (Dask worker threads)
stay apart. A helper thread a step starts (e.g. the output pumps of a command step) joins its
step's captures with `printing_for`.
"""

from __future__ import annotations

import io
import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol, TextIO


class Capture(Protocol):
    def write(self, source: str, text: str) -> None: ...
    def record(self, record: logging.LogRecord, message: str) -> None: ...


_active: dict[int, list[Capture]] = {}  # thread ident -> its captures, outermost first
_lock = threading.Lock()
_installed: dict[str, Any] = {}


def start_routing(capture: Capture) -> None:
    """From now on, `capture` gets what this thread prints and logs."""
    with _lock:
        if not _active:
            _install()
        _active.setdefault(threading.get_ident(), []).append(capture)


def stop_routing(capture: Capture) -> None:
    with _lock:
        ident = threading.get_ident()
        captures = _active.get(ident, [])
        if capture in captures:
            captures.remove(capture)
        if not captures:
            _active.pop(ident, None)
        if not _active:
            _uninstall()


@contextmanager
def printing_for(thread_ident: int) -> Iterator[None]:
    """In a helper thread: what it prints and logs goes to the captures of `thread_ident`."""
    ident = threading.get_ident()
    with _lock:
        captures = _active.get(thread_ident)
        if captures is not None:
            _active[ident] = captures
    try:
        yield
    finally:
        if captures is not None:
            with _lock:
                _active.pop(ident, None)


class _Router(io.TextIOBase):
    """sys.stdout/sys.stderr while captures are open: the terminal still gets every write."""

    # stackwise's console handler writes records past the router (stackwise.ui.console): the
    # capture keeps each record once, through the handler
    captures_log_records = True

    def __init__(self, stream: TextIO, source: str) -> None:
        self._stream = stream
        self._source = source

    def write(self, text: str) -> int:
        captures = _active.get(threading.get_ident())
        if captures:
            for capture in captures:
                capture.write(self._source, text)
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
    def __init__(self, level: int) -> None:
        super().__init__(level)
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        captures = _active.get(record.thread or 0)
        if not captures:
            return
        message = self.format(record)
        for capture in captures:
            capture.record(record, message)


def _install() -> None:
    from stackwise.ui.console import verbosity

    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if not isinstance(stream, _Router):
            setattr(sys, name, _Router(stream, name))
    level = verbosity()
    root = logging.getLogger()
    handler = _Handler(level)
    if not root.handlers:
        # a handler on the root logger stops Python's last-resort printing of the warnings
        # of loggers nobody configured: print them as before
        handler.addFilter(_last_resort)
    old_level = root.level
    _installed.update(handler=handler, root_level=old_level, filtered=[])
    if old_level > level:
        # lowered for the capture's sake only: the handlers the process set up keep seeing
        # what they saw before
        hidden = _HiddenBelow(old_level)
        for existing in root.handlers:
            existing.addFilter(hidden)
            _installed["filtered"].append((existing, hidden))
        root.setLevel(level)
    root.addHandler(handler)


def _uninstall() -> None:
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if isinstance(stream, _Router):
            setattr(sys, name, stream._stream)
    root = logging.getLogger()
    root.removeHandler(_installed.pop("handler"))
    for existing, hidden in _installed.pop("filtered"):
        existing.removeFilter(hidden)
    if root.level != _installed["root_level"]:
        root.setLevel(_installed["root_level"])
    del _installed["root_level"]


class _HiddenBelow(logging.Filter):
    """Drops the records a logger without a level of its own emits only because the root
    logger's level was lowered."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self.level = level

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= self.level:
            return True
        logger: logging.Logger | None = logging.getLogger(record.name)
        while logger is not None and logger.parent is not None:  # up to, not including, root
            if logger.level != logging.NOTSET:
                return True  # its own level let the record through
            logger = logger.parent
        return False


def _last_resort(record: logging.LogRecord) -> bool:
    if record.levelno >= logging.WARNING and not _handled_elsewhere(record.name):
        stream = sys.stderr
        while isinstance(stream, _Router):
            stream = stream._stream
        stream.write(record.getMessage() + "\n")
    return True


def _handled_elsewhere(name: str) -> bool:
    logger: logging.Logger | None = logging.getLogger(name)
    while logger is not None:
        if any(not isinstance(h, _Handler) for h in logger.handlers):
            return True
        logger = logger.parent if logger.propagate else None
    return False
