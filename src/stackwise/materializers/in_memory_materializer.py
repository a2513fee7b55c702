"""Values kept in this process's memory, keyed by the artifact's URI; only a small marker file
(`in_memory.json`: which process holds the value) is written to the artifact store.

For values that are never meant to leave the process (a live client, a model already in
memory passed between steps of the in-process `local` orchestrator, tests). It is never picked
by type: ask for it with `output_materializers=InMemoryMaterializer`. Loading from another
process, or after this one restarted, fails with an error saying so: the value only ever
existed here.
"""

from __future__ import annotations

import json
import os
import socket
import threading
from typing import Any, ClassVar

from stackwise.enums import ArtifactType
from stackwise.exceptions import MaterializerError
from stackwise.materializers.base_materializer import BaseMaterializer

MARKER_FILE = "in_memory.json"
_VALUES: dict[str, Any] = {}
_LOCK = threading.Lock()


class InMemoryMaterializer(BaseMaterializer):
    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (object,)  # anything; never by type
    ASSOCIATED_ARTIFACT_TYPE: ClassVar[ArtifactType] = ArtifactType.DATA
    SKIP_REGISTRATION: ClassVar[bool] = True
    USES_ARTIFACT_STORE_IO: ClassVar[bool] = True  # no files at all: nothing to stage

    def save(self, data: Any) -> None:
        with _LOCK:
            _VALUES[self.uri] = data
        with self.open(MARKER_FILE, "w") as f:
            json.dump(
                {
                    "host": socket.gethostname(),
                    "pid": os.getpid(),
                    "type": f"{type(data).__module__}.{type(data).__qualname__}",
                },
                f,
            )

    def load(self, data_type: type[Any]) -> Any:
        with _LOCK:
            if self.uri in _VALUES:
                return _VALUES[self.uri]
        try:
            with self.open(MARKER_FILE, "r") as f:
                where = json.load(f)
            holder = f" (process {where.get('pid')} on {where.get('host')})"
        except (OSError, ValueError):
            holder = ""
        raise MaterializerError(
            f"The value at {self.uri} was saved by InMemoryMaterializer in another process"
            f"{holder}, or before this one restarted: it only ever lived in that process's "
            "memory. Save it with a materializer that writes files to load it here."
        )

    def extract_full_metadata(self, data: Any) -> dict[str, Any]:
        return dict(self.extract_metadata(data) or {})  # the marker is not the value's size
