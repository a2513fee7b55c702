"""Where a Python object lives, as ZenML's `Source`: module, attribute, and what kind of code
it is. stackwise records sources as `module:qualname` strings (see stackwise.utils.source);
responses show them as Source objects."""

from __future__ import annotations

import importlib
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict


class SourceType(str, Enum):
    USER = "user"
    BUILTIN = "builtin"
    INTERNAL = "internal"
    DISTRIBUTION_PACKAGE = "distribution_package"
    CODE_REPOSITORY = "code_repository"
    NOTEBOOK = "notebook"
    UNKNOWN = "unknown"


class Source(BaseModel):
    """`module` + `attribute` (None for a module itself); `import_path` joins them."""

    model_config = ConfigDict(frozen=True, defer_build=True)  # built on first use, not at import

    module: str
    attribute: str | None = None
    type: SourceType = SourceType.UNKNOWN

    @classmethod
    def from_import_path(cls, import_path: str, is_module_path: bool = False) -> Source:
        """`"package.module.Class"` (or `"package.module:Class"`) -> Source."""
        if ":" in import_path:
            module, _, attribute = import_path.partition(":")
            return cls(module=module, attribute=attribute or None)
        if is_module_path or "." not in import_path:
            return cls(module=import_path, attribute=None)
        module, _, attribute = import_path.rpartition(".")
        return cls(module=module, attribute=attribute)

    @classmethod
    def convert_source(cls, source: Any) -> Any:
        """A string becomes a Source; anything else is returned as it is."""
        if isinstance(source, str):
            return cls.from_import_path(source)
        return source

    @classmethod
    def from_stored(cls, stored: str | None) -> Source | None:
        """A source recorded by stackwise (`module:qualname`, or `/path/script.py:qualname`)."""
        if not stored:
            return None
        location, sep, qualname = stored.rpartition(":")
        if not sep:
            return cls.from_import_path(stored)
        if location.endswith(".py"):
            return cls(module=location, attribute=qualname, type=SourceType.USER)
        kind = (
            SourceType.BUILTIN
            if location == "builtins"
            else SourceType.INTERNAL
            if location.split(".")[0] == "stackwise"
            else SourceType.UNKNOWN
        )
        return cls(module=location, attribute=qualname, type=kind)

    @property
    def import_path(self) -> str:
        return f"{self.module}.{self.attribute}" if self.attribute else self.module

    @property
    def is_internal(self) -> bool:
        return self.module.split(".", 1)[0] == "stackwise"

    @property
    def is_module_source(self) -> bool:
        return self.attribute is None

    def load(self) -> Any:
        obj: Any = importlib.import_module(self.module)
        for part in (self.attribute or "").split("."):
            if part:
                obj = getattr(obj, part)
        return obj

    def __str__(self) -> str:
        return self.import_path


__all__ = ["Source", "SourceType"]
