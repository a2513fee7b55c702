"""`DockerSettings`: how the image a remote step runs in is built (ZenML's field names and
defaults). Local orchestrators record them and build nothing; container builds come with the
remote orchestrators (see docs/zenml-differences.md)."""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import Field

from stackwise.config.base_settings import BaseSettings


class PythonPackageInstaller(str, Enum):
    """The tool that installs Python packages into the image."""

    PIP = "pip"
    UV = "uv"


class PythonEnvironmentExportMethod(str, Enum):
    """How the local Python environment is exported to be replicated in the image."""

    PIP_FREEZE = "pip_freeze"
    UV_FREEZE = "uv_freeze"
    POETRY_EXPORT = "poetry_export"


class DockerSettings(BaseSettings):
    """Settings for building the image steps run in: `settings={"docker": DockerSettings(...)}`."""

    parent_image: str | None = None
    image_tag: str | None = None
    dockerfile: str | None = None
    build_context_root: str | None = None
    parent_image_build_config: dict[str, Any] | None = None
    skip_build: bool = False
    prevent_build_reuse: bool = False
    target_repository: str | None = None
    python_package_installer: PythonPackageInstaller = PythonPackageInstaller.UV
    python_package_installer_cache_mount: str | None = None
    python_package_installer_args: dict[str, Any] = Field(default_factory=dict)
    disable_automatic_requirements_detection: bool = True
    replicate_local_python_environment: list[str] | PythonEnvironmentExportMethod | bool | None = (
        None
    )
    pyproject_path: str | None = None
    pyproject_export_command: list[str] | None = None
    requirements: str | list[str] | None = None
    required_integrations: list[str] = Field(default_factory=list)
    install_stack_requirements: bool = True
    install_deployment_requirements: bool = True
    local_project_install_command: str | None = None
    apt_packages: list[str] = Field(default_factory=list)
    environment: dict[str, Any] = Field(default_factory=dict)
    runtime_environment: dict[str, Any] = Field(default_factory=dict)
    user: str | None = None
    build_config: dict[str, Any] | None = None
    allow_including_files_in_images: bool = True
    allow_download_from_code_repository: bool = True
    allow_download_from_artifact_store: bool = True
    build_options: dict[str, Any] = Field(default_factory=dict)
    dockerignore: str | None = None
    copy_files: bool = True
    copy_global_config: bool = True
    source_files: str | None = None
    required_hub_plugins: list[str] = Field(default_factory=list)
