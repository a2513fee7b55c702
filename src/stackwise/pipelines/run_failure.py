"""The error a failed run raises: one paragraph naming the run, each failed step with its
error and the line of the user's code it came from, and how to resume; the full tracebacks
stay on the step runs."""

from __future__ import annotations

import functools
import logging
import os
import re
import sys
from typing import Any

from stackwise.exceptions import PipelineRunFailedError
from stackwise.models.pipeline_run import PipelineRunResponse

logger = logging.getLogger("stackwise")


def run_failure(
    run: PipelineRunResponse, failed: list[str], errors: dict[str, BaseException]
) -> PipelineRunFailedError:
    """The error a failed run raises: one paragraph naming the run, each failed step with its
    exception's type and message and the line of the user's code it came from, and how to
    resume. The full tracebacks stay on the step runs (`exception_info`, `stackwise pipeline
    runs describe`): the step's exception is this error's `__context__` (and in `.errors`),
    with `__suppress_context__` set, so a script that does not catch the error prints this
    summary, not the chain of library frames under it; `except Exception` still catches it."""
    lines = [
        f"Pipeline run '{run.name}' has failed due to failure in step(s): "
        f"{', '.join(failed) or '(none: the run was interrupted)'}."
    ]
    recorded = _recorded_failures(run, failed)
    for inv in failed:
        error = errors.get(inv)
        stored = recorded.get(inv) or {}
        if error is not None:
            kind, message = type(error).__name__, str(error)
        elif stored:
            kind = str(stored.get("type") or "Error").rsplit(".", 1)[-1]
            message = str(stored.get("message") or "")
        else:
            continue
        lines.append(f"  {inv}: {kind}: {_shorten(message)}")
        text = str(stored.get("traceback") or "") or _traceback_text(error)
        frame = user_frame(text)
        if frame is not None:
            lines.append(f"    at {frame}")
    lines.append(
        "Fix the cause, then resume the run (steps that succeeded are reused): "
        f"`stackwise pipeline runs resume {run.name}`. Full traceback: "
        f"`stackwise pipeline runs describe {run.name} --traceback`."
    )
    error = PipelineRunFailedError(
        "\n".join(lines),
        run=run,
        failed_steps=failed,
        errors={i: errors[i] for i in failed if i in errors},
    )
    first = next((errors[i] for i in failed if i in errors), None)
    error.__cause__ = None
    error.__context__ = first
    error.__suppress_context__ = True
    return error


MESSAGE_LIMIT = 600


def _shorten(message: str) -> str:
    """A step's error message for the summary: at most MESSAGE_LIMIT characters, lines after
    the first indented under it."""
    text = message.strip() or "(no message)"
    if len(text) > MESSAGE_LIMIT:
        text = (
            text[: MESSAGE_LIMIT - 1].rstrip() + "… (cut: the full message is in `runs describe`)"
        )
    return text.replace("\n", "\n    ")


def _recorded_failures(run: PipelineRunResponse, failed: list[str]) -> dict[str, Any]:
    """The recorded `exception_info` of each failed step (empty where the store cannot say)."""
    if not failed:
        return {}
    try:
        steps = run.steps
        return {inv: dict(steps[inv].record.exception_info or {}) for inv in failed if inv in steps}
    except Exception:  # the summary must not fail for want of details
        logger.debug("Could not read the failed steps of run %s.", run.name, exc_info=True)
        return {}


def _traceback_text(error: BaseException | None) -> str:
    if error is None or error.__traceback__ is None:
        return ""
    import traceback

    return "".join(traceback.format_exception(type(error), error, error.__traceback__))


_FRAME = re.compile(
    r'^\s*File "(?P<path>[^"]+)", line (?P<line>\d+), in (?P<func>.+)$', re.MULTILINE
)


def user_frame(traceback_text: str) -> str | None:
    """`path:line in function` of the innermost frame of the user's own code in a formatted
    traceback (not stackwise, the standard library or an installed package), or None."""
    found = None
    for match in _FRAME.finditer(traceback_text):
        if _is_user_file(match["path"]):
            found = f"{match['path']}:{match['line']} in {match['func'].strip()}"
    return found


def _is_user_file(path: str) -> bool:
    if path.startswith("<"):  # <frozen ...>, <string>, <stdin>
        return False
    folder = os.path.dirname(os.path.abspath(path))
    return not any(folder == root or folder.startswith(root + os.sep) for root in _library_roots())


@functools.lru_cache(maxsize=1)
def _library_roots() -> tuple[str, ...]:
    """Folders whose code is not the user's: stackwise itself, the standard library and the
    installed packages."""
    import sysconfig

    import stackwise

    roots = {os.path.dirname(os.path.abspath(stackwise.__file__))}
    for scheme_path in ("stdlib", "platstdlib", "purelib", "platlib"):
        path = sysconfig.get_paths().get(scheme_path)
        if path:
            roots.add(os.path.abspath(path))
    roots.update(
        os.path.abspath(p) for p in sys.path if p and ("site-packages" in p or "dist-packages" in p)
    )
    return tuple(sorted(roots))
