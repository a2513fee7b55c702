"""`stackwise check [PATH ...]`: the lesson's "Common Mistakes" found in pipeline code before it
runs (see `stackwise.checks`).

The check reads files with `ast` and never imports them; the metadata store is opened only for
SW004, and only when some step names an experiment tracker, so the command stays fast. Exit
code: 0 when nothing is found (notes allowed), 1 when something is, 2 when the check could not
run (an unreadable store).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import click

from stackwise.checks import RULES, Finding, Scan, scan_paths, sort_findings, tracker_findings


class StoreUnreadable(click.ClickException):
    """The check could not run SW004: exit 2, so a script tells it from "found problems"."""

    exit_code = 2


@click.command(
    help="Find the common mistakes that break stack portability, without running "
    "the code.\n\n"
    "Reads the *.py files under each PATH (default: the current folder) and "
    "reports, as path:line:col: CODE message:\n\n\b\n"
    + "\n".join(f"  {code}  {title}" for code, title in RULES.items())
    + "\n\nSW004 reads the registered experiment trackers from the metadata "
    "store; --offline skips it. Silence one finding with "
    "`# stackwise: ignore[SW002]` on its line. Exit code 1 when anything is "
    "found."
)
@click.argument(
    "paths", nargs=-1, metavar="[PATH]...", type=click.Path(exists=True, path_type=Path)
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one line per finding; json: for tools.",
)
@click.option(
    "--offline",
    is_flag=True,
    help="Do not read the metadata store: skip SW004 (experiment tracker names).",
)
def check(paths: tuple[Path, ...], output_format: str, offline: bool) -> None:
    scan = scan_paths(paths or (Path("."),))
    findings = list(scan.findings)
    # SW004's state, for the summary and the JSON: "checked", "skipped" or "not needed"
    tracker_check = "skipped" if offline else "not needed"
    if scan.tracker_uses and not offline:
        registered, stacks, active = _tracker_inventory()
        findings += tracker_findings(
            scan.tracker_uses, registered, stacks=stacks, active_stack=active
        )
        tracker_check = "checked"
    findings = sort_findings(findings)
    if output_format == "json":
        click.echo(json.dumps(_report(scan, findings, tracker_check), indent=2))
    else:
        for finding in findings:
            click.echo(finding.format())
        click.echo(_summary(scan, findings, tracker_check))
    if any(f.severity == "error" for f in findings):
        raise click.exceptions.Exit(1)


def _tracker_inventory() -> tuple[set[str], dict[str, list[str]], str]:
    """(registered tracker names, stack -> its tracker names, active stack name)."""
    from stackwise.client import Client
    from stackwise.enums import StackComponentType

    try:
        client = Client()
        trackers = client.list_stack_components(
            type=StackComponentType.EXPERIMENT_TRACKER, size=10_000
        )
        names = {str(t.id): t.name for t in trackers}
        stacks = {
            s.name: [
                names[str(i)]
                for i in s.component_ids.get("experiment_tracker", [])
                if str(i) in names
            ]
            for s in client.list_stacks(size=10_000)
        }
        active = client.active_stack_name
    except Exception as error:  # any store failure: say how to check anyway
        raise StoreUnreadable(
            f"Could not read the experiment trackers from the metadata store for SW004 "
            f"({type(error).__name__}: {error}). Fix the store, or skip SW004: "
            "`stackwise check --offline`."
        ) from error
    return set(names.values()), stacks, active


def _counts(findings: list[Finding], severity: str) -> Counter[str]:
    return Counter(f.code for f in findings if f.severity == severity)


def _summary(scan: Scan, findings: list[Finding], tracker_check: str) -> str:
    errors = _counts(findings, "error")
    notes = _counts(findings, "note")
    files = f"{len(scan.files)} file{'s' if len(scan.files) != 1 else ''}"
    tracker = "; SW004 skipped (--offline)" if tracker_check == "skipped" else ""
    note_text = (
        f", {sum(notes.values())} note{'s' if sum(notes.values()) != 1 else ''}" if notes else ""
    )
    if not errors:
        return f"No problems found in {files}{note_text}{tracker}."
    total = sum(errors.values())
    by_code = ", ".join(f"{code}: {n}" for code, n in sorted(errors.items()))
    return (
        f"Found {total} problem{'s' if total != 1 else ''} ({by_code}) in {files}"
        f"{note_text}{tracker}."
    )


def _report(scan: Scan, findings: list[Finding], tracker_check: str) -> dict[str, Any]:
    return {
        "files_checked": len(scan.files),
        "findings": [f.to_dict() for f in findings],
        "counts": dict(sorted(_counts(findings, "error").items())),
        "notes": dict(sorted(_counts(findings, "note").items())),
        "sw004": tracker_check,
    }
