"""Tracebacks of stackwise's own errors show the user's code, not stackwise's insides.

A stackwise error (a bad parameter, an unknown stack, a failed run) already says what was wrong
and how to fix it; the frames inside stackwise between the user's call and the `raise` only
bury the user's own line. When such an error ends a Python program, `sys.excepthook` drops
those frames (and says how many it dropped) before the usual hook prints it.
`STACKWISE_DEBUG=1` keeps every frame, as `stackwise --debug` does for the CLI. Any other
error (a bug in stackwise, the user's own exceptions) is printed untouched."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from types import TracebackType
from typing import Any

DEBUG_ENV = "STACKWISE_DEBUG"
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], Any]


def debugging() -> bool:
    return os.environ.get(DEBUG_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def is_internal(tb: TracebackType) -> bool:
    return os.path.abspath(tb.tb_frame.f_code.co_filename).startswith(_PACKAGE_DIR)


def without_internal_frames(tb: TracebackType | None) -> tuple[TracebackType | None, int]:
    """`tb` without stackwise's own frames, and how many were dropped. When every frame is
    stackwise's, `tb` is kept whole: an empty traceback would say nothing."""
    kept: list[TracebackType] = []
    dropped = 0
    while tb is not None:
        if is_internal(tb):
            dropped += 1
        else:
            kept.append(tb)
        tb = tb.tb_next
    if not kept:
        return None, 0
    rebuilt: TracebackType | None = None
    for entry in reversed(kept):
        rebuilt = TracebackType(rebuilt, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return rebuilt, dropped


def _trim_chain(error: BaseException, seen: set[int]) -> int:
    """Trim `error` and the stackwise errors it was raised from; the frames dropped."""
    from stackwise.exceptions import StackwiseBaseException

    if id(error) in seen:
        return 0
    seen.add(id(error))
    dropped = 0
    if isinstance(error, StackwiseBaseException):
        trimmed, dropped = without_internal_frames(error.__traceback__)
        if dropped:
            error.__traceback__ = trimmed
    for linked in (error.__cause__, error.__context__):
        if linked is not None:
            dropped += _trim_chain(linked, seen)
    return dropped


def install_excepthook() -> None:
    """Put the trimming hook in front of whatever `sys.excepthook` is now (once)."""
    previous: ExceptHook = sys.excepthook
    if getattr(previous, "stackwise_trims_tracebacks", False):
        return

    def hook(
        error_type: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> Any:
        from stackwise.exceptions import StackwiseBaseException

        if debugging() or not isinstance(error, StackwiseBaseException):
            return previous(error_type, error, tb)
        error.__traceback__ = tb
        dropped = _trim_chain(error, set())
        result = previous(error_type, error, error.__traceback__)
        if dropped:
            noun = "frame" if dropped == 1 else "frames"
            print(
                f"({dropped} stackwise-internal {noun} hidden; {DEBUG_ENV}=1 shows them.)",
                file=sys.stderr,
            )
        return result

    hook.stackwise_trims_tracebacks = True  # type: ignore[attr-defined]
    sys.excepthook = hook
