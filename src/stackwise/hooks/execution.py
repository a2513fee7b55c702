"""`run_hook`: call a function as a hook, and record the call.

The function runs first, wherever `run_hook` is called. Then, unless `track=False`, the call is
recorded in one write as a hook invocation: its name, type, source, start and end, whether it
completed or failed (with the exception), and with `store_return=True` its return value saved as
an artifact version (output `output`). Recording needs a run: inside a step the invocation
belongs to that step run, inside a dynamic pipeline's function to the run. Anywhere else (a
script, a static pipeline's function while it is compiled) the hook still runs and a warning
says the call was not recorded. Recording never changes what the hook returns or raises.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from stackwise.config.source import Source
from stackwise.enums import HookType
from stackwise.exceptions import ConfigError

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")


def validate_hook_name(name: Any) -> str:
    """A hook name starts with a letter or `_` and holds letters, digits, `_`, `.` and `-`."""
    if not isinstance(name, str):
        raise TypeError(f"A hook name is a string, got {type(name).__name__} {name!r}.")
    if not _NAME.fullmatch(name):
        raise ConfigError(
            f"Invalid hook name: {name!r}. A hook name starts with a letter or "
            "'_' and holds only letters, digits, '_', '.' and '-'."
        )
    return name


def _hook_type(value: Any) -> HookType:
    try:
        return HookType(getattr(value, "value", value))
    except ValueError:
        known = ", ".join(t.value for t in HookType)
        raise ConfigError(
            f"run_hook(hook_type={value!r}): not a hook type; hook types are {known}."
        ) from None


def _resolve(func: Any) -> tuple[Callable[..., Any], str | None]:
    """The function to call and its source (None for code another process could not import:
    lambdas, nested functions, partials, callable objects)."""
    from stackwise.utils.source import source_of

    if isinstance(func, Source):
        loaded = func.load()
        if not callable(loaded):
            raise TypeError(
                f"run_hook(): source '{func.import_path}' is a "
                f"{type(loaded).__name__}, not a function."
            )
        return loaded, f"{func.module}:{func.attribute}" if func.attribute else func.module
    if not callable(func):
        hint = (
            " To name a function by its import path, pass "
            f"Source.from_import_path({func!r}) (stackwise.config.source)."
            if isinstance(func, str)
            else ""
        )
        raise TypeError(
            f"run_hook() takes a function (or a Source naming one), got "
            f"{type(func).__name__} {func!r}.{hint}"
        )
    qualname = getattr(func, "__qualname__", None)
    if not isinstance(qualname, str) or "<" in qualname:
        return func, None
    try:
        return func, source_of(func)
    except (AttributeError, KeyError):
        return func, None


def _default_name(func: Callable[..., Any]) -> str | None:
    name = getattr(func, "__name__", None)
    return name if isinstance(name, str) and _NAME.fullmatch(name) else None


def run_hook(
    func: Callable[..., Any] | Source,
    *args: Any,
    kwargs: Mapping[str, Any] | None = None,
    name: str | None = None,
    hook_type: HookType = HookType.CUSTOM,
    store_return: bool = False,
    track: bool = True,
) -> Any:
    """Call `func(*args, **kwargs)` and return what it returns (or raise what it raises).

    `name` names the invocation (default: for a `custom` hook, the function's name); a name
    starts with a letter or `_` and holds letters, digits, `_`, `.` and `-`. `hook_type` says
    what kind of hook it is (`HookType`). With `track` (the default) the call is recorded as a
    hook invocation of the running step or dynamic pipeline; `store_return=True` also saves a
    return value other than None as the invocation's output artifact `output`.
    """
    from stackwise.hooks.recording import record_hook_invocation, recording_target
    from stackwise.utils.ids import utcnow

    if name is not None:
        validate_hook_name(name)
    kind = _hook_type(hook_type)
    hook, source = _resolve(func)
    if name is None and kind is HookType.CUSTOM:
        name = _default_name(hook)
    target = recording_target(kind) if track else None
    start = utcnow()
    try:
        result = hook(*args, **(kwargs if kwargs is not None else {}))
    except Exception as error:
        if target is not None:
            trace = error.__traceback__
            record_hook_invocation(
                target,
                name=name,
                hook_type=kind,
                source=source,
                start=start,
                error=error,
                error_traceback=trace.tb_next if trace else None,
            )
        raise
    if target is not None:
        record_hook_invocation(
            target,
            name=name,
            hook_type=kind,
            source=source,
            start=start,
            result=result,
            store_return=store_return,
        )
    return result


__all__ = ["run_hook", "validate_hook_name"]
