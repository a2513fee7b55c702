"""Processes a run leaves running for the next run of the same process (a pool of step
workers, a Dask LocalCluster), and when they may not be reused.

A process started for a run holds what this process had then: its interpreter, sys.path,
working directory and environment (`launch_state`), and the user's code as it was on disk
(modules are imported once). The next run may use it only if all of that still holds: the
state is the same, and no module file this process has loaded changed since the warm process
started (`code_changed_since`). Anything else — another run's stack, its spec, its config — is
read from the store per run, so it is never stale.

Whatever keeps processes warm registers a release function here (`keep_warm`); they all run at
interpreter exit, and tests call `release_warm_processes` so that nothing outlives a test.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import sys
import threading
import time
from collections.abc import Callable

# Modification times come from a coarse clock (a few ms behind): a file written just after a
# process started may look a little older than it. Files this much older still count as new.
_CLOCK_SLACK_NS = 50_000_000

_own_paths: set[str] = set()  # sys.path entries our own warm processes added (see ignore_path)
_releases: list[Callable[[], None]] = []
_lock = threading.Lock()
_owner = os.getpid()  # a forked child must not stop its parent's processes


def launch_state() -> str:
    """A digest of what a process started now inherits from this one: the interpreter,
    sys.path, the working directory and the environment."""
    digest = hashlib.sha256()
    for part in (sys.executable, os.getcwd(), *(p for p in sys.path if p not in _own_paths)):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    for key, value in sorted(os.environ.items()):
        digest.update(f"{key}={value}".encode("utf-8", "surrogateescape") + b"\0")
    return digest.hexdigest()


def ignore_path(entry: str) -> None:
    """Leave `entry` out of `launch_state`: a sys.path entry a warm process of ours added for
    itself (a Dask scheduler's scratch folder, different for each), which changes nothing a
    process started from here would import."""
    _own_paths.add(entry)


def now_ns() -> int:
    """The time a warm process is said to have started (compare with `code_changed_since`)."""
    return time.time_ns()


def code_changed_since(started_ns: int) -> bool:
    """Whether a module file this process has loaded (outside the interpreter's own folders:
    the user's code, and stackwise in an editable install) was written after `started_ns`,
    or is gone. A process started then may hold the old code."""
    prefixes = tuple(
        {p.rstrip(os.sep) + os.sep for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    )
    newest_allowed = started_ns - _CLOCK_SLACK_NS
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or path.startswith(prefixes):
            continue
        try:
            if os.stat(path).st_mtime_ns >= newest_allowed:
                return True
        except OSError:
            return True
    return False


def keep_warm(release: Callable[[], None]) -> None:
    """Run `release` at interpreter exit (and from `release_warm_processes`); once each."""
    with _lock:
        if release not in _releases:
            _releases.append(release)
            if len(_releases) == 1:
                atexit.register(release_warm_processes)


def release_warm_processes() -> None:
    """Stop every process kept warm for later runs (they start again when needed)."""
    if os.getpid() != _owner:
        return
    with _lock:
        releases = list(_releases)
    for release in releases:
        release()
