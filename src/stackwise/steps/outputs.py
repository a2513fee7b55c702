"""Reading a step's outputs from its return annotation, and checking returned values against it.

`-> T` is one output named `output`; `-> Annotated[T, "name"]` (or `ArtifactConfig(name=...)`)
names it; `-> Tuple[Annotated[A, "a"], Annotated[B, "b"]]` declares several (unnamed elements
become `output_0`, `output_1`, ...); `-> None` declares none; no annotation at all keeps the
value under `output` rather than losing it.
"""

from __future__ import annotations

import collections.abc
import inspect
import types
import typing
from dataclasses import dataclass, field
from typing import Annotated, Any, Union, get_args, get_origin

from stackwise.models.artifact_config import ArtifactConfig

SINGLE_OUTPUT_NAME = "output"


@dataclass(frozen=True)
class DeclaredOutput:
    name: str
    annotation: Any  # Any when unannotated
    artifact_name: str | None = None  # None: `<pipeline>::<step>::<output>`
    version: str | None = None
    tags: list[str] = field(default_factory=list)
    # the ArtifactConfig, when one was given (run_metadata, artifact_type: see StepContext)
    config: ArtifactConfig | None = field(default=None, compare=False)


def _unpack_annotated(annotation: Any, fallback_name: str) -> DeclaredOutput:
    if get_origin(annotation) is Annotated:
        base, *extras = get_args(annotation)
        for extra in extras:
            if isinstance(extra, str):
                return DeclaredOutput(extra, base, artifact_name=extra)
            if isinstance(extra, ArtifactConfig):
                name = extra.name or fallback_name
                version = None if extra.version is None else str(extra.version)
                return DeclaredOutput(
                    name,
                    base,
                    artifact_name=extra.name,
                    version=version,
                    tags=list(extra.tags or []),
                    config=extra,
                )
        return DeclaredOutput(fallback_name, base)
    return DeclaredOutput(fallback_name, annotation)


def _is_tuple_of_outputs(annotation: Any) -> bool:
    if get_origin(annotation) not in (tuple, typing.Tuple):  # noqa: UP006
        return False
    args = get_args(annotation)
    return bool(args) and Ellipsis not in args and args != ((),)


def parse_outputs(return_annotation: Any) -> list[DeclaredOutput]:
    if return_annotation is inspect.Signature.empty:
        return [DeclaredOutput(SINGLE_OUTPUT_NAME, Any)]
    if return_annotation is None or return_annotation is type(None):
        return []
    if _is_tuple_of_outputs(return_annotation):
        args = get_args(return_annotation)
        outputs = [_unpack_annotated(a, f"{SINGLE_OUTPUT_NAME}_{i}") for i, a in enumerate(args)]
        names = [o.name for o in outputs]
        duplicates = {n for n in names if names.count(n) > 1}
        if duplicates:
            from stackwise.exceptions import StepInterfaceError

            raise StepInterfaceError(
                f"Output names must be unique; repeated: {sorted(duplicates)}."
            )
        return outputs
    return [_unpack_annotated(return_annotation, SINGLE_OUTPUT_NAME)]


def type_matches(value: Any, annotation: Any) -> bool:
    """Whether `value` fits `annotation`, checked as deep as is cheap (outer types only)."""
    if annotation is Any or annotation is inspect.Signature.empty or annotation is object:
        return True
    if annotation is None or annotation is type(None):
        return value is None
    origin = get_origin(annotation)
    if origin is Annotated:
        return type_matches(value, get_args(annotation)[0])
    if origin is Union or origin is types.UnionType:
        return any(type_matches(value, a) for a in get_args(annotation))
    if origin is typing.Literal:
        return value in get_args(annotation)
    if origin is not None:
        annotation = origin
    if isinstance(annotation, typing.TypeVar):
        return True
    if not isinstance(annotation, type):
        return True  # forward refs and exotic typing constructs: trust the user
    if annotation is float and isinstance(value, int) and not isinstance(value, bool):
        return True  # the numeric tower: an int is an acceptable float
    if annotation in (collections.abc.Mapping, collections.abc.Sequence):
        return isinstance(value, annotation)
    return isinstance(value, annotation)


def describe_type(annotation: Any) -> str:
    if isinstance(annotation, type):
        return annotation.__qualname__
    return str(annotation).replace("typing.", "")
