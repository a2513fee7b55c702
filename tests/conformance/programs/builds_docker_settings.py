"""Pipeline builds on a fresh store (none yet, as a page), and DockerSettings as users write
them: the values given and the defaults that decide how code reaches a remote step."""

from zenml.client import Client
from zenml.config import DockerSettings

page = Client().list_builds()
assert page.total == 0 and page.items == [] and page.index == 1, page
assert Client().list_builds(checksum="abc").total == 0

settings = DockerSettings(
    parent_image="python:3.11-slim",
    requirements=["pandas==2.2.0"],
    required_integrations=["s3"],
    apt_packages=["git"],
    environment={"MODE": "prod"},
    runtime_environment={"LOG_LEVEL": "debug"},
    python_package_installer="pip",
    python_package_installer_args={"extra-index-url": "https://pypi.example/simple"},
    dockerignore=".dockerignore",
    user="app",
)
assert settings.parent_image == "python:3.11-slim"
assert settings.requirements == ["pandas==2.2.0"]
assert settings.required_integrations == ["s3"]
assert settings.python_package_installer.value == "pip"
assert settings.runtime_environment == {"LOG_LEVEL": "debug"}

defaults = DockerSettings()
assert defaults.python_package_installer.value == "uv"
assert defaults.allow_download_from_artifact_store is True
assert defaults.allow_including_files_in_images is True
assert defaults.install_stack_requirements is True
assert defaults.prevent_build_reuse is False and defaults.skip_build is False
assert defaults.parent_image is None and defaults.apt_packages == []
