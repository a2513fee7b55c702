"""uuid.UUID as `uuid.txt`: the canonical 36-character form."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any, ClassVar

from stackwise.enums import ArtifactType
from stackwise.materializers.base_materializer import BaseMaterializer

DATA_FILE = "uuid.txt"


class UUIDMaterializer(BaseMaterializer):
    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (uuid.UUID,)
    ASSOCIATED_ARTIFACT_TYPE: ClassVar[ArtifactType] = ArtifactType.DATA
    SKIP_REGISTRATION: ClassVar[bool] = True  # found through the registry's lazy built-ins
    USES_ARTIFACT_STORE_IO: ClassVar[bool] = True  # all I/O through the store

    def save(self, data: uuid.UUID) -> None:
        with self.open(DATA_FILE, "w") as f:
            f.write(str(data))

    def load(self, data_type: type[Any]) -> uuid.UUID:
        with self.open(DATA_FILE, "r") as f:
            value = uuid.UUID(f.read().strip())
        return value if data_type in (uuid.UUID, Any, object) else data_type(str(value))

    def extract_metadata(self, data: uuid.UUID) -> dict[str, Any]:
        return {"string_representation": str(data)}

    def compute_content_hash(self, data: uuid.UUID) -> str | None:
        return hashlib.sha256(str(data).encode()).hexdigest()
