"""Which materializer saves a type, as in ZenML: the *first* materializer registered for a type
is its default; a later one for the same type is used only where a step asks for it
(`output_materializers=`), unless it is registered with `register_and_overwrite_type`.

Lookup walks the type's MRO: explicit registrations by class, then lazy built-ins by qualified
type name (so `import stackwise` never imports pandas or sklearn); then predicates
(dataclasses); then the default materializer (cloudpickle, with one warning).

Built-ins for types ZenML registers when it is imported (Python's builtins, `pathlib`, `uuid`,
pydantic, `stackwise.types`) count as registered first even before their module is imported:
a user materializer for `int` never replaces the built-in default. Built-ins for third-party
libraries (numpy, pandas, sklearn) are registered when first needed, as ZenML's integrations
are: a user materializer for `pd.DataFrame` defined before any DataFrame was saved becomes the
default, as it does with ZenML."""

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
    **{
        f"builtins.{t}": f"{_PKG}.built_in_materializer:BuiltInMaterializer"
        for t in ("bool", "int", "float", "str", "NoneType")
    },
    "builtins.bytes": f"{_PKG}.built_in_materializer:BytesMaterializer",
    **{
        f"builtins.{t}": f"{_PKG}.built_in_materializer:BuiltInContainerMaterializer"
        for t in ("list", "tuple", "dict", "set", "frozenset")
    },
    "pydantic.main.BaseModel": f"{_PKG}.pydantic_materializer:PydanticMaterializer",
    "numpy.ndarray": f"{_PKG}.numpy_materializer:NumpyMaterializer",
    "pandas.DataFrame": f"{_PKG}.pandas_materializer:PandasMaterializer",
    "pandas.core.frame.DataFrame": f"{_PKG}.pandas_materializer:PandasMaterializer",
    "pandas.Series": f"{_PKG}.pandas_materializer:PandasMaterializer",
    "pandas.core.series.Series": f"{_PKG}.pandas_materializer:PandasMaterializer",
    "sklearn.base.BaseEstimator": f"{_PKG}.sklearn_materializer:SklearnMaterializer",
    "pathlib.Path": f"{_PKG}.path_materializer:PathMaterializer",
    "pathlib.PurePath": f"{_PKG}.path_materializer:PathMaterializer",
    "uuid.UUID": f"{_PKG}.uuid_materializer:UUIDMaterializer",
    **{
        f"stackwise.types.{t}": f"{_PKG}.structured_string_materializer:"
        "StructuredStringMaterializer"
        for t in ("HTMLString", "MarkdownString", "CSVString", "JSONString")
    },
}
# lazy built-ins ZenML registers at import: they count as registered before any user's
_CORE_PREFIXES = ("builtins.", "pathlib.", "uuid.", "pydantic.", "stackwise.types.")
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
    """Materializer classes by the type they save (see the module docstring)."""

    def __init__(self) -> None:
        self.materializer_types: dict[type[Any], type[BaseMaterializer]] = {}
        # what types no materializer saves fall back to; None: cloudpickle
        self.default_materializer: type[BaseMaterializer] | None = None
        self._warned: set[type[Any]] = set()

    # -- registering -------------------------------------------------------------------------
    def register_materializer_type(self, key: type[Any], type_: type[BaseMaterializer]) -> None:
        """Make `type_` the default materializer of `key` unless one is registered already."""
        self._register_core_builtin(key, type_)
        previous = self.materializer_types.get(key)
        if previous is None:
            self.materializer_types[key] = type_
        elif previous is not type_:
            logger.debug(
                "%s stays the default materializer of %s; %s is used only where a "
                "step asks for it (output_materializers=).",
                previous.__qualname__,
                key.__qualname__,
                type_.__qualname__,
            )

    register = register_materializer_type

    def register_and_overwrite_type(self, key: type[Any], type_: type[BaseMaterializer]) -> None:
        """Make `type_` the default materializer of `key`, replacing any earlier one."""
        self._register_core_builtin(key, type_)
        self.materializer_types[key] = type_

    def _register_core_builtin(self, key: type[Any], type_: type[BaseMaterializer]) -> None:
        """Import the built-in for `key` first when ZenML would have registered it at import
        (not when `type_` is that built-in, registering itself while its module loads)."""
        name = f"{getattr(key, '__module__', '')}.{getattr(key, '__qualname__', '')}"
        lazy = LAZY_BUILTINS.get(name)
        if (
            lazy is not None
            and name.startswith(_CORE_PREFIXES)
            and key not in self.materializer_types
            and materializer_path(type_) != lazy
        ):
            self.materializer_types.setdefault(key, import_materializer(lazy))

    # -- looking up --------------------------------------------------------------------------
    def get_materializer_types(self) -> dict[type[Any], type[BaseMaterializer]]:
        """Every registered type with its default materializer (the registry's own dict)."""
        return self.materializer_types

    def get_default_materializer(self) -> type[BaseMaterializer]:
        """The materializer for types nothing else saves: cloudpickle unless set."""
        if self.default_materializer is not None:
            return self.default_materializer
        return import_materializer(FALLBACK)

    def __contains__(self, data_type: type[Any]) -> bool:
        return self._find(data_type) is not None

    def is_registered(self, data_type: type[Any]) -> bool:
        """True when a materializer other than the fallback saves `data_type`."""
        return self._find(data_type) is not None

    def _find(self, data_type: type[Any]) -> type[BaseMaterializer] | None:
        mro = getattr(data_type, "__mro__", (data_type,))
        for cls in mro:
            if cls is object:
                break
            found = self.materializer_types.get(cls)
            if found is not None:
                return found
            lazy = LAZY_BUILTINS.get(f"{cls.__module__}.{cls.__qualname__}")
            if lazy is not None:
                materializer = import_materializer(lazy)  # registers itself for its types
                return self.materializer_types.setdefault(cls, materializer)
        for predicate, path in PREDICATES:
            if isinstance(data_type, type) and predicate(data_type):
                return import_materializer(path)
        return None

    def __getitem__(self, key: type[Any]) -> type[BaseMaterializer]:
        return self.get(key)

    def get(self, data_type: type[Any]) -> type[BaseMaterializer]:
        """The materializer for `data_type`; the default (cloudpickle, with one warning) when
        none fits."""
        found = self._find(data_type)
        if found is not None:
            return found
        if self.default_materializer is not None:
            return self.default_materializer
        name = f"{data_type.__module__}.{data_type.__qualname__}"
        advice = materializer_advice(data_type)
        if os.environ.get(STRICT_ENV, "").lower() in ("1", "true", "yes"):
            raise MaterializerError(
                f"No materializer saves {name} ({STRICT_ENV} is set). " + advice
            )
        if data_type not in self._warned:
            self._warned.add(data_type)
            warnings.warn(
                f"No materializer for {name}: falling back to cloudpickle, which only loads "
                f"with the same Python and library versions. {advice}",
                UserWarning,
                stacklevel=_outside_stackwise(),
            )
        return import_materializer(FALLBACK)


def materializer_advice(data_type: type[Any]) -> str:
    """How to write a materializer for `data_type`, with the type spelled as importable code."""
    module = data_type.__module__
    spelled = (
        data_type.__qualname__ if module == "builtins" else f"{module}.{data_type.__qualname__}"
    )
    importing = "" if module == "builtins" else f"`import {module}`, then "
    return (
        f"Write a materializer for it: {importing}subclass stackwise.materializers."
        f"base_materializer.BaseMaterializer with ASSOCIATED_TYPES = ({spelled},) and "
        "load/save, or pass output_materializers= to the step."
    )


def _outside_stackwise() -> int:
    """The stacklevel of the innermost caller outside stackwise (the user's code that ran the
    step or saved the artifact), so a warning points at a line the user wrote."""
    import sys

    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    frame = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(package):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


materializer_registry = MaterializerRegistry()
