"""Typed metadata values: a `Uri`, a `Path`, a `DType` or a `StorageSize` logged as metadata
keeps its meaning (the dashboard shows a link, a path, a dtype, a size) while staying a plain
str or int. `get_metadata_type` names a value's type; `cast_to_metadata_type` turns a stored
value back into it."""

from __future__ import annotations

from enum import Enum
from typing import Any

from stackwise.exceptions import ConfigError


class Uri(str):
    """A URI (shown as a link)."""


class Path(str):
    """A file system path."""


class DType(str):
    """A data type, e.g. `DType(np.float64)` or `DType("int64")`."""

    def __new__(cls, value: Any) -> DType:
        name = getattr(value, "__name__", None) if isinstance(value, type) else None
        return str.__new__(cls, name or str(value))


class StorageSize(int):
    """A size in bytes."""


class MetadataTypeEnum(str, Enum):
    STRING = "str"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    LIST = "list"
    DICT = "dict"
    TUPLE = "tuple"
    SET = "set"
    URI = "Uri"
    PATH = "Path"
    DTYPE = "DType"
    STORAGE_SIZE = "StorageSize"


MetadataType = (
    str
    | int
    | float
    | bool
    | dict[Any, Any]
    | list[Any]
    | set[Any]
    | tuple[Any, ...]
    | Uri
    | Path
    | DType
    | StorageSize
)

_TYPES: dict[MetadataTypeEnum, type] = {
    MetadataTypeEnum.URI: Uri,
    MetadataTypeEnum.PATH: Path,
    MetadataTypeEnum.DTYPE: DType,
    MetadataTypeEnum.STORAGE_SIZE: StorageSize,
    MetadataTypeEnum.BOOL: bool,
    MetadataTypeEnum.INT: int,
    MetadataTypeEnum.FLOAT: float,
    MetadataTypeEnum.STRING: str,
    MetadataTypeEnum.LIST: list,
    MetadataTypeEnum.DICT: dict,
    MetadataTypeEnum.TUPLE: tuple,
    MetadataTypeEnum.SET: set,
}


def get_metadata_type(value: Any) -> MetadataTypeEnum:
    """The metadata type of a value (subclasses first: a Uri is a Uri, not a str)."""
    for kind, cls in _TYPES.items():
        if isinstance(value, cls):
            return kind
    raise ConfigError(
        f"Metadata values are str, int, float, bool, list, dict, tuple, set, Uri, "
        f"Path, DType or StorageSize; got {type(value).__name__}."
    )


def cast_to_metadata_type(value: Any, type_: MetadataTypeEnum) -> Any:
    """A stored value as its metadata type again."""
    return _TYPES[MetadataTypeEnum(type_)](value)


__all__ = [
    "DType",
    "MetadataType",
    "MetadataTypeEnum",
    "Path",
    "StorageSize",
    "Uri",
    "cast_to_metadata_type",
    "get_metadata_type",
]
