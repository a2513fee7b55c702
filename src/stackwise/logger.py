"""ZenML's `zenml.logger.get_logger`: `get_logger(__name__)` gives user code and stackwise
modules a standard `logging.Logger` under the `stackwise` logger, so one level setting
(`STACKWISE_LOGGING_VERBOSITY`, as ZenML's `ZENML_LOGGING_VERBOSITY`) and the handlers a step
run attaches (its captured logs) apply to them all."""

from __future__ import annotations

import logging
import os

from stackwise.exceptions import ZenKeyError

ROOT_LOGGER = "stackwise"
VERBOSITY_ENV = "STACKWISE_LOGGING_VERBOSITY"
LEVELS = ("CRITICAL", "ERROR", "WARN", "WARNING", "INFO", "DEBUG", "NOTSET")


def get_logging_level() -> int:
    """The level STACKWISE_LOGGING_VERBOSITY names (default INFO); an unknown name is an
    error naming the choices."""
    name = os.environ.get(VERBOSITY_ENV, "INFO").upper()
    if name not in LEVELS:
        raise ZenKeyError(
            f"{VERBOSITY_ENV}={name} is not a logging level; choose one of {', '.join(LEVELS)}."
        )
    return logging.getLevelName("WARNING" if name == "WARN" else name)  # type: ignore[no-any-return]


def get_logger(logger_name: str) -> logging.Logger:
    """The logger for `logger_name` (usually `__name__`): stackwise's own modules keep their
    name; any other name becomes a child of the `stackwise` logger (`__main__` ->
    `stackwise.__main__`), whose level STACKWISE_LOGGING_VERBOSITY sets.

    Example:
        >>> from stackwise.logger import get_logger
        >>> logger = get_logger(__name__)
        >>> logger.info("Training on %d rows", 1000)
    """
    root = logging.getLogger(ROOT_LOGGER)
    if root.level == logging.NOTSET and VERBOSITY_ENV in os.environ:
        root.setLevel(get_logging_level())
    if logger_name == ROOT_LOGGER or logger_name.startswith(ROOT_LOGGER + "."):
        return logging.getLogger(logger_name)
    return logging.getLogger(f"{ROOT_LOGGER}.{logger_name}")


__all__ = ["get_logger", "get_logging_level"]
