"""Checking pipeline and step parameters against their annotations before any run is
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
    return annotation in _PLAIN and type(value) is annotation


def coerce(value: Any, annotation: Any) -> tuple[Any, str | None]:
    """(`value` as `annotation` wants it, None), or (`value`, why it cannot be)."""
    if _skip(value, annotation):
        return value, None
    from pydantic import ValidationError

    try:
        return _adapter(annotation).validate_python(value), None
    except ValidationError as error:
        return value, "; ".join(e["msg"] for e in error.errors())
    except Exception as error:  # noqa: BLE001 - a type pydantic cannot check: trust it
        logger.debug("Value %r not checked against %s: %s", value, annotation, error)
        return value, None


def type_problem(what: str, annotation: Any, value: Any, reason: str) -> str:
    return (
        f"{what} expects {describe_type(annotation)} but was given {value!r} "
        f"({type(value).__name__}): {reason}."
    )


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
        if value is default and default is not inspect.Parameter.empty:
            continue
        checked[name], reason = coerce(value, annotation)
        if reason is not None:
            what = f"Pipeline '{pipeline_name}' parameter '{name}'"
            problems.add(type_problem(what, annotation, value, reason))
    return checked
