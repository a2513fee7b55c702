"""Checking a pipeline's parameters against its signature's annotations before any run is
recorded, as ZenML does: pydantic in lax mode, so "3" becomes 3 and 3.0 becomes 3 for an
`int`, while "three" or 3.5 is an error naming the pipeline, the parameter, the expected type
and the value given. pydantic is imported only when a value is not already of a plain type."""

from __future__ import annotations

import inspect
import logging
from typing import Any

from stackwise.exceptions import ProblemCollector
from stackwise.steps.outputs import describe_type

logger = logging.getLogger("stackwise")
_PLAIN = (int, float, str, bool)
_adapters: dict[Any, Any] = {}


def _adapter(annotation: Any) -> Any:
    from pydantic import TypeAdapter

    try:
        found = _adapters.get(annotation)
    except TypeError:  # unhashable annotation
        return TypeAdapter(annotation)
    if found is None:
        found = _adapters[annotation] = TypeAdapter(annotation)
    return found


def _skip(value: Any, annotation: Any) -> bool:
    if annotation is inspect.Parameter.empty or annotation is Any or annotation is object:
        return True
    if isinstance(annotation, str):  # an unresolved forward reference
        return True
    if annotation in _PLAIN and type(value) is annotation:
        return True
    return annotation is float and type(value) is int


def validate_parameters(
    pipeline_name: str,
    signature: inspect.Signature,
    annotations: dict[str, Any],
    parameters: dict[str, Any],
    problems: ProblemCollector,
    skip: tuple[type, ...] = (),
) -> dict[str, Any]:
    """`parameters` coerced to their annotations; each value that cannot be goes to
    `problems`. Values of `skip` types (step outputs, artifacts) are passed through."""
    checked = dict(parameters)
    for name, value in parameters.items():
        if name not in signature.parameters or isinstance(value, skip):
            continue
        annotation = annotations.get(name, signature.parameters[name].annotation)
        default = signature.parameters[name].default
        if _skip(value, annotation) or (
            value is default and default is not inspect.Parameter.empty
        ):
            continue
        from pydantic import ValidationError

        try:
            checked[name] = _adapter(annotation).validate_python(value)
        except ValidationError as error:
            reason = "; ".join(e["msg"] for e in error.errors())
            problems.add(
                f"Pipeline '{pipeline_name}' parameter '{name}' expects "
                f"{describe_type(annotation)} but was given {value!r} "
                f"({type(value).__name__}): {reason}."
            )
        except Exception as error:  # noqa: BLE001 - a type pydantic cannot check: trust it
            logger.debug(
                "Parameter '%s' of pipeline '%s' not checked: %s", name, pipeline_name, error
            )
    return checked
