"""The last resort for values no materializer handles: cloudpickle.

Pickles load only with the same Python and library versions (and run code when loaded), so the
registry warns whenever it falls back here, and this materializer records the Python version
beside the pickle to warn again, precisely, if it is loaded under another one.
"""

from __future__ import annotations

import json
import pickle
import sys
import warnings
from typing import Any, ClassVar

import cloudpickle

from stackwise.enums import ArtifactType
from stackwise.exceptions import MaterializerError
from stackwise.materializers.base_materializer import BaseMaterializer
from stackwise.materializers.materializer_registry import materializer_advice

DATA_FILE = "artifact.pkl"
VERSIONS_FILE = "versions.json"


def _python_version() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


class CloudpickleMaterializer(BaseMaterializer):
    """Any value, as `artifact.pkl` (cloudpickle) plus `versions.json`."""

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (object,)  # anything; never by type
    ASSOCIATED_ARTIFACT_TYPE: ClassVar[ArtifactType] = ArtifactType.DATA
    SKIP_REGISTRATION: ClassVar[bool] = True
    USES_ARTIFACT_STORE_IO: ClassVar[bool] = True  # all I/O through the store

    def save(self, data: Any) -> None:
        try:
            with self.open(DATA_FILE, "wb") as f:
                cloudpickle.dump(data, f)
        except Exception as error:
            raise MaterializerError(
                f"cloudpickle could not save {type(data).__qualname__}: {error}. "
                f"{materializer_advice(type(data))}"
            ) from error
        with self.open(VERSIONS_FILE, "w") as f:
            json.dump(self.library_versions(), f)

    def load(self, data_type: type[Any]) -> Any:
        recorded: dict[str, str] = {}
        if self.artifact_store.exists(self.path(VERSIONS_FILE)):
            with self.open(VERSIONS_FILE, "r") as f:
                recorded = json.load(f)
        saved_python = recorded.get("python")
        if saved_python and saved_python != _python_version():
            warnings.warn(
                f"The artifact at {self.uri} was pickled with Python {saved_python} and is being "
                f"loaded with Python {_python_version()}; cloudpickle does not promise this "
                f"works, and it may fail or load a subtly different object. Load it with Python "
                f"{saved_python}, or save the value with a materializer that does not pickle.",
                UserWarning,
                stacklevel=2,
            )
        with self.open(DATA_FILE, "rb") as f:
            try:
                return pickle.load(f)
            except Exception as error:
                raise MaterializerError(
                    f"Could not unpickle the artifact at {self.uri} (saved with "
                    f"{recorded or 'unknown versions'}, loading with "
                    f"{self.library_versions()}): {error}"
                ) from error

    def extract_metadata(self, data: Any) -> dict[str, Any]:
        return {"python_type": f"{type(data).__module__}.{type(data).__qualname__}"}

    @classmethod
    def library_versions(cls) -> dict[str, str]:
        return {"python": _python_version(), "cloudpickle": cloudpickle.__version__}
