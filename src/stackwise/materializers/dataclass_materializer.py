"""Dataclasses as JSON, field by field, with no pickle.

A dataclass is usually a small record of plain values, so `data.json` holds what
`dataclasses.asdict` would give and loading calls `data_type(**fields)`. Two refinements keep
this exact instead of lossy:

* a field holding another dataclass, whose type hint names exactly that class (or
  `Optional[...]` of it), is inlined as a JSON object and rebuilt from the hint;
* a field JSON cannot carry exactly (a DataFrame, a tuple, an IntEnum, a nested dataclass the
  hints do not name) is saved in its own sub-folder `field_<name>/` by the materializer the
  registry picks for its value, the same way a list of DataFrames is saved.

So a dataclass never needs a materializer of its own; one whose fields have none falls back,
per field, to cloudpickle with the usual warning.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import types
import typing
from typing import Any, ClassVar

from stackwise.enums import ArtifactType
from stackwise.exceptions import MaterializerError
from stackwise.materializers.base_materializer import BaseMaterializer
from stackwise.materializers.built_in_materializer import (
    element_hash,
    import_type,
    is_plain_json,
    load_element,
    save_element,
    type_path,
)

DATA_FILE = "data.json"


def _hints(cls: type[Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(cls)
    except Exception:  # noqa: BLE001 - unresolvable forward references: nested values go to sub-folders
        return {}


def _hinted_dataclass(hint: Any) -> type[Any] | None:
    """The one dataclass a field's hint names (`Inner`, `Inner | None`), else None."""
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return hint
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        found = [
            a for a in typing.get_args(hint) if isinstance(a, type) and dataclasses.is_dataclass(a)
        ]
        return found[0] if len(found) == 1 else None
    return None


def _inline(value: Any, hint: Any, path: str, nested: list[str]) -> tuple[bool, Any]:
    """(True, JSON) when `value` can live inside data.json and be rebuilt exactly."""
    if is_plain_json(value):
        return True, value
    if (
        dataclasses.is_dataclass(value)
        and not isinstance(value, type)
        and _hinted_dataclass(hint) is type(value)
    ):
        hints = _hints(type(value))
        encoded: dict[str, Any] = {}
        inner_nested: list[str] = []
        for field in dataclasses.fields(value):
            ok, item = _inline(
                getattr(value, field.name),
                hints.get(field.name),
                f"{path}.{field.name}",
                inner_nested,
            )
            if not ok:
                return False, None
            encoded[field.name] = item
        nested.extend([path, *inner_nested])
        return True, encoded
    return False, None


def _encode(data: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The data.json envelope (without sub-folder entries) and the fields needing sub-folders."""
    hints = _hints(type(data))
    inline: dict[str, Any] = {}
    nested: list[str] = []
    separate: dict[str, Any] = {}
    for field in dataclasses.fields(data):
        value = getattr(data, field.name)
        ok, encoded = _inline(value, hints.get(field.name), field.name, nested)
        if ok:
            inline[field.name] = encoded
        else:
            separate[field.name] = value
    envelope = {"type": type_path(type(data)), "fields": inline, "nested": nested}
    return envelope, separate


def _construct(cls: type[Any], values: dict[str, Any]) -> Any:
    """`cls(**init_fields)`, then the init=False fields set as they were saved."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise MaterializerError(
            f"The stored {cls.__qualname__} has fields {unknown} the class no longer has. Load "
            f"it with the version of the class that saved it."
        )
    init_args = {k: v for k, v in values.items() if fields[k].init}
    try:
        obj = cls(**init_args)
    except Exception as error:
        raise MaterializerError(
            f"Could not rebuild {cls.__qualname__}(**fields) from the stored fields: {error}. "
            f"If its __init__ does not take its fields, write a materializer for it."
        ) from error
    for name, value in values.items():
        if not fields[name].init:
            object.__setattr__(obj, name, value)  # works for frozen dataclasses too
    return obj


def _decode(cls: type[Any], encoded: dict[str, Any], path: str, nested: set[str]) -> Any:
    hints = _hints(cls)
    values: dict[str, Any] = {}
    for name, value in encoded.items():
        field_path = f"{path}.{name}" if path else name
        if field_path in nested:
            inner = _hinted_dataclass(hints.get(name))
            if inner is None:
                raise MaterializerError(
                    f"Field {field_path!r} of {cls.__qualname__} was saved as a nested "
                    f"dataclass, but its type hint no longer names one."
                )
            value = _decode(inner, value, field_path, nested)
        values[name] = value
    return _construct(cls, values)


class DataclassMaterializer(BaseMaterializer):
    """Any dataclass (picked by the registry's predicate), as described in the module doc."""

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (object,)  # any dataclass, see below
    ASSOCIATED_ARTIFACT_TYPE: ClassVar[ArtifactType] = ArtifactType.DATA
    SKIP_REGISTRATION: ClassVar[bool] = True
    USES_ARTIFACT_STORE_IO: ClassVar[bool] = True  # all I/O through the store

    @classmethod
    def can_save_type(cls, data_type: type[Any]) -> bool:
        return isinstance(data_type, type) and dataclasses.is_dataclass(data_type)

    @classmethod
    def can_load_type(cls, data_type: type[Any]) -> bool:
        return cls.can_save_type(data_type)

    def save(self, data: Any) -> None:
        if not dataclasses.is_dataclass(data) or isinstance(data, type):
            raise MaterializerError(
                f"DataclassMaterializer saves dataclass instances; got {type(data).__qualname__}."
            )
        envelope, separate = _encode(data)
        envelope["materialized"] = {
            name: save_element(self, f"field_{name}", value) for name, value in separate.items()
        }
        with self.open(DATA_FILE, "w") as f:
            f.write(json.dumps(envelope, allow_nan=False))

    def load(self, data_type: type[Any]) -> Any:
        with self.open(DATA_FILE, "r") as f:
            envelope = json.load(f)
        cls = data_type
        if not (isinstance(cls, type) and dataclasses.is_dataclass(cls)):
            cls = import_type(envelope["type"])
        values = dict(envelope["fields"])
        for name, entry in envelope.get("materialized", {}).items():
            values[name] = load_element(self, entry)
        return _decode(cls, values, "", set(envelope.get("nested", [])))

    def extract_metadata(self, data: Any) -> dict[str, Any]:
        return {"fields": [f.name for f in dataclasses.fields(data)]}

    def compute_content_hash(self, data: Any) -> str | None:
        """sha256 of the canonical JSON and of each separately saved field's own hash."""
        envelope, separate = _encode(data)
        parts = [json.dumps(envelope, sort_keys=True, separators=(",", ":"), allow_nan=False)]
        for name in sorted(separate):
            digest = element_hash(self, separate[name])
            if digest is None:
                return None
            parts.append(f"{name}={digest}")
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()
