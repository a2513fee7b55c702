"""The base of every step operator. The orchestrator hands a step that names one
(`@step(step_operator="name")`) to its `launch`, with the step entrypoint's command line and
the environment that points the step's process at this run's store; `launch` runs that command
where the operator runs things and returns once it has ended. The step's process records the
step in the store, where the orchestrator then reads its outcome (execution/step_dispatch.py).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from stackwise.enums import StackComponentType
from stackwise.stack.flavor import Flavor
from stackwise.stack.stack_component import StackComponent, StackComponentConfig


class BaseStepOperatorConfig(StackComponentConfig):
    """The configuration every step operator flavor extends."""


@dataclass(frozen=True)
class StepOperatorRunInfo:
    """What a step operator knows of the step it launches."""

    pipeline_name: str
    run_id: str
    run_name: str
    pipeline_step_name: str  # the step's invocation id
    image: str | None  # the container image for the step, where the operator runs containers
    settings: Mapping[str, Any] = field(default_factory=dict)  # `step_operator[.<flavor>]`
    resources: Mapping[str, Any] = field(default_factory=dict)  # ResourceSettings fields set

    @property
    def step_name(self) -> str:
        return self.pipeline_step_name


class BaseStepOperator(StackComponent):
    """Runs the step entrypoint's command for one step, where the operator runs things."""

    TYPE: ClassVar[StackComponentType] = StackComponentType.STEP_OPERATOR

    @property
    def shares_local_files(self) -> bool:
        """True when the step's process sees this machine's files (a local artifact store and
        a SQLite store); False for operators that run steps on other machines."""
        return False

    @abstractmethod
    def launch(
        self,
        info: StepOperatorRunInfo,
        entrypoint_command: Sequence[str],
        environment: Mapping[str, str],
    ) -> None:
        """Run `entrypoint_command` with `environment` set and return when it has ended.
        Raise stackwise.exceptions.StepOperatorError when it could not run or ended
        abnormally; a step that failed has recorded its error itself."""


def BaseStepOperatorFlavor(  # ZenML's name for a step operator flavor
    name: str, implementation: str, config: str | None = None, **fields: Any
) -> Flavor:
    """A step operator Flavor (`stackwise.stack.flavor.Flavor` of type step_operator)."""
    return Flavor(
        StackComponentType.STEP_OPERATOR,
        name,
        implementation,
        config or "stackwise.step_operators.base_step_operator:BaseStepOperatorConfig",
        **fields,
    )
