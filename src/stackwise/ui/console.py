"""How much stackwise prints, and where.

* `STACKWISE_LOGGING_VERBOSITY` (ZenML's `ZENML_LOGGING_VERBOSITY`: DEBUG, INFO, WARN, ERROR,
  CRITICAL; default INFO) is the level of stackwise's console logging. A run's progress (a line
  per step, or the live view on a terminal) is INFO: WARN and above hide it.
* `STACKWISE_QUIET=1` (or `stackwise pipeline run --quiet`) prints no progress and no INFO
  logs; warnings and errors still show.

Progress lines go to stdout, like ZenML's, so a step's own prints and the lines around them
stay in order in a log file. stackwise's log records reach the console through one handler on
the `stackwise` logger (`ensure_console_logging`), added only when the process has not
configured logging itself (the root logger has no handler): then INFO records go to stdout and
warnings and errors to stderr, as plain messages. A process that configured logging gets
stackwise's records through its own handlers instead.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any, TextIO

QUIET_ENV = "STACKWISE_QUIET"
_TRUE = ("1", "true", "yes", "on")

# how statuses look in tables and in the live view (rich styles)
STATUS_STYLES = {
    "completed": "green",
    "cached": "blue",
    "failed": "red",
    "running": "yellow",
    "retrying": "yellow",
    "initializing": "cyan",
    "provisioning": "cyan",
    "queued": "cyan",
    "skipped": "dim",
    "not run": "dim",
    "pending": "dim",
    "retried": "magenta",
    "stopped": "magenta",
    "stopping": "magenta",
    "cancelled": "magenta",
    "cancelling": "magenta",
    "paused": "magenta",
    "resuming": "cyan",
    "will run": "yellow",  # `stackwise pipeline plan`
    "ok": "green",  # `stackwise artifact verify`
    "corrupted": "red",
    "missing": "red",
    "unreachable": "yellow",
    "unverified": "dim",
}


def status_style(status: object) -> str:
    """The rich style of a status ('' when it has none); `completed (attempt 2)` is styled
    as `completed`."""
    text = str(status).strip().lower()
    return STATUS_STYLES.get(text) or STATUS_STYLES.get(text.split(" ", 1)[0], "")


def quiet() -> bool:
    """STACKWISE_QUIET is set to a true value."""
    return os.environ.get(QUIET_ENV, "").strip().lower() in _TRUE


def verbosity() -> int:
    """The level STACKWISE_LOGGING_VERBOSITY names (INFO when unset); an unknown name is
    reported once as a warning and read as INFO: how much is shown never fails a run."""
    from stackwise.logger import get_logging_level

    try:
        return get_logging_level()
    except Exception as error:  # noqa: BLE001 - a display setting must not stop the work
        global _warned_level
        if not _warned_level:
            _warned_level = True
            logging.getLogger("stackwise").warning(
                "%s", str(error.args[0] if error.args else error)
            )
        return logging.INFO


_warned_level = False


def shows_progress() -> bool:
    """Whether a run prints its progress: not quiet, and the verbosity is INFO or lower."""
    return not quiet() and verbosity() <= logging.INFO


def is_terminal(stream: TextIO | None = None) -> bool:
    """Whether `stream` (default: stdout) is an interactive terminal (not `TERM=dumb`)."""
    stream = sys.stdout if stream is None else stream
    try:
        tty = bool(stream.isatty())
    except (AttributeError, ValueError):  # closed, or not a file
        return False
    return tty and os.environ.get("TERM", "") != "dumb"


class ConsoleHandler(logging.Handler):
    """stackwise's console handler: INFO and below to stdout, warnings and errors to stderr,
    each the message alone (plus the traceback, if any). The streams are looked up at each
    record, so a live view or a step's log capture that swaps sys.stdout gets the lines."""

    def __init__(self, level: int) -> None:
        super().__init__(level)
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            stream: Any = sys.stderr if record.levelno >= logging.WARNING else sys.stdout
            if record.levelno >= logging.WARNING:
                sys.stdout.flush()  # what the step printed before comes first
            # past a step's log capture, which keeps the record through its own handler
            while getattr(stream, "captures_log_records", False):
                stream = stream._stream
            stream.write(self.format(record) + "\n")
            stream.flush()
        except Exception:  # noqa: BLE001 - logging's own convention
            self.handleError(record)


def ensure_console_logging() -> None:
    """Give the `stackwise` logger a ConsoleHandler at the level that STACKWISE_QUIET and
    STACKWISE_LOGGING_VERBOSITY set, unless the process configured logging itself. Called when
    a run starts; later calls only follow changes of the two variables."""
    logger = logging.getLogger("stackwise")
    level = max(verbosity(), logging.WARNING) if quiet() else verbosity()
    ours = next((h for h in logger.handlers if isinstance(h, ConsoleHandler)), None)
    if ours is None:
        if logger.handlers or _configured(logging.getLogger()):
            if os.environ.get("STACKWISE_LOGGING_VERBOSITY") and logger.level == logging.NOTSET:
                logger.setLevel(level)
            return
        ours = ConsoleHandler(level)
        logger.addHandler(ours)
    ours.setLevel(level)
    logger.setLevel(level)


def _configured(root: logging.Logger) -> bool:
    """The root logger has a handler besides a step's log capture (stackwise's own)."""
    return any(type(h).__module__ != "stackwise.utils.output_routing" for h in root.handlers)


def format_seconds(seconds: float) -> str:
    """A duration as ZenML prints it: `0.042s`, `2m3s`, `1h2m3s`, `1d0h2m3s`."""
    whole = int(seconds)
    days, whole = divmod(whole, 86400)
    hours, whole = divmod(whole, 3600)
    minutes, whole = divmod(whole, 60)
    if days:
        return f"{days}d{hours}h{minutes}m{whole}s"
    if hours:
        return f"{hours}h{minutes}m{whole}s"
    if minutes:
        return f"{minutes}m{whole}s"
    return f"{seconds:.3f}s"


def format_bytes(size: float) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"  # pragma: no cover
