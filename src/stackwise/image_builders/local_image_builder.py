"""The `local` image builder: the docker CLI on this machine (`docker build -t NAME -f
Dockerfile CONTEXT`), then `docker push` to the stack's registry. Before building it asks the
daemon for its version, so a machine without a running Docker daemon fails in seconds, saying
so, instead of in the middle of a build."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackwise.image_builders.base_image_builder import BaseImageBuilder, ImageBuildError
from stackwise.stack.stack_component import StackComponentConfig

if TYPE_CHECKING:
    from stackwise.container_registries.base_container_registry import BaseContainerRegistry

DAEMON_TIMEOUT = 10.0  # seconds to wait for `docker version` to answer
_NO_CLI = (
    "The local image builder needs the docker CLI, which is not installed: install Docker "
    "(https://docs.docker.com/get-docker/), or use another image builder."
)


class LocalImageBuilderConfig(StackComponentConfig):
    """No settings: `DockerSettings(build_options=...)` are passed to `docker build`."""


def build_command(image_name: str, context_dir: Path, build_options: dict[str, Any]) -> list[str]:
    """`docker build` with DockerSettings.build_options as flags (`{"pull": True,
    "buildargs": {"A": "1"}}` -> `--pull --build-arg A=1`)."""
    command = ["docker", "build", "-t", image_name, "-f", str(context_dir / "Dockerfile")]
    for key, value in sorted(build_options.items()):
        flag = "--" + {"buildargs": "build-arg", "labels": "label"}.get(key, key).replace("_", "-")
        if isinstance(value, dict):
            for k, v in sorted(value.items()):
                command += [flag, f"{k}={v}"]
        elif value is True:
            command.append(flag)
        elif value not in (False, None):
            command += [flag, str(value)]
    return [*command, str(context_dir)]


class LocalImageBuilder(BaseImageBuilder):
    config: LocalImageBuilderConfig

    def check_daemon(self) -> None:
        """ImageBuildError unless a Docker daemon answers the CLI."""
        try:
            done = subprocess.run(
                ["docker", "version", "--format", "{{.Server.Version}}"],
                capture_output=True,
                text=True,
                timeout=DAEMON_TIMEOUT,
                check=False,
            )
        except FileNotFoundError:
            raise ImageBuildError(_NO_CLI) from None
        except subprocess.TimeoutExpired:
            raise ImageBuildError(
                f"The Docker daemon did not answer `docker version` within {DAEMON_TIMEOUT:g} "
                f"s, so image builder '{self.name}' cannot build. Check that Docker runs."
            ) from None
        if done.returncode != 0:
            said = " ".join((done.stderr or done.stdout).split())
            raise ImageBuildError(
                f"Image builder '{self.name}' (local) needs a running Docker daemon, and none "
                f'is reachable: docker says "{said}". Start Docker (or point DOCKER_HOST at '
                "a daemon), or use an image builder that builds elsewhere."
            )

    def build(
        self,
        image_name: str,
        context_dir: Path,
        build_options: dict[str, Any],
        container_registry: BaseContainerRegistry | None = None,
    ) -> str:
        self.check_daemon()
        command = build_command(image_name, context_dir, build_options)
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-20:])
            raise ImageBuildError(f"`{' '.join(command)}` failed (exit {done.returncode}):\n{tail}")
        if container_registry is not None:
            container_registry.push_image(image_name)
        return image_name
