"""Model deployers: the stack component that puts a trained model behind an endpoint."""

from stackwise.model_deployers.base_model_deployer import BaseModelDeployer

__all__ = ["BaseModelDeployer"]
