"""`stackwise.checks` exports a deliberate set of names, each resolvable."""

from __future__ import annotations

import stackwise.checks

EXPORTED = {
    "RULES",
    "SKIPPED_DIRS",
    "Finding",
    "Scan",
    "TrackerUse",
    "check_paths",
    "python_files",
    "scan_file",
    "scan_paths",
    "scan_source",
    "sort_findings",
    "tracker_findings",
}


def test_exported_names() -> None:
    assert set(stackwise.checks.__all__) == EXPORTED
    for name in EXPORTED:
        assert getattr(stackwise.checks, name) is not None


def test_every_rule_has_a_title() -> None:
    assert list(stackwise.checks.RULES) == ["SW000", "SW001", "SW002", "SW003", "SW004"]
