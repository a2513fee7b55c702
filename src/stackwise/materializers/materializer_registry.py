"""Which materializer saves a type: explicit registrations by class, then lazy built-ins by
qualified type name (so `import stackwise` never imports pandas or sklearn), walking the
type's MRO; then predicates (dataclasses); then the cloudpickle fallback with one warning."""

from __future__ import annotations

import dataclasses
import importlib
import logging
import os
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from stackwise.exceptions import MaterializerError

if TYPE_CHECKING:
    from stackwise.materializers.base_materializer import BaseMaterializer

logger = logging.getLogger(__name__)

_PKG = "stackwise.materializers"
# qualified type name -> "module:Materializer", imported only when such a value shows up
LAZY_BUILTINS: dict[str, str] = {
    **{f"builtins.{t}": f"{_PKG}.built_in_materializer:BuiltInMaterializer"
       for t in ("bool", "int", "float", "str", "NoneType")},
    "builtins.bytes": f"{_PKG}.built_in_materializer:BytesMaterializer",
    **{f"builtins.{t}": f"{_PKG}.built_in_materializer:BuiltInContainerMaterializer"
       for t in ("list", "tuple", "dict", "set", "frozenset")},
    "pydantic.main.BaseModel": f"{_PKG}.pydantic_materializer:PydanticMaterializer",
    "numpy.ndarray": f"{_PKG}.numpy_materializer:NumpyMaterializer",
    "pandas.DataFrame": f"{_PKG}.pandas_materializer:PandasMaterializer",
    "pandas.core.frame.DataFrame": f"{_PKG}.pandas_materializer:PandasMaterializer",
    "pandas.Series": f"{_PKG}.pandas_materializer:PandasMaterializer",
    "pandas.core.series.Series": f"{_PKG}.pandas_materializer:PandasMaterializer",
    "sklearn.base.BaseEstimator": f"{_PKG}.sklearn_materializer:SklearnMaterializer",
    "pathlib.Path": f"{_PKG}.path_materializer:PathMaterializer",
    "pathlib.PurePath": f"{_PKG}.path_materializer:PathMaterializer",
}
PREDICATES: list[tuple[Callable[[type[Any]], bool], str]] = [
    (dataclasses.is_dataclass, f"{_PKG}.dataclass_materializer:DataclassMaterializer"),
]
FALLBACK = f"{_PKG}.cloudpickle_materializer:CloudpickleMaterializer"
STRICT_ENV = "STACKWISE_STRICT_MATERIALIZERS"


def import_materializer(path: str) -> type[BaseMaterializer]:
    module_name, _, name = path.partition(":")
    return getattr(importlib.import_module(module_name), name)  # type: ignore[no-any-return]


def materializer_path(cls: type[Any]) -> str:
    """How a materializer is recorded with an artifact, to be imported again on load."""
    return f"{cls.__module__}:{cls.__qualname__}"


class MaterializerRegistry:
    def __init__(self) -> None:
        self._registered: dict[type[Any], type[BaseMaterializer]] = {}
        self._warned: set[type[Any]] = set()

    def register(self, data_type: type[Any], materializer: type[BaseMaterializer]) -> None:
        previous = self._registered.get(data_type)
        if previous is not None and previous is not materializer:
            if previous.__qualname__ != materializer.__qualname__ or \
                    previous.__module__.startswith(_PKG):
                logger.info("%s now saves %s (was %s).", materializer.__qualname__,
                            data_type.__qualname__, previous.__qualname__)
        self._registered[data_type] = materializer

    def __contains__(self, data_type: type[Any]) -> bool:
        return self._find(data_type) is not None

    def _find(self, data_type: type[Any]) -> type[BaseMaterializer] | None:
        mro = getattr(data_type, "__mro__", (data_type,))
        for cls in mro:
            if cls is object:
                break
            found = self._registered.get(cls)
            if found is not None:
                return found
            lazy = LAZY_BUILTINS.get(f"{cls.__module__}.{cls.__qualname__}")
            if lazy is not None:
                materializer = import_materializer(lazy)
                self._registered.setdefault(cls, materializer)
                return self._registered[cls]
        for predicate, path in PREDICATES:
            if isinstance(data_type, type) and predicate(data_type):
                return import_materializer(path)
        return None

    def get(self, data_type: type[Any]) -> type[BaseMaterializer]:
        """The materializer for `data_type`; cloudpickle (with one warning) when none fits."""
        found = self._find(data_type)
        if found is not None:
            return found
        name = f"{data_type.__module__}.{data_type.__qualname__}"
        advice = (
            f"Write a materializer for it: subclass stackwise.materializers.base_materializer."
            f"BaseMaterializer with ASSOCIATED_TYPES = ({data_type.__qualname__},) and load/save, "
            f"or pass output_materializers= to the step."
        )
        if os.environ.get(STRICT_ENV, "").lower() in ("1", "true", "yes"):
            raise MaterializerError(f"No materializer saves {name} ({STRICT_ENV} is set). "
                                    + advice)
        if data_type not in self._warned:
            self._warned.add(data_type)
            warnings.warn(
                f"No materializer for {name}: falling back to cloudpickle, which only loads "
                f"with the same Python and library versions. {advice}",
                UserWarning, stacklevel=2,
            )
        return import_materializer(FALLBACK)


materializer_registry = MaterializerRegistry()
