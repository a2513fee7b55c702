"""Executing steps: the StepRunner, cache keys and hooks.

Names load on first use: importing `stackwise.execution.liveness` (the Client does, to settle
runs whose process died) must not pull in the step runner and its dependencies.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["RunContext", "StepOutcome", "StepRunner"]

if TYPE_CHECKING:
    from stackwise.execution.step_runner import RunContext, StepOutcome, StepRunner


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("stackwise.execution.step_runner"), name)
    raise AttributeError(f"module 'stackwise.execution' has no attribute '{name}'")
