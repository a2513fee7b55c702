"""Stacks, their components and flavors: where a pipeline runs, kept apart from what it does."""

from stackwise.stack.active_stack import active_stack, ensure_default_stack, load_stack
from stackwise.stack.flavor import Flavor
from stackwise.stack.flavor_registry import flavor_registry
from stackwise.stack.stack import Stack, build_component
from stackwise.stack.stack_component import StackComponent, StackComponentConfig

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
