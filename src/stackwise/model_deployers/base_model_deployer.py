"""Model deployers: the stack component that serves a model. `deploy_model(config)` starts or
updates a deployment and returns what describes it."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, ClassVar

from stackwise.enums import StackComponentType
from stackwise.stack.stack_component import StackComponent


class BaseModelDeployer(StackComponent):
    TYPE: ClassVar[StackComponentType] = StackComponentType.MODEL_DEPLOYER

    @abstractmethod
    def deploy_model(self, config: dict[str, Any]) -> Any: ...
