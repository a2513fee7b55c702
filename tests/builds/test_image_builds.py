"""Image builds through the docker CLI, container registries, and builds recorded and reused.

No Docker daemon runs on this machine (nor in CI): the real `docker` CLI is run to show that
the local image builder fails fast saying so, and that a push fails with docker's own
message. Past that boundary, `docker` is a recording stand-in put first on PATH (a script
that writes its arguments to a file and exits 0): what is asserted is the exact CLI call the
builder and the registry make, and everything before it runs for real (the context written,
the build recorded in the store, reused by checksum)."""

from __future__ import annotations

import os
import shutil
import stat
import time
from pathlib import Path
from typing import Any

import pytest

from fixtures.peers import missing_peer
from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.config.docker_settings import DockerSettings
from stackwise.container_registries.base_container_registry import ImagePushError
from stackwise.exceptions import ConfigError, StackValidationError
from stackwise.image_builders.base_image_builder import ImageBuildError
from stackwise.image_builders.local_image_builder import build_command
from stackwise.stack.active_stack import load_stack
from stackwise.store import get_store

FAKE_DOCKER = """#!/bin/sh
echo "$@" >> "{log}"
if [ "$1" = version ]; then echo 28.2.2; fi
exit 0
"""


@step
def one() -> int:
    return 1


@pipeline(settings={"docker": DockerSettings(requirements=["numpy"])})
def built() -> None:
    one()


def real_docker() -> str:
    found = shutil.which("docker")
    if found is None:
        missing_peer("the docker CLI is not installed (scripts/services.sh installs it)")
    return found


@pytest.fixture
def docker_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A recording `docker` first on PATH; the file its calls are written to."""
    folder = tmp_path / "fake-bin"
    folder.mkdir()
    log = tmp_path / "docker-calls.log"
    script = folder / "docker"
    script.write_text(FAKE_DOCKER.format(log=log))
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return log


def calls(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def building_stack(uri: str = "127.0.0.1:5000") -> None:
    client = Client()
    client.create_stack_component("docker", "local", "image_builder", {})
    client.create_stack_component("registry", "default", "container_registry", {"uri": uri})
    client.create_stack(
        "builds",
        {
            "orchestrator": "default",
            "artifact_store": "default",
            "image_builder": "docker",
            "container_registry": "registry",
        },
    )
    client.activate_stack("builds")


def test_without_a_docker_daemon_the_local_builder_fails_fast_saying_so(tmp_path: Path) -> None:
    real_docker()
    building_stack()
    builder = load_stack(get_store(), "builds").image_builder
    started = time.monotonic()
    with pytest.raises(ImageBuildError) as raised:
        builder.build("127.0.0.1:5000/stackwise:x", tmp_path, {})
    assert time.monotonic() - started < 15
    message = str(raised.value)
    assert "needs a running Docker daemon, and none is reachable" in message
    assert "Cannot connect to the Docker daemon" in message  # docker's own words
    assert "DOCKER_HOST" in message


def test_without_a_daemon_a_push_fails_with_docker_s_message() -> None:
    real_docker()
    building_stack()
    registry = load_stack(get_store(), "builds").container_registry
    with pytest.raises(ImagePushError, match="docker push 127.0.0.1:5000/stackwise:x` failed"):
        registry.push_image("127.0.0.1:5000/stackwise:x")
    with pytest.raises(ImagePushError, match="is not in container registry 'registry'"):
        registry.push_image("elsewhere.io/stackwise:x")


def test_the_docker_build_call_carries_the_build_options(tmp_path: Path) -> None:
    assert build_command(
        "reg/stackwise:p-1", tmp_path, {"pull": True, "buildargs": {"B": "2", "A": "1"}}
    ) == [
        "docker", "build", "-t", "reg/stackwise:p-1", "-f", str(tmp_path / "Dockerfile"),
        "--build-arg", "A=1", "--build-arg", "B=2", "--pull", str(tmp_path),
    ]  # fmt: skip


def test_a_build_is_recorded_and_reused_until_its_content_changes(docker_log: Path) -> None:
    building_stack()
    first = built.build()

    image = first.images["orchestrator"].image
    assert image.startswith("127.0.0.1:5000/stackwise:built-")
    assert image == f"127.0.0.1:5000/stackwise:built-{image.rsplit('-', 1)[1]}"
    made = calls(docker_log)
    assert made[0] == "version --format {{.Server.Version}}"
    assert made[1].startswith(f"build -t {image} -f ") and made[1].endswith(
        "/Dockerfile " + made[1].split()[-1]
    )
    assert made[2] == f"push {image}"
    assert "numpy\n" in (first.images["orchestrator"].requirements or "")
    assert first.is_local and not first.contains_code
    assert first.images["orchestrator"].requires_code_download

    again = built.build()  # unchanged: the recorded build, nothing run
    assert again.id == first.id
    assert len(calls(docker_log)) == 3

    forced = built.with_options(prevent_build_reuse=True).build()
    assert forced.id != first.id and len(calls(docker_log)) == 6

    changed = built.with_options(
        settings={"docker": DockerSettings(requirements=["numpy", "scipy"])}
    ).build()
    assert changed.checksum != first.checksum
    assert changed.images["orchestrator"].image != image

    client = Client()
    assert [b.id for b in client.list_builds().items] == [first.id, forced.id, changed.id]
    assert client.list_builds(checksum=first.checksum).total == 2
    assert client.get_build(str(first.id)[:8]).id == first.id
    client.delete_build(str(first.id))
    assert client.list_builds().total == 2


def test_a_stack_without_builder_or_registry_cannot_build() -> None:
    with pytest.raises(StackValidationError) as raised:
        built.build()
    message = str(raised.value)
    assert "has no image builder and container registry" in message
    assert "stackwise stack update default -i NAME -c NAME" in message


def test_code_goes_in_the_image_when_it_is_not_downloaded(docker_log: Path) -> None:
    building_stack()
    result = built.with_options(
        settings={"docker": DockerSettings(allow_download_from_artifact_store=False)}
    ).build()
    item = result.images["orchestrator"]
    assert item.contains_code and not item.requires_code_download
    assert "COPY code /app/code" in (item.dockerfile or "")

    with pytest.raises(ConfigError, match="The code cannot reach the steps"):
        built.with_options(
            settings={
                "docker": DockerSettings(
                    allow_download_from_artifact_store=False, allow_including_files_in_images=False
                )
            }
        ).build()


@pytest.mark.parametrize(
    ("flavor", "good", "bad"),
    [
        ("default", "localhost:5000", "not a uri!"),
        ("gcp", "gcr.io/my-project", "docker.io/me"),
        ("gcp", "us-central1-docker.pkg.dev/my-project/images", "us-central1.pkg.dev/p"),
        ("aws", "123456789012.dkr.ecr.us-east-1.amazonaws.com", "1234.dkr.ecr.amazonaws.com"),
        ("azure", "myregistry.azurecr.io", "myregistry.azure.io"),
        ("dockerhub", "docker.io/my-user", "my-user"),
    ],
)
def test_registry_flavors_check_the_shape_of_their_uri(flavor: str, good: str, bad: str) -> None:
    client = Client()
    client.create_stack_component(f"ok-{flavor}", flavor, "container_registry", {"uri": good})
    with pytest.raises(ConfigError, match=f"'{bad}' is not the URI of"):
        client.create_stack_component(f"bad-{flavor}", flavor, "container_registry", {"uri": bad})


def test_the_cli_builds_reuses_lists_and_deletes(docker_log: Path, ok: Any, invoke: Any) -> None:
    import yaml

    Path("buildme.py").write_text(
        "from stackwise import pipeline, step\n"
        "from stackwise.config.docker_settings import DockerSettings\n\n\n"
        "@step\ndef one() -> int:\n    return 1\n\n\n"
        "@pipeline(settings={'docker': DockerSettings(apt_packages=['git'])})\n"
        "def nightly():\n    one()\n"
    )
    building_stack("docker.io/team")
    first = ok("pipeline", "build", "buildme.nightly", "-o", "build.yaml")
    written = yaml.safe_load(Path("build.yaml").read_text())
    image = written["images"]["orchestrator"]["image"]
    assert image.startswith("docker.io/team/stackwise:nightly-")
    assert f"orchestrator: {image}" in first.output
    assert (
        "apt-get install -y --no-install-recommends git"
        in written["images"]["orchestrator"]["dockerfile"]
    )
    assert calls(docker_log)[-1] == f"push {image}"

    again = ok("pipeline", "build", "buildme.nightly")
    assert f"Build {written['id']}" in again.output  # reused
    assert image in ok("pipeline", "builds", "list").output
    ok("pipeline", "builds", "delete", written["id"][:8], "--yes")
    assert "No pipeline builds yet" in ok("pipeline", "builds", "list").output
    missing = invoke("pipeline", "build", "buildme.nightly", "--stack", "nope")
    assert missing.exit_code != 0
