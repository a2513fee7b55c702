"""Hooks run by hand: `run_hook(func, ...)` calls a function and records the call as a hook
invocation of the running step or dynamic pipeline (`Client().list_hook_invocations()`)."""

from stackwise.hooks.execution import run_hook

__all__ = ["run_hook"]
