"""Model registries: the stack component that keeps named models and their versions (with
stages) in a registry such as MLflow's, managed with `stackwise model-registry models ...`.
The Model Control Plane registers a step's models there and keeps their stages in step."""

from stackwise.model_registries.base_model_registry import (
    BaseModelRegistry,
    BaseModelRegistryConfig,
    ModelRegistryModelMetadata,
    ModelVersionStage,
    RegisteredModel,
    RegistryModelVersion,
)

__all__ = [
    "BaseModelRegistry",
    "BaseModelRegistryConfig",
    "ModelRegistryModelMetadata",
    "ModelVersionStage",
    "RegisteredModel",
    "RegistryModelVersion",
]
