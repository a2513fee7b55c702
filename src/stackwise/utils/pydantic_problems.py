"""One wording for a pydantic ValidationError of a user's config or settings: each bad key
named, an unknown key with the closest known one, and never a secret field's value."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any


def describe_validation_error(
    error: Any, fields: Iterable[str], masked: Iterable[str] = (), where: str = "(config)"
) -> str:
    """`error` (a pydantic ValidationError) as "unknown key 'x' (did you mean 'y'?); key
    'z': <why>" — `fields` are the known keys, `masked` the keys whose values are secret."""
    known, hidden = list(fields), set(masked)
    problems = []
    for item in error.errors():
        key = ".".join(str(p) for p in item["loc"]) or where
        if item["type"] == "extra_forbidden":
            close = difflib.get_close_matches(key, known, n=1)
            problems.append(
                f"unknown key '{key}'" + (f" (did you mean '{close[0]}'?)" if close else "")
            )
        elif key in hidden:
            problems.append(f"key '{key}' is invalid")
        else:
            given = (
                f" (got {item['input']!r})" if "input" in item and item["type"] != "missing" else ""
            )
            problems.append(f"key '{key}': {item['msg']}{given}")
    return "; ".join(problems)
