"""Options of ZenML's surface that stackwise accepts by name but cannot act on yet. Each is
refused before a run, with what is missing, wherever it is given (decorator, `configure`,
`with_options`, run-config YAML); an option set to its "off" value is accepted."""

from __future__ import annotations

from typing import Any

_RUNTIME = (
    "step runtimes (inline/isolated) are not available in stackwise: the steps of a "
    "dynamic pipeline run in the calling process, one after another"
)
_HEARTBEAT = (
    "step heartbeats are not available in stackwise; a run's liveness is watched "
    "through the process that runs it (stackwise.execution.liveness)"
)
_BUILD = (
    "running with a build given by id is not available yet: a run uses the build of its "
    "stack whose content matches (Pipeline.build(), `stackwise pipeline build`)"
)
_PAUSE = "pausing and resuming runs is not available in stackwise yet"

UNAVAILABLE: dict[str, str] = {
    "runtime": _RUNTIME,
    "depends_on": "pipeline dependencies (depends_on) are not available in stackwise yet",
    "heartbeat_healthy_threshold": _HEARTBEAT,
    "enable_heartbeat": _HEARTBEAT,
    "build": _BUILD,
    "on_pause": _PAUSE,
    "on_resume": _PAUSE,
    "pause_hook_source": _PAUSE,
    "resume_hook_source": _PAUSE,
    "unlisted": "unlisted runs (runs not attached to their pipeline) are not available in "
    "stackwise; every run belongs to its pipeline",
}

EXECUTION_MODES = ("continue_on_failure", "stop_on_failure", "fail_fast")


def _is_off(value: Any) -> bool:
    return value is None or value is False or value == [] or value == {}


def unavailable_problem(option: str, value: Any, owner: str) -> str | None:
    """One line saying why `option` cannot be used, or None when it can (or is off)."""
    if option == "execution_mode":
        mode = getattr(value, "value", value)
        if mode is None or mode == "continue_on_failure":
            return None
        if mode not in EXECUTION_MODES:
            return f"{owner}: execution_mode '{mode}' is not one of {', '.join(EXECUTION_MODES)}."
        return (
            f"{owner}: execution_mode '{mode}' is not available: stackwise runs continue "
            "on failure (independent branches complete). To stop starting steps after a "
            "failure, use the local_parallel orchestrator with fail_fast=True."
        )
    reason = UNAVAILABLE.get(option)
    if reason is None or _is_off(value):
        return None
    return f"{owner}: {option}={value!r} cannot be used: {reason}."
