"""Which flavors exist: the built-ins, plus those integrations announce through the entry-point
group `stackwise.flavors` (each entry point names a list of Flavor objects). Entry points are
read only when a flavor is not a built-in, so start-up never pays for them."""

from __future__ import annotations

import logging

from stackwise.enums import StackComponentType
from stackwise.exceptions import ConfigError, FlavorNotFoundError, did_you_mean
from stackwise.stack.flavor import Flavor, import_object

ENTRY_POINT_GROUP = "stackwise.flavors"

T = StackComponentType
# Component types ZenML has and stackwise does not run yet. Registering one is refused here,
# the one place every registration passes (Client, CLI, stack YAML import, custom flavors),
# so a component of such a type is never stored and then silently ignored by every run.
# Keyed by StackComponentType members; they are strings, so a plain type name finds them too.
UNSUPPORTED_COMPONENT_TYPES: dict[str, str] = {
    T.ANNOTATOR: "data annotation tools are not integrated",
    T.LOG_STORE: "step logs are written to the artifact store",
    T.DEPLOYER: "pipelines are not deployed as services; model deployers serve models",
    T.SANDBOX: "steps do not run in sandboxes",
}


def check_supported(type_: StackComponentType | str) -> None:
    """Raise FlavorNotFoundError (a ConfigError and a KeyError: ZenML raises KeyError, as no
    flavor exists) when stackwise cannot use components of `type_`."""
    reason = UNSUPPORTED_COMPONENT_TYPES.get(type_)
    if reason is None:
        return
    label = str(type_).replace("_", " ")
    article = "an" if label[0] in "aeiou" else "a"
    supported = ", ".join(
        t.value for t in StackComponentType if t not in UNSUPPORTED_COMPONENT_TYPES
    )
    raise FlavorNotFoundError(
        f"stackwise does not support {label} components yet ({reason}), so {article} {label} "
        f"cannot be registered or added to a stack. Supported component types: {supported}. See "
        "docs/zenml-differences.md."
    )


BUILTIN_FLAVORS: list[Flavor] = [
    Flavor(
        T.ORCHESTRATOR,
        "local",
        "stackwise.orchestrators.local_orchestrator:LocalOrchestrator",
        description="Runs steps one after another in this process.",
    ),
    Flavor(
        T.ORCHESTRATOR,
        "local_parallel",
        "stackwise.orchestrators.local_parallel_orchestrator:LocalParallelOrchestrator",
        "stackwise.orchestrators.local_parallel_orchestrator:LocalParallelOrchestratorConfig",
        description="Runs independent steps at the same time, each in a worker process of "
        "this machine; enforces step timeouts.",
    ),
    Flavor(
        T.ARTIFACT_STORE,
        "local",
        "stackwise.artifact_stores.local_artifact_store:LocalArtifactStore",
        "stackwise.artifact_stores.local_artifact_store:LocalArtifactStoreConfig",
        description="Stores artifacts in a folder of this machine.",
    ),
    Flavor(
        T.MODEL_DEPLOYER,
        "local",
        "stackwise.model_deployers.local_model_deployer:LocalModelDeployer",
        "stackwise.model_deployers.local_model_deployer:LocalModelDeployerConfig",
        description="Serves models from a FastAPI + uvicorn server in a background process "
        "on loopback (MLflow's scoring protocol at /invocations).",
    ),
    Flavor(
        T.IMAGE_BUILDER,
        "local",
        "stackwise.image_builders.local_image_builder:LocalImageBuilder",
        "stackwise.image_builders.local_image_builder:LocalImageBuilderConfig",
        description="Builds images with the docker CLI on this machine.",
    ),
    *(
        Flavor(
            T.CONTAINER_REGISTRY,
            name,
            "stackwise.container_registries.base_container_registry:BaseContainerRegistry",
            f"stackwise.container_registries.flavors:{config}",
            description=description,
        )
        for name, config, description in (
            ("default", "DefaultContainerRegistryConfig", "Any container registry, by URI."),
            (
                "gcp",
                "GCPContainerRegistryConfig",
                "Google Container Registry (gcr.io/PROJECT) or Artifact Registry "
                "(REGION-docker.pkg.dev/PROJECT/REPO).",
            ),
            ("aws", "AWSContainerRegistryConfig", "Amazon ECR (ACCOUNT.dkr.ecr.REGION...)."),
            (
                "azure",
                "AzureContainerRegistryConfig",
                "Azure Container Registry (NAME.azurecr.io).",
            ),
            ("dockerhub", "DockerHubContainerRegistryConfig", "Docker Hub (docker.io/USER)."),
        )
    ),
]


class FlavorRegistry:
    def __init__(self) -> None:
        self._flavors: dict[tuple[str, str], Flavor] = {
            (str(f.type), f.name): f for f in BUILTIN_FLAVORS
        }
        self._entry_points_loaded = False

    def register(self, flavor: Flavor) -> None:
        check_supported(flavor.type)
        self._flavors[(str(flavor.type), flavor.name)] = flavor

    def unregister(self, type: StackComponentType | str, name: str) -> None:
        self._flavors.pop((str(type), name), None)

    def register_from_path(self, path: str) -> list[Flavor]:
        """Register the Flavor (or list of them) at `module:name`: a user's custom flavor."""
        found = import_object(path)
        flavors = found if isinstance(found, (list, tuple)) else [found]
        for flavor in flavors:
            if not isinstance(flavor, Flavor):
                raise ConfigError(f"{path} is a {type(flavor).__name__}, not a stackwise Flavor.")
            self.register(flavor)
        return list(flavors)

    def _load_entry_points(self) -> None:
        if self._entry_points_loaded:
            return
        self._entry_points_loaded = True
        from importlib.metadata import entry_points

        for entry_point in entry_points(group=ENTRY_POINT_GROUP):
            try:
                flavors = entry_point.load()
            except Exception as error:  # noqa: BLE001 - one broken plugin must not break all
                logging.getLogger("stackwise").warning(
                    "The flavors of integration '%s' (%s) cannot be loaded: %s",
                    entry_point.name,
                    entry_point.value,
                    error,
                )
                continue
            for flavor in flavors if isinstance(flavors, (list, tuple)) else [flavors]:
                self._flavors.setdefault((str(flavor.type), flavor.name), flavor)
        self._load_custom_flavors()

    def _load_custom_flavors(self) -> None:
        """Flavors the user registered by import path; one that no longer imports is named."""
        from stackwise.config.global_config import GlobalConfig

        config = GlobalConfig()
        for path in config.custom_flavor_paths():
            try:
                self.register_from_path(path)
            except (ImportError, AttributeError, ConfigError) as error:
                # one stale registration must not break every other flavor lookup
                logging.getLogger("stackwise").warning(
                    "The custom flavor '%s' registered in %s cannot be imported (%s). Make it "
                    "importable (PYTHONPATH), or remove it from custom_flavors in that file.",
                    path,
                    config.config_path,
                    error,
                )

    def get(self, type: StackComponentType | str, name: str) -> Flavor:
        check_supported(type)
        key = (str(type), name)
        if key not in self._flavors:
            self._load_entry_points()
        flavor = self._flavors.get(key)
        if flavor is None:
            names = [n for (t, n) in self._flavors if t == str(type)]
            raise FlavorNotFoundError(
                f"No {type} flavor named '{name}'.{did_you_mean(name, names)} "
                f"Available: {', '.join(sorted(names)) or 'none'}. Integrations add flavors "
                'when installed, e.g. pip install "stackwise[mlflow]".'
            )
        return flavor

    def list(self, type: StackComponentType | str | None = None) -> list[Flavor]:
        self._load_entry_points()
        matching = (f for f in self._flavors.values() if type is None or str(f.type) == str(type))
        return sorted(matching, key=lambda f: (str(f.type), f.name))


flavor_registry = FlavorRegistry()
