"""Logging params and metrics from a step without naming a tracking library.

`log_params` / `log_metrics` go to the experiment tracker the running step declared
(`@step(experiment_tracker="name")`), looked up by that name in the active stack, whatever its
flavor: a pipeline moves from MLflow to W&B by changing the stack, not the step.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast

from stackwise.enums import StackComponentType
from stackwise.exceptions import StackValidationError
from stackwise.steps.step_context import current_step_context
from stackwise.utils.jsonable import to_jsonable

if TYPE_CHECKING:
    from stackwise.experiment_trackers.base_experiment_tracker import BaseExperimentTracker


def log_params(params: Mapping[str, Any]) -> None:
    """Log params (hyperparameters, settings) to the running step's experiment tracker.

    Values must be JSON-like: numpy scalars and arrays, tuples and sets are converted.
    """
    tracker = _step_tracker("log_params")
    converted = {_key(key, "log_params"): _param(key, value) for key, value in params.items()}
    if converted:
        tracker.log_params(converted)


def log_metrics(metrics: Mapping[str, Any], step: int | None = None) -> None:
    """Log numeric metrics to the running step's experiment tracker, optionally at a `step`
    (an int that goes up, e.g. the epoch)."""
    tracker = _step_tracker("log_metrics")
    converted = {_key(key, "log_metrics"): _metric(key, value) for key, value in metrics.items()}
    if converted:
        tracker.log_metrics(converted, step=_step(step))


def _step_tracker(function: str) -> BaseExperimentTracker:
    """The tracker component the running step declared, from the active stack."""
    context = current_step_context()
    if context is None:
        raise RuntimeError(
            f"stackwise.{function}() works only inside a running step that declares an "
            'experiment tracker (@step(experiment_tracker="<name>")); this code runs outside '
            "any step. Outside a pipeline, call the tracking library itself."
        )
    name = context.spec.experiment_tracker
    stack = context.stack
    if not name:
        trackers = stack.component_names(StackComponentType.EXPERIMENT_TRACKER)
        if trackers:
            choices = ", ".join(f"'{t}'" for t in trackers)
            have = f"The active stack '{stack.name}' has experiment tracker(s) {choices}."
            example = trackers[0]
        else:
            have = (
                f"The active stack '{stack.name}' has no experiment tracker: register one "
                "(`stackwise experiment-tracker register <name> --flavor=mlflow`) and add "
                f"it (`stackwise stack update {stack.name} -e <name>`)."
            )
            example = "<name>"
        raise StackValidationError(
            f"Step '{context.step_name}' called stackwise.{function}() but declares no "
            f'experiment tracker. Declare one: @step(experiment_tracker="{example}"), or '
            f"set `steps: {{{context.step_name}: {{experiment_tracker: {example}}}}}` in the "
            f"run config. {have}"
        )
    # `experiment_tracker=True`: the stack's tracker, whatever its name
    tracker = stack.component(StackComponentType.EXPERIMENT_TRACKER, None if name is True else name)
    if tracker is None:  # the runner validated the stack; only a stack changed mid-run gets here
        raise StackValidationError(
            f"Step '{context.step_name}' uses experiment_tracker={name!r}, but stack "
            f"'{stack.name}' has no experiment tracker. Add it: `stackwise stack update "
            f"{stack.name} -e {'NAME' if name is True else name}`."
        )
    return cast("BaseExperimentTracker", tracker)  # an EXPERIMENT_TRACKER component


def _key(key: Any, function: str) -> str:
    if not isinstance(key, str) or not key:
        raise TypeError(
            f"stackwise.{function}() keys must be non-empty strings; got {key!r} "
            f"({type(key).__name__})."
        )
    return key


def _param(key: str, value: Any) -> Any:
    try:
        return to_jsonable(value)
    except TypeError as error:
        raise TypeError(
            f"stackwise.log_params(): param '{key}' cannot be logged: {error}. Log a JSON-like "
            "value (number, string, bool, None, or lists/dicts of them), e.g. str(value)."
        ) from None


def _metric(key: str, value: Any) -> float:
    ndim = getattr(value, "ndim", None)  # numpy scalars and arrays, torch tensors
    item = getattr(value, "item", None)
    if ndim == 0 and callable(item):
        value = item()
    if value is None or isinstance(value, (str, bytes, bytearray)) or ndim:
        number = None
    else:
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = None
    if number is None:
        raise TypeError(
            f"stackwise.log_metrics(): metric '{key}' must be a single number, got {value!r} "
            f"({type(value).__name__}). Log strings and other values with log_params()."
        )
    return number


def _step(step: Any) -> int | None:
    if step is None:
        return None
    if isinstance(step, bool):
        raise TypeError(f"stackwise.log_metrics(): step must be an int, got {step!r}.")
    try:
        return operator.index(step)  # int, numpy integers
    except TypeError:
        raise TypeError(
            f"stackwise.log_metrics(): step must be an int (e.g. the epoch), got {step!r} "
            f"({type(step).__name__})."
        ) from None
