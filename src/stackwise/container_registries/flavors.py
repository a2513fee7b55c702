"""The configs of the container registry flavors (registered in stack/flavor_registry.py):
`default` (any registry), `gcp` (Container Registry and Artifact Registry), `aws` (ECR),
`azure` (ACR) and `dockerhub`. They differ only in the shape their URI must have."""

from __future__ import annotations

from typing import ClassVar

from stackwise.container_registries.base_container_registry import BaseContainerRegistryConfig


class DefaultContainerRegistryConfig(BaseContainerRegistryConfig):
    """Any registry reachable by host name: `localhost:5000`, `registry.example.com/team`."""


class GCPContainerRegistryConfig(BaseContainerRegistryConfig):
    PATTERN: ClassVar[str] = (
        r"^(([a-z]+\.)?gcr\.io/[a-z0-9\-]+|[a-z0-9\-]+-docker\.pkg\.dev/[a-z0-9\-]+/[a-z0-9\-_.]+)"
        r"(/[A-Za-z0-9._\-]+)*$"
    )
    EXAMPLE: ClassVar[str] = "gcr.io/my-project or us-central1-docker.pkg.dev/my-project/my-repo"
    SERVICE: ClassVar[str] = "a Google Container Registry or Artifact Registry repository"


class AWSContainerRegistryConfig(BaseContainerRegistryConfig):
    PATTERN: ClassVar[str] = (
        r"^[0-9]{12}\.dkr\.ecr\.[a-z0-9\-]+\.amazonaws\.com(\.cn)?(/[A-Za-z0-9._\-]+)*$"
    )
    EXAMPLE: ClassVar[str] = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
    SERVICE: ClassVar[str] = "an Amazon ECR registry"


class AzureContainerRegistryConfig(BaseContainerRegistryConfig):
    PATTERN: ClassVar[str] = r"^[a-zA-Z0-9]{5,50}\.azurecr\.io(/[A-Za-z0-9._\-]+)*$"
    EXAMPLE: ClassVar[str] = "myregistry.azurecr.io"
    SERVICE: ClassVar[str] = "an Azure Container Registry"


class DockerHubContainerRegistryConfig(BaseContainerRegistryConfig):
    PATTERN: ClassVar[str] = r"^(index\.)?docker\.io/[a-z0-9][a-z0-9_.\-]{1,254}$"
    EXAMPLE: ClassVar[str] = "docker.io/my-user"
    SERVICE: ClassVar[str] = "a Docker Hub account"
