"""HTMLString, MarkdownString, CSVString and JSONString (`stackwise.types`) as one file of the
matching extension; the file is also the artifact's visualization, of its own type."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from stackwise.enums import ArtifactType, VisualizationType
from stackwise.materializers.base_materializer import BaseMaterializer
from stackwise.types import CSVString, HTMLString, JSONString, MarkdownString

# type -> (file name, visualization type)
_FORMATS: dict[type[str], tuple[str, VisualizationType]] = {
    HTMLString: ("output.html", VisualizationType.HTML),
    MarkdownString: ("output.md", VisualizationType.MARKDOWN),
    CSVString: ("output.csv", VisualizationType.CSV),
    JSONString: ("output.json", VisualizationType.JSON),
}


def _format(data_type: type[Any]) -> tuple[str, VisualizationType]:
    for base in getattr(data_type, "__mro__", ()):
        if base in _FORMATS:
            return _FORMATS[base]
    raise TypeError(
        f"StructuredStringMaterializer saves HTMLString, MarkdownString, CSVString and "
        f"JSONString (stackwise.types); got {getattr(data_type, '__qualname__', data_type)}."
    )


class StructuredStringMaterializer(BaseMaterializer):
    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (
        CSVString,
        HTMLString,
        MarkdownString,
        JSONString,
    )
    ASSOCIATED_ARTIFACT_TYPE: ClassVar[ArtifactType] = ArtifactType.DATA_ANALYSIS
    SKIP_REGISTRATION: ClassVar[bool] = True  # found through the registry's lazy built-ins
    USES_ARTIFACT_STORE_IO: ClassVar[bool] = True  # all I/O through the store

    def save(self, data: str) -> None:
        name, _ = _format(type(data))
        with self.open(name, "w") as f:
            f.write(str(data))

    def load(self, data_type: type[Any]) -> str:
        name, _ = _format(data_type)
        with self.open(name, "r") as f:
            return data_type(f.read())  # type: ignore[no-any-return]

    def save_visualizations(self, data: str) -> dict[str, VisualizationType]:
        name, kind = _format(type(data))
        return {self.path(name): kind}  # the saved file is the view

    def compute_content_hash(self, data: str) -> str | None:
        return hashlib.sha256(f"{type(data).__name__}\0{data}".encode()).hexdigest()
