"""StepContext: what a running step can ask about itself (`get_step_context()`), and where
metadata it logs is buffered until the step's final write."""

from __future__ import annotations

from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from types import SimpleNamespace

    from stackwise.models.pipeline_run import PipelineRunResponse, StepRunResponse
    from stackwise.models.pipeline_spec import StepSpec
    from stackwise.stack.stack import Stack
    from stackwise.store.sql.sql_store import SqlStore

_current: ContextVar[StepContext | None] = ContextVar("stackwise_step_context", default=None)


class StepContext:
    def __init__(self, *, store: SqlStore, stack: Stack, spec: StepSpec,
                 pipeline_run: PipelineRunResponse, step_run: StepRunResponse,
                 output_uris: dict[str, str], output_artifact_names: dict[str, str]) -> None:
        self.store = store
        self.stack = stack
        self.spec = spec
        self.pipeline_run = pipeline_run
        self.step_run = step_run
        self._output_uris = output_uris
        self.output_artifact_names = output_artifact_names
        # buffered until the step's final write (keeps a step at two write transactions)
        self.step_metadata: dict[str, Any] = {}
        self.output_metadata: dict[str, dict[str, Any]] = {n: {} for n in output_uris}
        self.linked_outputs: dict[str, str] = {}  # save_artifact() calls: name -> version id

    @property
    def pipeline(self) -> SimpleNamespace:
        return self.pipeline_run.pipeline

    @property
    def step_name(self) -> str:
        return self.spec.invocation_id

    @property
    def model(self) -> Any:
        raise NotImplementedError(
            "The Model Control Plane (get_step_context().model) is not implemented in "
            "stackwise yet."
        )

    def _output_name(self, output_name: str | None) -> str:
        if output_name is None:
            if len(self._output_uris) != 1:
                raise ValueError(
                    f"Step '{self.step_name}' has {len(self._output_uris)} outputs "
                    f"({', '.join(self._output_uris) or 'none'}); pass output_name=."
                )
            return next(iter(self._output_uris))
        if output_name not in self._output_uris:
            raise KeyError(f"Step '{self.step_name}' has no output '{output_name}'; it has: "
                           f"{', '.join(self._output_uris) or 'none'}.")
        return output_name

    def get_output_artifact_uri(self, output_name: str | None = None) -> str:
        """Where the output will be saved (the folder its materializer writes into)."""
        return self._output_uris[self._output_name(output_name)]

    def output_for_artifact(self, artifact_name: str) -> str | None:
        """The output name saved as artifact `artifact_name`, if this step has one."""
        if artifact_name in self._output_uris:
            return artifact_name
        for output, name in self.output_artifact_names.items():
            if name == artifact_name:
                return output
        return None


def get_step_context() -> StepContext:
    """The context of the step running now; a RuntimeError outside a step."""
    context = _current.get()
    if context is None:
        raise RuntimeError(
            "get_step_context() works only inside a running step (or its hooks); this code "
            "runs outside one."
        )
    return context


def set_step_context(context: StepContext | None) -> Any:
    return _current.set(context)


def reset_step_context(token: Any) -> None:
    _current.reset(token)


def current_step_context() -> StepContext | None:
    return _current.get()
