"""Files and folders registered as artifact versions where they already are
(`register_artifact`): nothing is copied when registering, and loading gives a `pathlib.Path`.

On a local artifact store the path is the registered file or folder itself (treat it as
read-only); on a remote store it is a download into a fresh temporary folder that outlives the
call (a folder's contents, or the file under its own name).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, ClassVar

from stackwise.enums import ArtifactType
from stackwise.exceptions import MaterializerError
from stackwise.materializers.base_materializer import BaseMaterializer


class PreexistingDataMaterializer(BaseMaterializer):
    """Loads a registered file or folder as a `Path`; never saves (register instead)."""

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (Path,)
    ASSOCIATED_ARTIFACT_TYPE: ClassVar[ArtifactType] = ArtifactType.DATA
    SKIP_REGISTRATION: ClassVar[bool] = True  # never the default for Path outputs
    USES_ARTIFACT_STORE_IO: ClassVar[bool] = True

    def load(self, data_type: type[Any]) -> Path:
        store = self.artifact_store
        if store.is_local:
            return Path(self.uri)
        folder = tempfile.mkdtemp(prefix="stackwise-registered-")
        try:
            if store.isdir(self.uri):
                store._download(self.uri, folder)
                return Path(folder)
            target = os.path.join(folder, self.uri.rstrip("/").rsplit("/", 1)[-1])
            with store.open(self.uri, "rb") as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
            return Path(target)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise

    def save(self, data: Any) -> None:
        raise MaterializerError(
            "PreexistingDataMaterializer only loads files registered with register_artifact(); "
            "to save a Path, return it from a step (PathMaterializer copies what it names)."
        )


__all__ = ["PreexistingDataMaterializer"]
