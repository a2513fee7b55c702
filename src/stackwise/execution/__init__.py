"""Executing steps: the StepRunner, cache keys and hooks."""

from stackwise.execution.step_runner import RunContext, StepOutcome, StepRunner

__all__ = ["RunContext", "StepOutcome", "StepRunner"]
