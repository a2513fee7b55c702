"""Materializers save step outputs to an artifact store and load them back, chosen by type.

The built-ins are importable from here as in ZenML (`from stackwise.materializers import
BuiltInMaterializer`); each is imported on first use, so `import stackwise` never imports
pandas, numpy or pydantic's materializer.
"""

from __future__ import annotations

import importlib
from typing import Any

from stackwise.materializers.base_materializer import BaseMaterializer
from stackwise.materializers.materializer_registry import materializer_registry

_LAZY: dict[str, str] = {
    "BuiltInContainerMaterializer": "built_in_materializer",
    "BuiltInMaterializer": "built_in_materializer",
    "BytesMaterializer": "built_in_materializer",
    "CloudpickleMaterializer": "cloudpickle_materializer",
    "DataclassMaterializer": "dataclass_materializer",
    "InMemoryMaterializer": "in_memory_materializer",
    "NumpyMaterializer": "numpy_materializer",
    "PandasMaterializer": "pandas_materializer",
    "PathMaterializer": "path_materializer",
    "PydanticMaterializer": "pydantic_materializer",
    "SklearnMaterializer": "sklearn_materializer",
    "StructuredStringMaterializer": "structured_string_materializer",
    "UUIDMaterializer": "uuid_materializer",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = ["BaseMaterializer", "materializer_registry", *sorted(_LAZY)]
