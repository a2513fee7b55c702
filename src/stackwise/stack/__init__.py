"""Stacks, their components and flavors: where a pipeline runs, kept apart from what it does.

Names load on first use: listing stacks must not pay for pydantic, which only building a
component (validating its config) needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "Flavor": "stackwise.stack.flavor",
    "Stack": "stackwise.stack.stack",
    "StackComponent": "stackwise.stack.stack_component",
    "StackComponentConfig": "stackwise.stack.stack_component",
    "active_stack": "stackwise.stack.active_stack",
    "build_component": "stackwise.stack.stack",
    "ensure_default_stack": "stackwise.stack.active_stack",
    "flavor_registry": "stackwise.stack.flavor_registry",
    "load_stack": "stackwise.stack.active_stack",
}

__all__ = [
    "Flavor",
    "Stack",
    "StackComponent",
    "StackComponentConfig",
    "active_stack",
    "build_component",
    "ensure_default_stack",
    "flavor_registry",
    "load_stack",
]

if TYPE_CHECKING:
    from stackwise.stack.active_stack import active_stack, ensure_default_stack, load_stack
    from stackwise.stack.flavor import Flavor
    from stackwise.stack.flavor_registry import flavor_registry
    from stackwise.stack.stack import Stack, build_component
    from stackwise.stack.stack_component import StackComponent, StackComponentConfig


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'stackwise.stack' has no attribute '{name}'")
    return getattr(importlib.import_module(module), name)
