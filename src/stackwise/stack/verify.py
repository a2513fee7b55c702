"""Verifying a stack for `stackwise stack verify`: the checks every run makes, then each
component's own connection test (`StackComponent.verify`: write a probe file, reach the
tracking server). Every result is collected, so one unreachable server does not hide the next.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from stackwise.enums import StackComponentType
from stackwise.exceptions import StackwiseError
from stackwise.stack.validation import stack_problems

if TYPE_CHECKING:
    from stackwise.stack.stack import Stack
    from stackwise.store.base import Store

NOT_BUILT = "not tried: the component cannot be built (see the problems above)"


@dataclass(frozen=True)
class ComponentCheck:
    """The outcome of one component's `verify()`: `error` is None when it worked."""

    type: str
    name: str
    flavor: str
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class StackVerification:
    stack: str
    problems: list[str] = field(default_factory=list)
    checks: list[ComponentCheck] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(check.ok for check in self.checks)

    @property
    def failed(self) -> list[ComponentCheck]:
        return [check for check in self.checks if not check.ok]


def verify_stack(stack: Stack, store: Store | None = None) -> StackVerification:
    """Run the pre-run checks on `stack`, then `verify()` on each of its components."""
    problems = stack_problems(stack, (), store)
    checks = []
    for type_ in StackComponentType:
        for record in stack.component_records(type_):
            checks.append(ComponentCheck(type_.value, record.name, record.flavor,
                                         _verify_one(stack, type_, record.name)))
    return StackVerification(stack.name, problems, checks)


def _verify_one(stack: Stack, type_: StackComponentType, name: str) -> str | None:
    """None when the component's `verify()` passes, else its error on one line."""
    try:
        component = stack.component(type_, name)
    except StackwiseError:
        return NOT_BUILT
    try:
        component.verify()
    except Exception as error:  # a report of every failure is the point of verifying
        text = str(error) if isinstance(error, StackwiseError) else (
            f"{type(error).__name__}: {error}")
        return " ".join(line.strip() for line in text.splitlines() if line.strip())
    return None
