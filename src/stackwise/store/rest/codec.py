"""The wire format between RestStore and the server: Store arguments and results as JSON.

Records (`stackwise.store.records` dataclasses, `Page` included), datetimes, tuples and dicts
whose keys are not strings travel as small tagged objects (`{"__t__": kind, ...}`) so they
come back as the same Python values; anything else must be plain JSON, or JSON by
`to_jsonable` (numpy values, pydantic models) as the SQL store would store it. Errors travel as
their class name and message and are raised again on the client as the same stackwise (or
builtin) exception class, so `except KeyError` and `except EntityNotFoundError` work as they
do against a local store.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, KeysView, ValuesView
from collections.abc import Set as AbstractSet
from datetime import datetime
from typing import Any

from stackwise import exceptions as _exceptions
from stackwise.store import records as _records
from stackwise.utils.jsonable import to_jsonable

_TAG = "__t__"
_BUILTIN_ERRORS: dict[str, type[Exception]] = {
    e.__name__: e
    for e in (KeyError, ValueError, TypeError, LookupError, RuntimeError, NotImplementedError)
}


def encode(value: Any) -> Any:
    """`value` as JSON-ready data that `decode` turns back into an equal value."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        if _TAG not in value and all(isinstance(k, str) for k in value):
            return {k: encode(v) for k, v in value.items()}
        return {_TAG: "dict", "v": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, tuple):
        return {_TAG: "tuple", "v": [encode(v) for v in value]}
    if isinstance(value, datetime):
        return {_TAG: "datetime", "v": value.isoformat()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        name = type(value).__name__
        if getattr(_records, name, None) is type(value):
            fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
            return {_TAG: "record", "n": name, "v": fields}
    if isinstance(value, (AbstractSet, Iterator, KeysView, ValuesView)):
        return [encode(v) for v in value]  # an `Iterable[...]` argument: a list will do
    return to_jsonable(value)


def decode(data: Any) -> Any:
    """The Python value `encode` made `data` from."""
    if isinstance(data, list):
        return [decode(v) for v in data]
    if not isinstance(data, dict):
        return data
    kind = data.get(_TAG)
    if kind is None:
        return {k: decode(v) for k, v in data.items()}
    if kind == "datetime":
        return datetime.fromisoformat(data["v"])
    if kind == "tuple":
        return tuple(decode(v) for v in data["v"])
    if kind == "dict":
        return {decode(k): decode(v) for k, v in data["v"]}
    if kind == "record":
        cls: Any = getattr(_records, data["n"], None)
        if not isinstance(cls, type) or not dataclasses.is_dataclass(cls):
            raise ValueError(f"Unknown record type '{data['n']}' from the server.")
        return cls(**{k: decode(v) for k, v in data["v"].items()})
    raise ValueError(f"Unknown value kind '{kind}' in a server message.")


def encode_error(error: BaseException) -> dict[str, Any]:
    """An error as the client raises it again: its class name and message."""
    if isinstance(error, KeyError) and not isinstance(error, _exceptions.StackwiseError):
        message = str(error.args[0]) if error.args else ""
    else:
        message = str(error)
    return {"type": type(error).__name__, "message": message}


def decode_error(data: dict[str, Any]) -> BaseException:
    """The exception a server's error answer stands for (same class where it is stackwise's
    or a builtin; otherwise a StackwiseError naming the server-side type)."""
    name, message = str(data.get("type", "")), str(data.get("message", ""))
    cls = getattr(_exceptions, name, None)
    if isinstance(cls, type) and issubclass(cls, _exceptions.StackwiseError):
        return _exceptions._restore(cls, (message,), {"message": message})
    builtin = _BUILTIN_ERRORS.get(name)
    if builtin is not None:
        return builtin(message)
    return _exceptions.StackwiseError(f"The server failed with {name}: {message}")
