"""SW004: `@step(experiment_tracker="x")` naming a tracker that the stacks do not provide.

The step looks the tracker up by name in the active stack when it runs, so a name no registered
experiment tracker has fails the run on every stack: that is an error. A registered tracker that
the active stack lacks fails only on that stack (CI may well pick another), so it is a note,
with the command that adds it.

The analysis is pure: the caller reads the registered trackers and the stacks from the metadata
store (only when some step names a tracker) and passes them in.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from stackwise.checks.finding import Finding

CODE = "SW004"
KNOWN_FLAVORS = ("mlflow", "wandb")


@dataclass(frozen=True)
class TrackerUse:
    """A step naming an experiment tracker, found in the source."""

    path: str
    line: int
    col: int
    step: str
    tracker: str


def tracker_findings(
    uses: Sequence[TrackerUse],
    registered: Collection[str],
    *,
    stacks: Mapping[str, Sequence[str]] | None = None,
    active_stack: str | None = None,
) -> list[Finding]:
    """SW004 errors for unregistered tracker names, notes for ones the active stack lacks.

    `stacks` maps each stack name to its experiment trackers' names; without it (or without
    an `active_stack` among them) only registration is checked.
    """
    stacks = stacks or {}
    # an active stack that is not registered (a stale STACKWISE_STACK) gets no advice
    active_trackers = (
        list(stacks[active_stack]) if active_stack is not None and active_stack in stacks else None
    )
    findings: list[Finding] = []
    for use in uses:
        name = use.tracker
        prefix = f"step '{use.step}' uses experiment_tracker={name!r}"
        add = _add_command(active_stack, active_trackers, name)
        if name not in registered:
            close = difflib.get_close_matches(name, list(registered), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            have = ", ".join(repr(n) for n in sorted(registered)) or "none"
            flavor = next((f for f in KNOWN_FLAVORS if f in name.lower()), "FLAVOR")
            then = f", then add it to the active stack: `{add}`" if add else ""
            findings.append(
                Finding(
                    use.path,
                    use.line,
                    use.col,
                    CODE,
                    f"{prefix}, but no experiment tracker of that name is registered (registered: "
                    f"{have}), so the run fails on every stack.{hint} Register it: `stackwise "
                    f"experiment-tracker register {name} --flavor={flavor}`{then}.",
                )
            )
        elif active_trackers is not None and name not in active_trackers:
            others = sorted(s for s, names in stacks.items() if name in names)
            elsewhere = (
                (
                    f" (stack(s) {', '.join(repr(s) for s in others)} have it: "
                    f"`stackwise stack set {others[0]}`)"
                )
                if others
                else ""
            )
            findings.append(
                Finding(
                    use.path,
                    use.line,
                    use.col,
                    CODE,
                    f"{prefix}, but the active stack {active_stack!r} has no experiment tracker of "
                    f"that name, so a run on it fails. Add it: `{add}`{elsewhere}.",
                    severity="note",
                )
            )
    return findings


def _add_command(stack: str | None, current: list[str] | None, name: str) -> str | None:
    """`stack update` replaces the stack's trackers, so the command repeats the current ones."""
    if stack is None or current is None:
        return None
    keep = [t for t in current if t != name]
    flags = " ".join(f"-e {t}" for t in [*keep, name])
    return f"stackwise stack update {stack} {flags}"
