"""Steps: `@step`, `CommandStep`, reading a step's outputs, and the context of a running step."""

from stackwise.steps.base_step import Step, step
from stackwise.steps.command_step import CommandStep
from stackwise.steps.step_context import StepContext, get_step_context

__all__ = ["CommandStep", "Step", "StepContext", "get_step_context", "step"]
