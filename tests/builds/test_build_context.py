"""DockerSettings -> the build context, exactly: the Dockerfile, the requirements (the user's,
`required_integrations`', the stack's integrations', stackwise's), the code when it goes in
the image, and a checksum that changes with any of them and nothing else."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from stackwise import __version__
from stackwise.builds.build_context import (
    _REFUSED,
    ACTED_ON,
    MET_OTHERWISE,
    build_context,
    check_settings,
)
from stackwise.builds.pipeline_build import image_requirements, stack_integrations
from stackwise.client import Client
from stackwise.config.docker_settings import DockerSettings
from stackwise.exceptions import ConfigError
from stackwise.integrations.mlflow import REQUIREMENTS as MLFLOW
from stackwise.integrations.s3 import REQUIREMENTS as S3
from stackwise.stack.active_stack import load_stack
from stackwise.store import get_store


def test_every_docker_setting_is_acted_on_met_otherwise_or_refused() -> None:
    classified = set(ACTED_ON) | set(MET_OTHERWISE) | set(_REFUSED)
    assert classified == set(DockerSettings.model_fields)
    assert not set(ACTED_ON) & set(_REFUSED)


def test_the_dockerfile_and_requirements_say_what_the_settings_say() -> None:
    settings = DockerSettings(
        parent_image="python:3.11-slim",
        apt_packages=["git", "curl"],
        environment={"MODE": "prod", "N": 2},
        user="app",
        python_package_installer="pip",
        python_package_installer_args={"extra-index-url": "https://pypi.example/simple"},
    )
    context = build_context(settings, ["pandas==2.2.0", "s3fs>=2024.6.0", "pandas==2.2.0"])

    assert context.dockerfile == (
        "FROM python:3.11-slim\n"
        "WORKDIR /app\n"
        "RUN apt-get update && apt-get install -y --no-install-recommends curl git "
        "&& rm -rf /var/lib/apt/lists/*\n"
        'ENV MODE="prod"\n'
        'ENV N="2"\n'
        "COPY requirements.txt /app/requirements.txt\n"
        "RUN pip install --no-cache-dir -r /app/requirements.txt "
        "--extra-index-url https://pypi.example/simple\n"
        "USER app\n"
    )
    assert context.requirements == "pandas==2.2.0\ns3fs>=2024.6.0\n"
    assert sorted(context.files) == ["Dockerfile", "requirements.txt"]
    assert not context.contains_code


def test_uv_is_the_default_installer_and_the_default_parent_is_this_python() -> None:
    context = build_context(DockerSettings(), ["numpy"])
    major, minor = sys.version_info[:2]
    assert context.dockerfile.splitlines()[0] == f"FROM python:{major}.{minor}-slim"
    assert (
        "RUN pip install --no-cache-dir uv && uv pip install --system --no-cache "
        "-r /app/requirements.txt"
    ) in context.dockerfile


def test_the_checksum_follows_the_content_only(tmp_path: Path) -> None:
    base = build_context(DockerSettings(apt_packages=["git"]), ["numpy"])
    assert build_context(DockerSettings(apt_packages=["git"]), ["numpy"]).checksum == base.checksum
    assert (
        build_context(DockerSettings(apt_packages=["git"]), ["numpy<2"]).checksum != base.checksum
    )
    assert build_context(DockerSettings(apt_packages=["vim"]), ["numpy"]).checksum != base.checksum

    code = tmp_path / "steps.py"
    code.write_text("x = 1\n")
    with_code = build_context(DockerSettings(apt_packages=["git"]), ["numpy"], [("steps.py", code)])
    assert with_code.contains_code and with_code.files["code/steps.py"] == b"x = 1\n"
    assert "COPY code /app/code\nENV PYTHONPATH=/app/code\n" in with_code.dockerfile
    code.write_text("x = 2\n")
    changed = build_context(DockerSettings(apt_packages=["git"]), ["numpy"], [("steps.py", code)])
    assert changed.checksum != with_code.checksum

    written = with_code.write(tmp_path / "context")
    assert (written / "Dockerfile").read_text() == with_code.dockerfile
    assert (written / "code" / "steps.py").read_bytes() == b"x = 1\n"


def test_requirements_add_the_integrations_and_the_stack_s_and_stackwise() -> None:
    client = Client()
    client.create_stack_component("tracker", "mlflow", "experiment_tracker", {})
    client.create_stack(
        "tracked",
        {"orchestrator": "default", "artifact_store": "default", "experiment_tracker": "tracker"},
    )
    stack = load_stack(get_store(), "tracked")
    assert stack_integrations(stack) == ["mlflow"]

    settings = DockerSettings(requirements=["pandas==2.2.0"], required_integrations=["s3"])
    assert image_requirements(settings, stack) == [
        "pandas==2.2.0",
        *S3,
        *MLFLOW,
        f"stackwise=={__version__}",
    ]
    alone = DockerSettings(install_stack_requirements=False)
    assert image_requirements(alone, stack) == [f"stackwise=={__version__}"]
    with pytest.raises(KeyError, match="s4"):
        image_requirements(DockerSettings(required_integrations=["s4"]), stack)


def test_a_requirements_file_is_read_and_a_missing_one_named(tmp_path: Path) -> None:
    file = tmp_path / "requirements.txt"
    file.write_text("# pinned\nnumpy==1.26.4\n\n-e .\nscipy\n")
    stack = load_stack(get_store(), "default")
    found = image_requirements(
        DockerSettings(requirements=str(file), install_stack_requirements=False), stack
    )
    assert found[:2] == ["numpy==1.26.4", "scipy"]
    with pytest.raises(ConfigError, match="requirements='nope.txt'.*names no file"):
        image_requirements(DockerSettings(requirements="nope.txt"), stack)


def test_settings_stackwise_cannot_act_on_are_refused_each_by_name() -> None:
    settings = DockerSettings(
        dockerfile="Dockerfile.custom",
        required_hub_plugins=["x"],
        disable_automatic_requirements_detection=False,
        skip_build=True,
    )
    with pytest.raises(ConfigError) as raised:
        check_settings(settings, "pipeline 'p'")
    message = str(raised.value)
    assert "The Docker settings of pipeline 'p' cannot be built" in message
    assert "DockerSettings.dockerfile='Dockerfile.custom'" in message
    assert "DockerSettings.required_hub_plugins=['x']" in message
    assert "disable_automatic_requirements_detection=False" in message
    assert "skip_build=True needs a parent_image" in message
