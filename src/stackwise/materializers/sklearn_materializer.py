"""scikit-learn estimators saved with skops, a format that rebuilds objects without pickle.

A skops file lists the types it needs; loading refuses any type not trusted. Trusted here are
types from scikit-learn, numpy and scipy (plus a few harmless standard ones); anything else (a
custom transformer, a function from your own module) is named in a MaterializerError, so a
downloaded artifact cannot run arbitrary code on load.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import skops.io as sio
from sklearn.base import BaseEstimator

from stackwise.enums import ArtifactType
from stackwise.exceptions import MaterializerError
from stackwise.materializers.base_materializer import BaseMaterializer

DATA_FILE = "model.skops"
_MAX_PARAM_STR = 200


class SklearnMaterializer(BaseMaterializer):
    """`sklearn.base.BaseEstimator` (fitted or not) as `model.skops`."""

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (BaseEstimator,)
    ASSOCIATED_ARTIFACT_TYPE: ClassVar[ArtifactType] = ArtifactType.MODEL
    SKIP_REGISTRATION: ClassVar[bool] = True
    USES_ARTIFACT_STORE_IO: ClassVar[bool] = True  # all I/O through the store

    # a subclass may widen these to load estimators from other libraries it trusts
    TRUSTED_PREFIXES: ClassVar[tuple[str, ...]] = ("sklearn.", "numpy.", "scipy.")
    TRUSTED_TYPES: ClassVar[frozenset[str]] = frozenset(
        {
            "builtins.slice",
            "builtins.complex",
            "builtins.bytearray",
            "collections.OrderedDict",
            "collections.defaultdict",
            "collections.Counter",
        }
    )

    def save(self, data: BaseEstimator) -> None:
        try:
            with self.open(DATA_FILE, "wb") as f:
                sio.dump(data, f)
        except Exception as error:
            raise MaterializerError(
                f"skops could not save {type(data).__qualname__}: {error}. Write a "
                f"materializer for this estimator, or pass output_materializers= to the step."
            ) from error

    def load(self, data_type: type[Any]) -> BaseEstimator:
        with self.open(DATA_FILE, "rb") as f:
            payload = f.read()
        untrusted = sio.get_untrusted_types(data=payload)
        refused = sorted(t for t in untrusted if not self._is_trusted(t))
        if refused:
            raise MaterializerError(
                f"Refusing to load {self.uri}: the skops file needs types stackwise does not "
                f"trust: {', '.join(refused)}. Only scikit-learn, numpy and scipy types are "
                f"trusted. If you trust them, subclass SklearnMaterializer and add them to "
                f"TRUSTED_TYPES (or TRUSTED_PREFIXES), or write a materializer for the model."
            )
        return sio.loads(payload, trusted=untrusted)

    @classmethod
    def _is_trusted(cls, type_name: str) -> bool:
        return type_name in cls.TRUSTED_TYPES or type_name.startswith(cls.TRUSTED_PREFIXES)

    def extract_metadata(self, data: BaseEstimator) -> dict[str, Any]:
        params: dict[str, Any] = {}
        for name, value in data.get_params(deep=False).items():
            if value is None or type(value) in (bool, int, str):
                if not (isinstance(value, str) and len(value) > _MAX_PARAM_STR):
                    params[name] = value
            elif type(value) is float and math.isfinite(value):
                params[name] = value
            elif isinstance(value, BaseEstimator):
                params[name] = type(value).__qualname__  # a nested estimator: its class
        return {
            "estimator_class": f"{type(data).__module__}.{type(data).__qualname__}",
            "params": params,
        }

    def compute_content_hash(self, data: BaseEstimator) -> str | None:
        return None  # skops output is not guaranteed byte-stable for equal estimators

    @classmethod
    def library_versions(cls) -> dict[str, str]:
        import sklearn
        import skops

        return {"scikit-learn": sklearn.__version__, "skops": skops.__version__}
