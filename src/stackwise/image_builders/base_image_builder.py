"""An image builder turns a build context (a folder with a Dockerfile, see builds/) into an
image with a name, and pushes it to the stack's container registry when there is one."""

from __future__ import annotations

from abc import abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from stackwise.enums import StackComponentType
from stackwise.exceptions import StackwiseError
from stackwise.stack.stack_component import StackComponent

if TYPE_CHECKING:
    from stackwise.container_registries.base_container_registry import BaseContainerRegistry


class ImageBuildError(StackwiseError):
    """An image could not be built."""


class BaseImageBuilder(StackComponent):
    TYPE: ClassVar[StackComponentType] = StackComponentType.IMAGE_BUILDER

    @property
    def is_building_locally(self) -> bool:
        """True when images are built on this machine (then a local registry works)."""
        return True

    @abstractmethod
    def build(
        self,
        image_name: str,
        context_dir: Path,
        build_options: dict[str, Any],
        container_registry: BaseContainerRegistry | None = None,
    ) -> str:
        """Build the image of `context_dir` as `image_name`, push it to `container_registry`
        when given; the name of the image to run."""
