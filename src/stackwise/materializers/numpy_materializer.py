"""numpy arrays as `.npy`, numpy's own portable format, streamed through the artifact store.

Pickle is switched off both ways (`allow_pickle=False`): an object array would need it, so it is
refused with advice instead of becoming an artifact that can run code when loaded.
"""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

import numpy as np

from stackwise.enums import ArtifactType, VisualizationType
from stackwise.exceptions import MaterializerError
from stackwise.materializers.base_materializer import BaseMaterializer

DATA_FILE = "data.npy"
HISTOGRAM_FILE = "histogram.png"
HASH_LIMIT_BYTES = 16 * 1024 * 1024


def _check_savable(data: np.ndarray) -> None:
    if data.dtype.hasobject:
        raise MaterializerError(
            f"Cannot save a numpy array of dtype {data.dtype} (shape {data.shape}): it holds "
            f"Python objects, which .npy can only store with pickle, and stackwise does not "
            f"pickle arrays. Convert it to a numeric or string dtype (e.g. arr.astype(str)), "
            f"return a list, or write a materializer for your values."
        )
    if isinstance(data, np.ma.MaskedArray):
        raise MaterializerError(
            "Cannot save a numpy masked array: .npy would drop its mask. Return "
            "(arr.filled(), arr.mask) or write a materializer for np.ma.MaskedArray."
        )


class NumpyMaterializer(BaseMaterializer):
    """`numpy.ndarray` as `data.npy` (no pickle)."""

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (np.ndarray,)
    ASSOCIATED_ARTIFACT_TYPE: ClassVar[ArtifactType] = ArtifactType.DATA
    SKIP_REGISTRATION: ClassVar[bool] = True
    USES_ARTIFACT_STORE_IO: ClassVar[bool] = True  # all I/O through the store

    def save(self, data: np.ndarray) -> None:
        _check_savable(data)
        with self.open(DATA_FILE, "wb") as f:
            np.save(f, np.asarray(data), allow_pickle=False)

    def load(self, data_type: type[Any]) -> np.ndarray:
        with self.open(DATA_FILE, "rb") as f:
            array: np.ndarray = np.load(f, allow_pickle=False)  # a .npy file: one array
        if (
            isinstance(data_type, type)
            and data_type is not np.ndarray
            and issubclass(data_type, np.ndarray)
        ):
            return array.view(data_type)  # e.g. np.matrix: same memory, the subclass's view
        return array

    def extract_metadata(self, data: np.ndarray) -> dict[str, Any]:
        return {"shape": list(data.shape), "dtype": str(data.dtype), "nbytes": int(data.nbytes)}

    def save_visualizations(self, data: np.ndarray) -> dict[str, VisualizationType]:
        """A histogram (PNG) of a one-dimensional numeric array; nothing for other shapes."""
        if data.ndim != 1 or not (
            np.issubdtype(data.dtype, np.number)
            and not np.issubdtype(data.dtype, np.complexfloating)
        ):
            return {}
        from stackwise.materializers._png import histogram_png

        png = histogram_png(data)
        if png is None:
            return {}
        with self.open(HISTOGRAM_FILE, "wb") as f:
            f.write(png)
        return {self.path(HISTOGRAM_FILE): VisualizationType.IMAGE}

    def compute_content_hash(self, data: np.ndarray) -> str | None:
        """sha256 of dtype, shape and bytes; None above 16 MiB, where hashing costs too much."""
        if data.nbytes > HASH_LIMIT_BYTES or data.dtype.hasobject:
            return None
        digest = hashlib.sha256()
        digest.update(f"{np.lib.format.dtype_to_descr(data.dtype)!r}{data.shape}\0".encode())
        digest.update(np.ascontiguousarray(data).tobytes())
        return digest.hexdigest()

    @classmethod
    def library_versions(cls) -> dict[str, str]:
        return {"numpy": np.__version__}
