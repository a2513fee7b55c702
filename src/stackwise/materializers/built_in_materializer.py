"""Materializers for Python's built-in values: scalars, bytes and containers.

Scalars and plain containers are stored as JSON in a small typed envelope, so the exact type
comes back (`True` stays a bool, `1.0` a float, a tuple a tuple) and the file stays readable by
any tool. A container holding values JSON cannot carry exactly (a DataFrame, a tuple inside a
list, a dict with int keys) is stored one element per sub-folder, each saved by the materializer
the registry picks for that element, so `list[pd.DataFrame]` works without pickle.

The element helpers at the bottom are shared with the dataclass materializer.
"""

from __future__ import annotations

import builtins
import hashlib
import importlib
import json
import math
from collections.abc import Iterable
from typing import Any, ClassVar

from stackwise.enums import ArtifactType, VisualizationType
from stackwise.exceptions import MaterializerError
from stackwise.materializers.base_materializer import BaseMaterializer
from stackwise.materializers.materializer_registry import (
    FALLBACK,
    import_materializer,
    materializer_path,
    materializer_registry,
)

DATA_FILE = "data.json"
BYTES_FILE = "data.bin"
ELEMENTS_FILE = "metadata.json"

_SCALARS: dict[str, type[Any]] = {
    "bool": bool,
    "int": int,
    "float": float,
    "str": str,
    "NoneType": type(None),
}
_CONTAINERS: dict[str, type[Any]] = {
    "list": list,
    "tuple": tuple,
    "set": set,
    "frozenset": frozenset,
    "dict": dict,
}
_PLAIN_SCALARS = (bool, int, float, str, type(None))
_PLAIN_VALUE: dict[str, Any] = {
    "bool": bool,
    "int": int.__int__,
    "float": float.__float__,
    "str": str.__str__,
    "NoneType": lambda _: None,
}
_MAX_METADATA_STR = 256


# -- scalars ---------------------------------------------------------------------------------
def _scalar_kind(data: Any) -> str:
    # bool before int: bool is a subclass of int and must not come back as 1
    for kind, base in _SCALARS.items():
        if isinstance(data, base):
            return kind
    raise MaterializerError(
        f"BuiltInMaterializer saves bool, int, float, str and None; got "
        f"{type(data).__qualname__}. Pass output_materializers= with a materializer for it."
    )


def _encode_scalar(data: Any) -> dict[str, Any]:
    kind = _scalar_kind(data)
    # the plain value even for subclasses (IntEnum, `class E(str, Enum)`, np.float64), whose
    # own __str__/__int__ may say something else
    value = _PLAIN_VALUE[kind](data)
    if kind == "float" and not math.isfinite(value):
        value = repr(value)  # 'nan', 'inf', '-inf': JSON proper has no such numbers
    return {"type": kind, "value": value}


def _decode_scalar(envelope: dict[str, Any]) -> Any:
    kind = envelope.get("type")
    if kind not in _SCALARS:
        raise MaterializerError(f"{DATA_FILE} names an unknown scalar type {kind!r}.")
    value = envelope.get("value")
    if kind == "NoneType":
        return None
    return _SCALARS[kind](value)  # float('nan') parses the stored 'nan'


def _rebuild_subclass(value: Any, base: type[Any], data_type: Any) -> Any:
    """Turn a loaded built-in into `data_type` when that is a subclass (IntEnum, namedtuple)."""
    if not isinstance(data_type, type) or data_type is base or not issubclass(data_type, base):
        return value
    try:
        if base is tuple and hasattr(data_type, "_fields"):  # namedtuple
            return data_type(*value)
        return data_type(value)
    except Exception as error:
        raise MaterializerError(
            f"Loaded a {base.__qualname__} but could not turn it back into "
            f"{data_type.__module__}.{data_type.__qualname__}: {error}. Write a materializer for "
            f"{data_type.__qualname__} (subclass BaseMaterializer with ASSOCIATED_TYPES = "
            f"({data_type.__qualname__},))."
        ) from error


def _dumps(value: Any, *, canonical: bool = False) -> str:
    return json.dumps(
        value, allow_nan=False, sort_keys=canonical, separators=(",", ":") if canonical else None
    )


def _sha256(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\x00")
    return digest.hexdigest()


class BuiltInMaterializer(BaseMaterializer):
    """bool, int, float, str and None as `data.json`: {"type": "float", "value": 1.0}."""

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = _PLAIN_SCALARS
    ASSOCIATED_ARTIFACT_TYPE: ClassVar[ArtifactType] = ArtifactType.DATA
    SKIP_REGISTRATION: ClassVar[bool] = True
    USES_ARTIFACT_STORE_IO: ClassVar[bool] = True  # all I/O through the store

    def save(self, data: Any) -> None:
        with self.open(DATA_FILE, "w") as f:
            f.write(_dumps(_encode_scalar(data)))

    def load(self, data_type: type[Any]) -> Any:
        with self.open(DATA_FILE, "r") as f:
            envelope = json.load(f)
        value = _decode_scalar(envelope)
        return _rebuild_subclass(value, _SCALARS[envelope["type"]], data_type)

    def extract_metadata(self, data: Any) -> dict[str, Any]:
        if isinstance(data, str):
            if len(data) > _MAX_METADATA_STR:
                return {"length": len(data)}
            return {"value": str(data)}
        envelope = _encode_scalar(data)
        return {"value": envelope["value"]}

    def compute_content_hash(self, data: Any) -> str | None:
        return _sha256(_dumps(_encode_scalar(data), canonical=True))

    def save_visualizations(self, data: Any) -> dict[str, VisualizationType]:
        return {self.path(DATA_FILE): VisualizationType.JSON}  # the saved file is the view


class BytesMaterializer(BaseMaterializer):
    """bytes as the raw file `data.bin`."""

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (bytes,)
    ASSOCIATED_ARTIFACT_TYPE: ClassVar[ArtifactType] = ArtifactType.DATA
    SKIP_REGISTRATION: ClassVar[bool] = True
    USES_ARTIFACT_STORE_IO: ClassVar[bool] = True  # all I/O through the store

    def save(self, data: bytes) -> None:
        with self.open(BYTES_FILE, "wb") as f:
            f.write(data)

    def load(self, data_type: type[Any]) -> bytes:
        with self.open(BYTES_FILE, "rb") as f:
            value = f.read()
        return _rebuild_subclass(value, bytes, data_type)  # type: ignore[no-any-return]

    def extract_metadata(self, data: bytes) -> dict[str, Any]:
        return {"size": len(data)}

    def compute_content_hash(self, data: bytes) -> str | None:
        return hashlib.sha256(data).hexdigest()


# -- containers ------------------------------------------------------------------------------
def is_plain_json(value: Any) -> bool:
    """True when `value` survives a JSON round trip with every type exactly unchanged.

    Stricter than "JSON-serializable": subclasses (IntEnum, np.float64), tuples, sets and
    non-finite floats are not plain, because JSON would hand back something else.
    """
    kind = type(value)
    if kind in (bool, int, str, type(None)):
        return True
    if kind is float:
        return math.isfinite(value)
    if kind is list:
        return all(is_plain_json(v) for v in value)
    if kind is dict:
        return all(type(k) is str and is_plain_json(v) for k, v in value.items())
    return False


def _container_kind(data: Any) -> str:
    for kind, base in _CONTAINERS.items():
        if isinstance(data, base):
            return kind
    raise MaterializerError(
        f"BuiltInContainerMaterializer saves list, tuple, set, frozenset and dict; got "
        f"{type(data).__qualname__}."
    )


def _sorted_items(items: Iterable[Any]) -> list[Any]:
    """Set elements in a stable order (set iteration order changes between processes)."""
    return sorted(items, key=lambda v: _dumps(v, canonical=True))


def _json_envelope(data: Any, kind: str) -> dict[str, Any] | None:
    """{"type": kind, "items": ...} when every element is plain JSON, else None."""
    if kind == "dict":
        items: Any = dict(data)
        plain = is_plain_json(items)
    else:
        items = list(data)
        plain = is_plain_json(items)
        if plain and kind in ("set", "frozenset"):
            items = _sorted_items(items)
    return {"type": kind, "items": items} if plain else None


class BuiltInContainerMaterializer(BaseMaterializer):
    """list, tuple, set, frozenset and dict: JSON when plain, else one sub-folder per element.

    Layouts: `data.json` = {"type": "tuple", "items": [...]}; or `metadata.json` listing, per
    element, its sub-folder, materializer and data type (for a dict: one entry with a key and a
    value per item, in `element_<i>/key` and `element_<i>/value`).
    """

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = tuple(_CONTAINERS.values())
    ASSOCIATED_ARTIFACT_TYPE: ClassVar[ArtifactType] = ArtifactType.BASE  # as ZenML's
    SKIP_REGISTRATION: ClassVar[bool] = True
    USES_ARTIFACT_STORE_IO: ClassVar[bool] = True  # all I/O through the store

    def save(self, data: Any) -> None:
        kind = _container_kind(data)
        envelope = _json_envelope(data, kind)
        if envelope is not None:
            with self.open(DATA_FILE, "w") as f:
                f.write(_dumps(envelope))
            return
        self.artifact_store.makedirs(self.uri)
        entries: list[dict[str, Any]] = []
        if kind == "dict":
            for i, (key, value) in enumerate(data.items()):
                entries.append(
                    {
                        "key": save_element(self, f"element_{i}/key", key),
                        "value": save_element(self, f"element_{i}/value", value),
                    }
                )
        else:
            for i, element in enumerate(data):
                entries.append(save_element(self, f"element_{i}", element))
        with self.open(ELEMENTS_FILE, "w") as f:
            f.write(_dumps({"type": kind, "elements": entries}, canonical=True))

    def load(self, data_type: type[Any]) -> Any:
        if self.artifact_store.exists(self.path(DATA_FILE)):
            with self.open(DATA_FILE, "r") as f:
                envelope = json.load(f)
            kind, items = envelope["type"], envelope["items"]
        else:
            with self.open(ELEMENTS_FILE, "r") as f:
                manifest = json.load(f)
            kind = manifest["type"]
            if kind == "dict":
                items = {
                    load_element(self, e["key"]): load_element(self, e["value"])
                    for e in manifest["elements"]
                }
            else:
                items = [load_element(self, e) for e in manifest["elements"]]
        if kind not in _CONTAINERS:
            raise MaterializerError(f"The stored container names an unknown type {kind!r}.")
        base = _CONTAINERS[kind]
        return _rebuild_subclass(base(items), base, data_type)

    def extract_metadata(self, data: Any) -> dict[str, Any]:
        return {"length": len(data)}

    def save_visualizations(self, data: Any) -> dict[str, VisualizationType]:
        """The JSON file when the container was saved as one (not per element)."""
        if _json_envelope(data, _container_kind(data)) is None:
            return {}
        return {self.path(DATA_FILE): VisualizationType.JSON}

    def get_item_count(self, data: Any) -> int | None:
        return len(data) if isinstance(data, (list, tuple)) else None

    def load_item(self, data_type: type[Any], index: int) -> Any:
        """Element `index` of a saved list or tuple (the whole container is read)."""
        items = self.load(list)
        return items[index]

    def compute_content_hash(self, data: Any) -> str | None:
        """sha256 of the canonical JSON; for per-element storage, of the elements' hashes
        (None as soon as one element's materializer gives no hash)."""
        kind = _container_kind(data)
        envelope = _json_envelope(data, kind)
        if envelope is not None:
            return _sha256(_dumps(envelope, canonical=True))
        parts: list[str] = []
        pairs = data.items() if kind == "dict" else ((element,) for element in data)
        for pair in pairs:
            hashes = [element_hash(self, v) for v in pair]
            if any(h is None for h in hashes):
                return None
            parts.append(":".join(hashes))  # type: ignore[arg-type]
        if kind in ("set", "frozenset", "dict"):
            parts.sort()  # equal sets and dicts hash equal whatever their order
        return _sha256(kind, *parts)


# -- per-element storage, shared with the dataclass materializer -----------------------------
def type_path(data_type: type[Any]) -> str:
    """How a value's type is recorded: 'module:QualName'."""
    return f"{data_type.__module__}:{data_type.__qualname__}"


def import_type(path: str) -> type[Any]:
    """The type recorded by `type_path`; MaterializerError when it cannot be imported."""
    module_name, _, qualname = path.partition(":")
    if module_name == "builtins" and qualname == "NoneType":
        return type(None)
    try:
        obj: Any = builtins if module_name == "builtins" else importlib.import_module(module_name)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as error:
        raise MaterializerError(
            f"Cannot import the type {path!r} recorded with this artifact ({error}). Make sure "
            f"the module defining it is importable here (classes defined inside functions "
            f"cannot be re-imported)."
        ) from error
    if not isinstance(obj, type):
        raise MaterializerError(f"{path!r}, recorded as a data type, is not a class.")
    return obj


def _materializer_for(value: Any) -> type[BaseMaterializer]:
    return materializer_registry.get(type(value))


def save_element(parent: BaseMaterializer, sub_path: str, value: Any) -> dict[str, Any]:
    """Save `value` into `parent`'s sub-folder `sub_path`; returns the entry to record."""
    from stackwise.materializers.staging import materializer_for_save

    materializer_cls = _materializer_for(value)
    uri = parent.path(sub_path)
    parent.artifact_store.makedirs(uri)
    # an element's materializer may write local paths: staged on remote stores like any output
    with materializer_for_save(materializer_cls, uri, parent.artifact_store) as materializer:
        materializer.save(value)
    return {
        "path": sub_path,
        "materializer": materializer_path(materializer_cls),
        "data_type": type_path(type(value)),
    }


def load_element(parent: BaseMaterializer, entry: dict[str, Any]) -> Any:
    """Load what `save_element` recorded as `entry`."""
    materializer_cls = import_materializer(entry["materializer"])
    try:
        data_type: type[Any] = import_type(entry["data_type"])
    except MaterializerError:
        # the pickle fallback needs no type; every other materializer does
        if entry["materializer"] != FALLBACK:
            raise
        data_type = object
    from stackwise.materializers.staging import load_with

    return load_with(materializer_cls, parent.path(entry["path"]), parent.artifact_store, data_type)


def element_hash(parent: BaseMaterializer, value: Any) -> str | None:
    """The content hash the element's own materializer gives, tagged with its type."""
    materializer = _materializer_for(value)(uri=parent.uri, artifact_store=parent.artifact_store)
    digest = materializer.compute_content_hash(value)
    return None if digest is None else _sha256(type_path(type(value)), digest)
