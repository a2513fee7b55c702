"""The Store protocol's methods as the server exposes them and RestStore calls them: one
route each, `/api/v1/store/<method>`. Reads are retried freely; writes carry an idempotency
key so that a retry does not write twice."""

from __future__ import annotations

import inspect
from functools import cache

from stackwise.store import base

_READ_PREFIXES = ("get_", "list_", "find_")
_READS = frozenset({"last_run", "run_index", "step_runs_using", "tags_of"})
# methods that make no sense over HTTP: the server's own lifecycle
_LOCAL_ONLY = frozenset({"close"})


def is_read(name: str) -> bool:
    return name.startswith(_READ_PREFIXES) or name in _READS


@cache
def store_methods() -> tuple[str, ...]:
    """Names of every Store protocol method, sorted."""
    names: set[str] = set()
    for cls in base.Store.__mro__:
        if cls.__module__ != base.__name__:
            continue
        for name, member in vars(cls).items():
            if not name.startswith("_") and inspect.isfunction(member):
                names.add(name)
    return tuple(sorted(names - _LOCAL_ONLY))
