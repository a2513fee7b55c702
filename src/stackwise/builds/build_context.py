"""A deterministic build context from `DockerSettings`: the Dockerfile, the requirements (the
user's, `required_integrations`' and the stack's integrations'), optionally the user's code,
and the checksum of all of it. The same settings, stack and code give the same bytes and the
same checksum, which is how an unchanged build is found again (pipeline_build.py).

Every DockerSettings field is acted on or refused here (`refused_settings`): a field whose
value stackwise cannot honour is an error naming it, never silently dropped.
"""

from __future__ import annotations

import hashlib
import json
import shlex
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stackwise.config.docker_settings import (
    DockerSettings,
    PythonEnvironmentExportMethod,
    PythonPackageInstaller,
)
from stackwise.exceptions import ConfigError

CODE_DIR = "code"  # where the code goes in a context, and under /app in the image
APP_DIR = "/app"

# fields whose non-default values stackwise cannot act on yet, and why
_REFUSED = {
    "dockerfile": "building from your own Dockerfile",
    "build_context_root": "a build context root of your own",
    "parent_image_build_config": "building the parent image first",
    "python_package_installer_cache_mount": "cache mounts for the installer",
    "pyproject_path": "requirements exported from pyproject.toml",
    "pyproject_export_command": "requirements exported from pyproject.toml",
    "local_project_install_command": "installing the local project",
    "build_config": "DockerBuildConfig",
    "source_files": "the deprecated source_files setting",
    "required_hub_plugins": "hub plugins",
}


# fields acted on, and where: a test checks every DockerSettings field is in one of these lists
ACTED_ON = {
    "parent_image": "FROM",
    "image_tag": "the image's tag (container registry image_name)",
    "skip_build": "the parent image is used as it is",
    "prevent_build_reuse": "a new build even when one with the same checksum exists",
    "target_repository": "the image's repository (container registry image_name)",
    "python_package_installer": "pip or uv in the Dockerfile",
    "python_package_installer_args": "flags of the install command",
    "disable_automatic_requirements_detection": "True only (no detection)",
    "replicate_local_python_environment": "pip freeze or a command's output",
    "requirements": "requirements.txt",
    "required_integrations": "requirements.txt",
    "install_stack_requirements": "requirements.txt",
    "apt_packages": "apt-get install in the Dockerfile",
    "environment": "ENV in the Dockerfile",
    "runtime_environment": "each step task's environment",
    "user": "USER in the Dockerfile",
    "allow_including_files_in_images": "the code in the image, when not downloaded",
    "copy_files": "the code in the image, when not downloaded",
    "allow_download_from_artifact_store": "the code archive (execution/code_archive.py)",
    "build_options": "flags of `docker build`",
    "dockerignore": "files left out of the code archive and the image",
}
# fields whose purpose stackwise meets another way, so they need no action
MET_OTHERWISE = {
    "copy_global_config": "the step's process reaches the store through STACKWISE_STORE_URL",
    "allow_download_from_code_repository": "no code repositories: the code is archived",
    "install_deployment_requirements": "pipelines are not deployed as services",
}


def refused_settings(settings: DockerSettings) -> list[str]:
    """One line per set field stackwise cannot act on (see `_REFUSED`)."""
    defaults = DockerSettings()
    problems = [
        f"DockerSettings.{name}={getattr(settings, name)!r}: {what} is not supported by "
        "stackwise yet; remove it (see docs/zenml-differences.md)."
        for name, what in _REFUSED.items()
        if getattr(settings, name) != getattr(defaults, name)
    ]
    if settings.disable_automatic_requirements_detection is False:
        problems.append(
            "DockerSettings.disable_automatic_requirements_detection=False: stackwise does "
            "not detect requirements from your code; list them in `requirements` or use "
            "`replicate_local_python_environment`."
        )
    method = settings.replicate_local_python_environment
    if method in (
        PythonEnvironmentExportMethod.UV_FREEZE,
        PythonEnvironmentExportMethod.POETRY_EXPORT,
        "uv_freeze",
        "poetry_export",
    ):
        problems.append(
            f"DockerSettings.replicate_local_python_environment={method!r}: only 'pip_freeze' "
            "or a command (a list) is supported."
        )
    if settings.skip_build and not settings.parent_image:
        problems.append(
            "DockerSettings.skip_build=True needs a parent_image: the image the steps run in "
            "as it is."
        )
    return problems


def check_settings(settings: DockerSettings, where: str) -> None:
    problems = refused_settings(settings)
    if problems:
        lines = "\n".join(f"  - {p}" for p in problems)
        raise ConfigError(f"The Docker settings of {where} cannot be built:\n{lines}")


def user_requirements(settings: DockerSettings) -> list[str]:
    """`requirements` (a list, or the path of a requirements file) and the local environment
    when `replicate_local_python_environment` asks for it."""
    found: list[str] = []
    method = settings.replicate_local_python_environment
    if method in (PythonEnvironmentExportMethod.PIP_FREEZE, "pip_freeze"):
        found += _run_export([sys.executable, "-m", "pip", "freeze", "--exclude-editable"])
    elif isinstance(method, list):
        found += _run_export(method)
    value = settings.requirements
    if isinstance(value, str):
        path = Path(value)
        if not path.is_file():
            raise ConfigError(
                f"DockerSettings(requirements='{value}') names no file. Give a requirements "
                "file's path or a list of requirements."
            )
        found += _lines(path.read_text())
    elif value:
        found += list(value)
    return found


def _run_export(command: Sequence[str]) -> list[str]:
    done = subprocess.run(list(command), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ConfigError(
            f"`{shlex.join(command)}` (replicate_local_python_environment) failed: "
            f"{done.stderr.strip()}"
        )
    return _lines(done.stdout)


def _lines(text: str) -> list[str]:
    return [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.strip().startswith(("#", "-e ", "--"))
    ]


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


@dataclass(frozen=True)
class BuildContext:
    """The files of one image's build context (name -> bytes) and what they were made from."""

    files: dict[str, bytes]
    dockerfile: str
    requirements: str
    contains_code: bool
    settings_checksum: str
    parent_image: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def checksum(self) -> str:
        digest = hashlib.sha256()
        for name in sorted(self.files):
            digest.update(name.encode() + b"\0" + str(len(self.files[name])).encode() + b"\0")
            digest.update(self.files[name])
        return digest.hexdigest()

    def write(self, target: Path) -> Path:
        """Write the context into `target` (created); `target`."""
        for name, data in sorted(self.files.items()):
            path = target / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return target


def default_parent_image() -> str:
    return f"python:{sys.version_info.major}.{sys.version_info.minor}-slim"


def settings_checksum(settings: DockerSettings) -> str:
    text = json.dumps(settings.model_dump(mode="json"), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def build_context(
    settings: DockerSettings,
    requirements: Sequence[str],
    code: Sequence[tuple[str, Path]] | None = None,
) -> BuildContext:
    """The context of an image with `settings`, installing `requirements` (already the user's,
    the integrations' and stackwise's, in order), with `code` (relative name, file) under
    /app/code when given."""
    parent = settings.parent_image or default_parent_image()
    requirements_text = "".join(f"{r}\n" for r in unique(requirements))
    lines = [f"FROM {parent}", f"WORKDIR {APP_DIR}"]
    if settings.apt_packages:
        packages = " ".join(sorted(set(settings.apt_packages)))
        lines.append(
            "RUN apt-get update && apt-get install -y --no-install-recommends "
            f"{packages} && rm -rf /var/lib/apt/lists/*"
        )
    for key, value in sorted(settings.environment.items()):
        lines.append(f"ENV {key}={json.dumps(str(value))}")
    if requirements_text:
        lines.append(f"COPY requirements.txt {APP_DIR}/requirements.txt")
        lines.append(f"RUN {_install(settings)}")
    files: dict[str, bytes] = {"requirements.txt": requirements_text.encode()}
    if code is not None:
        for name, path in code:
            files[f"{CODE_DIR}/{name}"] = path.read_bytes()
        lines.append(f"COPY {CODE_DIR} {APP_DIR}/{CODE_DIR}")
        lines.append(f"ENV PYTHONPATH={APP_DIR}/{CODE_DIR}")
    if settings.user:
        lines.append(f"USER {settings.user}")
    dockerfile = "\n".join(lines) + "\n"
    files["Dockerfile"] = dockerfile.encode()
    return BuildContext(
        files=files,
        dockerfile=dockerfile,
        requirements=requirements_text,
        contains_code=code is not None,
        settings_checksum=settings_checksum(settings),
        parent_image=parent,
    )


def _install(settings: DockerSettings) -> str:
    """The install command: pip, or uv installed with pip first, with the installer's args."""
    args = []
    for key, value in sorted(settings.python_package_installer_args.items()):
        flag = f"--{key.replace('_', '-')}"
        if value is True or value is None:
            args.append(flag)
        elif value is not False:
            args += [flag, shlex.quote(str(value))]
    extra = (" " + " ".join(args)) if args else ""
    requirements = f"{APP_DIR}/requirements.txt"
    if settings.python_package_installer in (PythonPackageInstaller.UV, "uv"):
        return (
            "pip install --no-cache-dir uv && "
            f"uv pip install --system --no-cache -r {requirements}{extra}"
        )
    return f"pip install --no-cache-dir -r {requirements}{extra}"
