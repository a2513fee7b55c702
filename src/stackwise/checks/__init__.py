"""Static checks of pipeline code (`stackwise check`): the lesson's "Common Mistakes" that
break stack portability, found by reading the source with `ast`, never by running it.

`check_paths` is the whole check; `scan_paths` + `tracker_findings` split it where the
metadata store is needed (SW004), so the CLI touches the store only when a step names a tracker.
"""

from __future__ import annotations

from stackwise.checks.common_mistakes import (
    Scan,
    check_paths,
    scan_file,
    scan_paths,
    scan_source,
    sort_findings,
)
from stackwise.checks.files import SKIPPED_DIRS, python_files
from stackwise.checks.finding import RULES, Finding
from stackwise.checks.trackers import TrackerUse, tracker_findings

__all__ = [
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
]
