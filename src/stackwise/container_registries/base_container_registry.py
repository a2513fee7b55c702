"""A container registry: the `uri` images are pushed to (`<uri>/stackwise:<pipeline>-<hash>`)
and the steps' images are pulled from. Each flavor checks that its URI has the shape of its
service, so a typo is caught when the component is registered, not when a push fails.

Pushing runs the docker CLI (`docker push IMAGE`); logging in to the registry is the docker
CLI's own business (`docker login`, a credential helper), as with ZenML's registries."""

from __future__ import annotations

import re
import subprocess
from typing import ClassVar

from pydantic import Field, field_validator

from stackwise.enums import StackComponentType
from stackwise.exceptions import StackwiseError
from stackwise.stack.stack_component import StackComponent, StackComponentConfig

IMAGE_REPOSITORY = "stackwise"
_LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")


class ImagePushError(StackwiseError):
    """The docker CLI could not push an image."""


class BaseContainerRegistryConfig(StackComponentConfig):
    uri: str = Field(description="The registry's URI, e.g. gcr.io/my-project")

    # a flavor's URI shape: a regular expression and an example
    PATTERN: ClassVar[str] = r"^[a-z0-9.\-]+(:[0-9]+)?(/[A-Za-z0-9._\-]+)*$"
    EXAMPLE: ClassVar[str] = "localhost:5000 or registry.example.com/team"
    SERVICE: ClassVar[str] = "a container registry"

    @field_validator("uri")
    @classmethod
    def _shape(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        for scheme in ("https://", "http://"):
            value = value.removeprefix(scheme)
        if not re.match(cls.PATTERN, value):
            raise ValueError(
                f"'{value}' is not the URI of {cls.SERVICE}; it looks like {cls.EXAMPLE}"
            )
        return value

    @property
    def is_local(self) -> bool:
        host = self.uri.split("/", 1)[0].rsplit(":", 1)[0] if "]" not in self.uri else "[::1]"
        return host in _LOCAL_HOSTS

    @property
    def is_remote(self) -> bool:
        return not self.is_local


class BaseContainerRegistry(StackComponent):
    TYPE: ClassVar[StackComponentType] = StackComponentType.CONTAINER_REGISTRY
    config: BaseContainerRegistryConfig

    @property
    def uri(self) -> str:
        return self.config.uri

    @property
    def is_local(self) -> bool:
        return self.config.is_local

    def image_name(
        self,
        pipeline_name: str,
        checksum: str,
        tag: str | None = None,
        repository: str | None = None,
    ) -> str:
        """Where a build of `pipeline_name` goes: `<uri>/stackwise:<pipeline>-<hash>`;
        DockerSettings' `image_tag` and `target_repository` replace the tag and `stackwise`."""
        slug = re.sub(r"[^A-Za-z0-9_.\-]", "-", pipeline_name).strip(".-")[:100] or "pipeline"
        name = repository or IMAGE_REPOSITORY
        return f"{self.uri}/{name}:{tag or f'{slug}-{checksum[:12]}'}"

    def push_command(self, image: str) -> list[str]:
        return ["docker", "push", image]

    def push_image(self, image: str) -> str:
        """Push `image` with the docker CLI; ImagePushError with its output when it fails."""
        if not image.startswith(self.uri + "/"):
            raise ImagePushError(
                f"Image '{image}' is not in container registry '{self.name}' ({self.uri}); "
                "only images named after the registry's URI can be pushed to it."
            )
        try:
            done = subprocess.run(
                self.push_command(image), capture_output=True, text=True, check=False
            )
        except FileNotFoundError:
            raise ImagePushError(
                "The docker CLI is not installed, so the image cannot be pushed: install "
                "Docker (https://docs.docker.com/get-docker/)."
            ) from None
        if done.returncode != 0:
            raise ImagePushError(
                f"`docker push {image}` failed (exit {done.returncode}): "
                f"{(done.stderr or done.stdout).strip()} Log in first (`docker login "
                f"{self.uri.split('/', 1)[0]}`) if the registry needs it."
            )
        return image
