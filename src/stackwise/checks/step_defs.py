"""Recognising step functions and the experiment tracker they ask for, without importing them.

A function is a step when a decorator resolves to stackwise's (or ZenML's) `step`: `@step`,
`@step(...)`, `@stackwise.step`, `@sw.step` after `import stackwise as sw`, `@s` after
`from stackwise import step as s`. A bare `step` bound nowhere in the file (a star import, or an
import inside a function the check does not follow) counts too; one the file defines itself
does not.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from stackwise.checks.scopes import Scope, dotted_name

STEP_DECORATORS = frozenset(
    {
        "step",  # bound nowhere in the file
        "stackwise.step",
        "stackwise.steps.step",
        "stackwise.steps.base_step.step",
        "zenml.step",
        "zenml.steps.step",
    }
)
TRACKER_OPTION = "experiment_tracker"
# step methods that take the same options as the decorator
OPTION_METHODS = frozenset({"with_options", "configure"})


@dataclass(frozen=True)
class StepDef:
    """A step function found in the source."""

    name: str
    node: ast.FunctionDef | ast.AsyncFunctionDef


def step_decorator(
    function: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope
) -> ast.expr | None:
    """The decorator that makes `function` a step (resolved in the enclosing scope), if any."""
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if dotted_name(target, scope) in STEP_DECORATORS:
            return decorator
    return None


def tracker_option(call: ast.Call) -> tuple[str, ast.Constant] | None:
    """The name in `experiment_tracker="name"` and its node; None when absent or computed at
    run time (`experiment_tracker=tracker.name` follows the active stack, so it cannot be
    wrong)."""
    for keyword in call.keywords:
        value = keyword.value
        if (
            keyword.arg == TRACKER_OPTION
            and isinstance(value, ast.Constant)
            and isinstance(value.value, str)
        ):
            return value.value, value
    return None


def option_call_target(call: ast.Call) -> str | None:
    """For `train.with_options(...)` / `train.configure(...)`: the step's name as written."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in OPTION_METHODS:
        return ast.unparse(func.value)
    return None
