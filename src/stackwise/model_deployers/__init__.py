"""Model deployers: the stack component that serves a model behind an HTTP endpoint (MLflow's
scoring protocol), recorded in the store, managed with `stackwise model-deployer models ...`.

Importing this package loads no web framework: the serving process does (`serving`)."""

from stackwise.model_deployers.base_model_deployer import BaseModelDeployer
from stackwise.model_deployers.service import (
    BaseService,
    ModelDeploymentConfig,
    ModelDeploymentService,
    ServiceConfig,
    ServiceStatus,
    ServiceType,
)

__all__ = [
    "BaseModelDeployer",
    "BaseService",
    "ModelDeploymentConfig",
    "ModelDeploymentService",
    "ServiceConfig",
    "ServiceStatus",
    "ServiceType",
]
