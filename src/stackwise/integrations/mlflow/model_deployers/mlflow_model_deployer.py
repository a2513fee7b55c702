"""The MLflow model deployer. Real MLflow model serving is a later issue; until then the
component loads (so stacks and user code that name it work) and refuses to deploy, loudly."""

from __future__ import annotations

from typing import Any

from stackwise.integrations.mlflow.flavors.mlflow_model_deployer_flavor import (
    MLFlowModelDeployerConfig,
)
from stackwise.model_deployers.base_model_deployer import BaseModelDeployer
from stackwise.stack.stack_component import StackComponentConfig

NOT_IMPLEMENTED_MESSAGE = (
    "MLflow model deployment is not implemented yet in stackwise; track progress in the model "
    "deployers issue."
)


class MLFlowModelDeployer(BaseModelDeployer):
    """Deploys nothing yet: `deploy_model` raises NotImplementedError."""

    def __init__(
        self,
        *,
        id: str = "mlflow",
        name: str = "mlflow",
        flavor: str = "mlflow",
        config: StackComponentConfig | None = None,
    ) -> None:
        # Defaults let user code build one directly, as ZenML users do in tests and notebooks.
        super().__init__(
            id=id,
            name=name,
            flavor=flavor,
            config=config if config is not None else MLFlowModelDeployerConfig(),
        )

    def deploy_model(self, config: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """Always raises: stackwise cannot serve MLflow models yet."""
        raise NotImplementedError(
            f"{NOT_IMPLEMENTED_MESSAGE} Model deployer '{self.name}' was asked to deploy "
            f"{_describe(config)}. Until then, serve the model yourself (for a model logged "
            "to MLflow: `mlflow models serve -m runs:/<run_id>/<path>`), or remove the model "
            "deployer from the stack so the step can skip deployment."
        )


def _describe(config: dict[str, Any] | None) -> str:
    name = (config or {}).get("model_name")
    return f"model '{name}'" if name else "a model"
