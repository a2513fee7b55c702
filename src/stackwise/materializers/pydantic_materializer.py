"""Pydantic models as JSON: the model already knows how to dump and validate itself, so the
artifact is readable anywhere and loading re-runs the model's validation."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from pydantic import BaseModel, ValidationError

from stackwise.enums import ArtifactType
from stackwise.exceptions import MaterializerError
from stackwise.materializers.base_materializer import BaseMaterializer

DATA_FILE = "data.json"


def _dump(data: BaseModel) -> str:
    # round_trip=True keeps values such as Json[...] fields in a form validation accepts again
    return data.model_dump_json(round_trip=True)


class PydanticMaterializer(BaseMaterializer):
    """Any `pydantic.BaseModel` as `data.json` (`model_dump_json` / `model_validate_json`)."""

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (BaseModel,)
    ASSOCIATED_ARTIFACT_TYPE: ClassVar[ArtifactType] = ArtifactType.DATA
    SKIP_REGISTRATION: ClassVar[bool] = True
    USES_ARTIFACT_STORE_IO: ClassVar[bool] = True  # all I/O through the store

    def save(self, data: BaseModel) -> None:
        with self.open(DATA_FILE, "w") as f:
            f.write(_dump(data))

    def load(self, data_type: type[Any]) -> BaseModel:
        if not (isinstance(data_type, type) and issubclass(data_type, BaseModel)):
            raise MaterializerError(
                f"PydanticMaterializer loads pydantic models; it was asked for {data_type!r}."
            )
        with self.open(DATA_FILE, "r") as f:
            text = f.read()
        try:
            return data_type.model_validate_json(text)
        except ValidationError as error:
            raise MaterializerError(
                f"The stored JSON no longer validates as {data_type.__qualname__} (did the model "
                f"change since the artifact was saved?):\n{error}"
            ) from error

    def extract_metadata(self, data: BaseModel) -> dict[str, Any]:
        return {
            "model": f"{type(data).__module__}.{type(data).__qualname__}",
            "fields": sorted(type(data).model_fields),
        }

    def compute_content_hash(self, data: BaseModel) -> str | None:
        digest = hashlib.sha256(f"{type(data).__module__}.{type(data).__qualname__}\0".encode())
        digest.update(_dump(data).encode())
        return digest.hexdigest()

    @classmethod
    def library_versions(cls) -> dict[str, str]:
        import pydantic

        return {"pydantic": pydantic.VERSION}
