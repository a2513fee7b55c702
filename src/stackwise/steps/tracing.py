"""Tracing a pipeline function: while it runs, calling a step records an invocation and
returns placeholders for its outputs (`StepArtifact`) instead of running anything."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from stackwise.steps.base_step import Step


class InvocationRecorder(Protocol):
    """What a step call inside a pipeline function talks to: the tracer of a static pipeline
    (records the call, runs nothing) or the runner of a dynamic one (runs the step now)."""

    dynamic: bool
    pipeline_name: str
    invocations: dict[str, Invocation]  # by invocation id, in the order they were made

    def add(
        self, step: Step, args: tuple[Any, ...], kwargs: dict[str, Any], id: str | None, after: Any
    ) -> Any: ...


_active: ContextVar[InvocationRecorder | None] = ContextVar("stackwise_builder", default=None)


@dataclass(frozen=True)
class StepArtifact:
    """The future output `output_name` of invocation `invocation_id`."""

    invocation_id: str
    output_name: str
    annotation: Any

    def __repr__(self) -> str:
        return f"StepArtifact({self.invocation_id}.{self.output_name})"

    def __iter__(self) -> Any:
        raise TypeError(
            f"Output '{self.output_name}' of step '{self.invocation_id}' is one artifact and "
            "cannot be unpacked. Declare several outputs with Tuple[Annotated[...], ...]."
        )


@dataclass
class Invocation:
    invocation_id: str
    step: Step
    arguments: dict[str, Any]  # as passed in code: values, StepArtifacts, artifacts
    after: list[str] = field(default_factory=list)


class PipelineBuilder:
    dynamic = False

    def __init__(self, pipeline_name: str) -> None:
        self.pipeline_name = pipeline_name
        self.invocations: dict[str, Invocation] = {}
        self.problems: list[str] = []
        self._next_suffix: dict[str, int] = {}  # step name -> last suffix handed out

    def __enter__(self) -> PipelineBuilder:
        from stackwise.models.lazy import _composing

        self._token = _active.set(self)
        self._composing = _composing.set(True)  # model.get_artifact(...) is lazy meanwhile
        return self

    def __exit__(self, *exc: object) -> None:
        from stackwise.models.lazy import _composing

        _composing.reset(self._composing)
        _active.reset(self._token)

    def _new_id(self, step: Step, requested: str | None) -> str:
        if requested is not None:
            if requested in self.invocations:
                self.problems.append(f"Two step invocations use id '{requested}'; ids are unique.")
            return requested
        return next_invocation_id(step.name, self.invocations, self._next_suffix)

    def _after_ids(self, after: Any) -> list[str]:
        from stackwise.steps.base_step import Step

        items = after if isinstance(after, (list, tuple)) else [after]
        ids = []
        for item in items:
            if isinstance(item, str):
                ids.append(item)
            elif isinstance(item, StepArtifact):
                ids.append(item.invocation_id)
            elif isinstance(item, Step):
                matches = [i for i, inv in self.invocations.items() if inv.step is item]
                if not matches:
                    self.problems.append(
                        f"after={item.name} names a step not yet invoked in "
                        "this pipeline; invoke it first."
                    )
                ids.extend(matches[-1:])
            elif item is not None:
                self.problems.append(
                    f"after= takes step invocation ids, steps or step outputs; "
                    f"got {type(item).__name__}."
                )
        return ids

    def add(
        self, step: Step, args: tuple[Any, ...], kwargs: dict[str, Any], id: str | None, after: Any
    ) -> Any:
        invocation_id = self._new_id(step, id)
        try:
            bound = step.signature.bind_partial(*args, **kwargs)
        except TypeError as error:
            self.problems.append(f"Step '{invocation_id}': {error}.")
            bound = None
        arguments = dict(bound.arguments) if bound else {}
        self.invocations[invocation_id] = Invocation(
            invocation_id, step, arguments, self._after_ids(after) if after is not None else []
        )
        refs = tuple(StepArtifact(invocation_id, o.name, o.annotation) for o in step.outputs)
        if not refs:
            return None
        return refs[0] if len(refs) == 1 else refs


def next_invocation_id(step_name: str, taken: Any, next_suffix: dict[str, int]) -> str:
    """`name`, then `name_2`, `name_3`, ... skipping ids in `taken` (ids given with id=)."""
    candidate = step_name
    n = next_suffix.get(step_name, 1)
    while candidate in taken:
        n += 1
        candidate = f"{step_name}_{n}"
    next_suffix[step_name] = n
    return candidate


def active_builder() -> InvocationRecorder | None:
    return _active.get()


@contextmanager
def recording(recorder: InvocationRecorder) -> Iterator[InvocationRecorder]:
    """Step calls inside this block go to `recorder`."""
    token = _active.set(recorder)
    try:
        yield recorder
    finally:
        _active.reset(token)
