"""Turning values into canonical JSON: for parameters, cache keys and metadata."""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any
from uuid import UUID


def to_jsonable(value: Any) -> Any:
    """Plain JSON types for `value`, or raise TypeError naming what is not JSON.

    Numpy scalars and arrays, tuples, sets and pydantic models are converted; floats that JSON
    cannot hold (nan, inf) are kept as strings so that metadata is never lost.
    """
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((to_jsonable(v) for v in value), key=repr)
    if isinstance(value, UUID):
        return str(value)
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item) and type(value).__module__ == "numpy":
        try:
            return to_jsonable(item())
        except (ValueError, TypeError):
            pass
    tolist = getattr(value, "tolist", None)  # numpy arrays
    if callable(tolist) and type(value).__module__ == "numpy":
        return to_jsonable(tolist())
    model_dump = getattr(value, "model_dump", None)  # pydantic models
    if callable(model_dump):
        return to_jsonable(model_dump(mode="json"))
    raise TypeError(f"{type(value).__module__}.{type(value).__qualname__} is not JSON-serializable")


def is_json_value(value: Any) -> bool:
    """True when `value` survives a JSON round trip unchanged (what a step parameter must do)."""
    if value is None or isinstance(value, (bool, int, str)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(is_json_value(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_json_value(v) for k, v in value.items())
    return False


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def sha256_hex(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\x00")
    return digest.hexdigest()
