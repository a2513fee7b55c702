"""Verifying a stack for `stackwise stack verify`: the checks every run makes, then each
component's own connection test (`StackComponent.verify`: write a probe file, reach the
tracking server). Every result is collected, so one unreachable server does not hide the next.

Before either, the quick probe a run also makes before its first step (`probe_components`):
is anything answering at each component's `probe_url` at all? A server that is down is then
reported within STACKWISE_PROBE_TIMEOUT seconds (default 5; 0 turns the probe off), not after
the retries of the library that talks to it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from stackwise.enums import StackComponentType
from stackwise.exceptions import ComponentUnreachableError, ConfigError, StackwiseError
from stackwise.stack.validation import stack_problems

if TYPE_CHECKING:
    from stackwise.stack.stack import Stack
    from stackwise.stack.stack_component import StackComponent
    from stackwise.store.base import Store

NOT_BUILT = "not tried: the component cannot be built (see the problems above)"
PROBE_TIMEOUT_ENV = "STACKWISE_PROBE_TIMEOUT"
DEFAULT_PROBE_TIMEOUT = 5.0


@dataclass(frozen=True)
class Unreachable:
    """A component nothing answers for: where it was probed and why it failed."""

    component: StackComponent
    url: str
    reason: str

    def describe(self) -> str:
        """`experiment tracker 'mlflow' (mlflow) at http://host:5000: [Errno 111] ...`"""
        kind = self.component.type.label
        return (
            f"{kind} '{self.component.name}' ({self.component.flavor}) at {self.url}: {self.reason}"
        )

    def advice(self) -> str:
        """One sentence for `stack verify`: what does not answer, and how to fix it."""
        kind = self.component.type.label
        return (
            f"{kind[0].upper()}{kind[1:]} '{self.component.name}' gets no answer from "
            f"{self.url}: {self.reason}. Check that the server is up and that the "
            f"{kind} points at it: `stackwise {self.component.type.cli_name} update "
            f"{self.component.name} ...`."
        )


def probe_timeout() -> float:
    """Seconds a probe waits for an answer: STACKWISE_PROBE_TIMEOUT, else 5 (0: no probe)."""
    text = os.environ.get(PROBE_TIMEOUT_ENV, "").strip()
    if not text:
        return DEFAULT_PROBE_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise ConfigError(
            f"{PROBE_TIMEOUT_ENV}={text!r} is not a number of seconds >= 0 "
            "(0 turns the reachability probe off)."
        )
    return value


def probe_components(
    components: Iterable[StackComponent], timeout: float | None = None
) -> list[Unreachable]:
    """The components nothing answers for at their `probe_url`, probed at the same time: a
    call takes at most about `timeout` seconds (default: `probe_timeout()`)."""
    timeout = probe_timeout() if timeout is None else timeout
    if timeout <= 0:
        return []
    targets: list[tuple[StackComponent, str]] = []
    seen: set[int] = set()
    for component in components:
        if id(component) in seen:
            continue
        seen.add(id(component))
        try:
            url = component.probe_url()
        except Exception:  # noqa: BLE001 - a component that cannot say is not probed
            url = None
        if url:
            targets.append((component, url))
    if not targets:  # local components only: nothing to import or wait for
        return []
    from stackwise.utils.network import unreachable_reasons

    reasons = unreachable_reasons([url for _, url in targets], timeout)
    return [
        Unreachable(component, without_credentials(url), reason)
        for component, url in targets
        if (reason := reasons[url]) is not None
    ]


def require_reachable(
    components: Iterable[StackComponent], stack_name: str, timeout: float | None = None
) -> None:
    """Raise ComponentUnreachableError naming every component nothing answers for, the
    address tried and why, and `stackwise stack verify`."""
    failures = probe_components(components, timeout)
    if not failures:
        return
    if len(failures) == 1:
        text = f"Cannot reach the {failures[0].describe()}."
    else:
        lines = "\n".join(f"  - {f.describe()}" for f in failures)
        text = f"Cannot reach {len(failures)} components of stack '{stack_name}':\n{lines}"
    them = (
        "the server (or point the component at one that is up)"
        if len(failures) == 1
        else "the servers (or point the components at ones that are up)"
    )
    raise ComponentUnreachableError(
        f"{text}\nNothing was run. Start {them}, then check the stack with "
        f"`stackwise stack verify {stack_name}`.",
        [(f.component.name, f.url, f.reason) for f in failures],
    )


def without_credentials(url: str) -> str:
    """`url` without a user name or password."""
    parts = urlsplit(url)
    if not (parts.username or parts.password):
        return url
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=netloc))


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
    built: dict[tuple[StackComponentType, str], StackComponent | None] = {}
    for type_ in StackComponentType:
        for record in stack.component_records(type_):
            try:
                built[type_, record.name] = stack.component(type_, record.name)
            except StackwiseError:
                built[type_, record.name] = None
    down = {id(u.component): u for u in probe_components(c for c in built.values() if c)}
    checks = []
    for type_ in StackComponentType:
        for record in stack.component_records(type_):
            component = built[type_, record.name]
            failure = down.get(id(component)) if component is not None else None
            error = failure.advice() if failure else _verify_one(component)
            checks.append(ComponentCheck(type_.value, record.name, record.flavor, error))
    return StackVerification(stack.name, problems, checks)


def _verify_one(component: StackComponent | None) -> str | None:
    """None when the component's `verify()` passes, else its error on one line."""
    if component is None:
        return NOT_BUILT
    try:
        component.verify()
    except Exception as error:  # noqa: BLE001 - a report of every failure is the point of verifying
        text = (
            str(error)
            if isinstance(error, StackwiseError)
            else (f"{type(error).__name__}: {error}")
        )
        return " ".join(line.strip() for line in text.splitlines() if line.strip())
    return None
