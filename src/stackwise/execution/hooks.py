"""Calling `on_failure` / `on_success` hooks: a hook gets the exception only if its signature
asks for one, and a failing hook is reported without hiding the step's own outcome."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import Any

logger = logging.getLogger("stackwise")


def call_hook(
    hook: Callable[..., Any], step_name: str, kind: str, exception: BaseException | None = None
) -> None:
    try:
        parameters = inspect.signature(hook).parameters
        if exception is not None and parameters:
            hook(exception)
        else:
            hook()
    except Exception:  # a hook must never change the step's outcome
        logger.exception(
            "The %s hook of step '%s' raised; the step's status is unchanged.", kind, step_name
        )
