"""Pipeline builds as the Client returns them (ZenML's `PipelineBuildResponse`): the images
built for a pipeline on a stack, keyed `orchestrator` (the pipeline's image) or
`<step>.orchestrator` (a step with Docker settings of its own), each a `BuildItem`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from pydantic import BaseModel

from stackwise.models.base import BaseResponse, as_uuid

if TYPE_CHECKING:
    from stackwise.store.base import Store
    from stackwise.store.records import BuildRecord


class BuildItem(BaseModel):
    """One image of a build: its name, the Dockerfile and requirements it was built from, the
    checksum of its settings, and whether it holds the code or downloads it."""

    image: str
    dockerfile: str | None = None
    requirements: str | None = None
    settings_checksum: str | None = None
    contains_code: bool = True
    requires_code_download: bool = False


class PipelineBuildResponse(BaseResponse):
    images: dict[str, BuildItem] = {}
    is_local: bool = False
    contains_code: bool = False
    stackwise_version: str | None = None
    python_version: str | None = None
    checksum: str | None = None
    stack_checksum: str | None = None
    duration: int | None = None
    pipeline_id: UUID | None = None
    stack_id: UUID | None = None
    container_registry_id: UUID | None = None

    @classmethod
    def from_record(cls, record: BuildRecord, store: Store | None) -> PipelineBuildResponse:
        return cls.make(
            store,
            id=record.id,
            created=record.created,
            updated=record.updated,
            images={k: BuildItem(**v) for k, v in record.images.items()},
            is_local=record.is_local,
            contains_code=record.contains_code,
            stackwise_version=record.stackwise_version,
            python_version=record.python_version,
            checksum=record.checksum,
            stack_checksum=record.stack_checksum,
            duration=record.duration,
            pipeline_id=as_uuid(record.pipeline_id),
            stack_id=as_uuid(record.stack_id),
            container_registry_id=as_uuid(record.container_registry_id),
        )

    @property
    def zenml_version(self) -> str | None:
        """ZenML's name for the version that made the build."""
        return self.stackwise_version

    @property
    def requires_code_download(self) -> bool:
        return any(item.requires_code_download for item in self.images.values())

    @property
    def pipeline(self) -> Any:
        return self.store.get_pipeline(str(self.pipeline_id)) if self.pipeline_id else None

    @property
    def stack(self) -> Any:
        return self.store.get_stack(str(self.stack_id)) if self.stack_id else None

    @staticmethod
    def get_image_key(component_key: str, step: str | None = None) -> str:
        return f"{step}.{component_key}" if step else component_key

    def get_image(self, component_key: str, step: str | None = None) -> str:
        """The image for `component_key` (`orchestrator`), the step's own when it has one."""
        return self._item(component_key, step).image

    def get_settings_checksum(self, component_key: str, step: str | None = None) -> str | None:
        return self._item(component_key, step).settings_checksum

    def _item(self, component_key: str, step: str | None) -> BuildItem:
        if step and self.get_image_key(component_key, step) in self.images:
            return self.images[self.get_image_key(component_key, step)]
        if component_key not in self.images:
            raise KeyError(
                f"Build {self.id} has no image for '{component_key}'; it has: "
                f"{', '.join(self.images) or 'none'}."
            )
        return self.images[component_key]

    def get_hydrated_version(self) -> PipelineBuildResponse:
        return self


__all__ = ["BuildItem", "PipelineBuildResponse"]
