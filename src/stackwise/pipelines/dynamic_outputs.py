"""What step calls return inside a dynamic pipeline: the output artifacts themselves
(`OutputArtifact`), and the futures `submit`, `map` and `product` return.

stackwise runs each step of a dynamic pipeline when the function calls it, so every future is
resolved when it is handed out; the future API is there so code written for runners that do
run them concurrently (ZenML's) works unchanged. A future of a failed step raises the step's
error from `result()`/`load()`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import PrivateAttr

from stackwise.exceptions import ZenKeyError
from stackwise.models.artifact_version import ArtifactVersionResponse


class OutputArtifact(ArtifactVersionResponse):
    """An artifact version a step of this dynamic run produced; pass it to another step."""

    _invocation_id: str | None = PrivateAttr(default=None)

    def chunk(self, index: int) -> OutputArtifact:
        """Item `index` of this (sequence) artifact, saved as an artifact of its own."""
        from stackwise.pipelines.dynamic import running_dynamic_pipeline

        return running_dynamic_pipeline("OutputArtifact.chunk()").chunk(self, index)


class BaseFuture:
    """A step's outputs, available once it has run (here: always, when handed out)."""

    def running(self) -> bool:
        return False

    def wait(self) -> None:
        """Return once the work is done (and raise its error if it failed)."""
        self.result()

    def result(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError


class StepFuture(BaseFuture):
    """One step run: index it (or unpack it) for its outputs' `ArtifactFuture`s."""

    def __init__(
        self,
        invocation_id: str,
        output_names: list[str],
        outputs: dict[str, OutputArtifact],
        error: BaseException | None,
    ) -> None:
        self.invocation_id = invocation_id
        self._names = output_names
        self._outputs = outputs
        self._error = error

    def __repr__(self) -> str:
        state = "failed" if self._error is not None else "done"
        return f"StepFuture({self.invocation_id}, {state})"

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error

    def artifacts(self) -> Any:
        """The output artifact, a tuple of them (several outputs), or None (no outputs)."""
        self._raise_if_failed()
        found = tuple(self._outputs[n] for n in self._names)
        if not found:
            return None
        return found[0] if len(found) == 1 else found

    result = artifacts

    def load(self, disable_cache: bool = False) -> Any:
        """The output's value (a tuple of values for several outputs)."""
        self._raise_if_failed()
        values = tuple(self._outputs[n].load(disable_cache=disable_cache) for n in self._names)
        if not values:
            return None
        return values[0] if len(values) == 1 else values

    def get_artifact(self, key: str) -> ArtifactFuture:
        if key not in self._names:
            raise ZenKeyError(
                f"Step '{self.invocation_id}' has no output '{key}'; its outputs "
                f"are {', '.join(self._names) or 'none'}."
            )
        return ArtifactFuture(self, key)

    def __getitem__(self, key: int | slice) -> Any:
        names = self._names[key]
        if isinstance(names, list):
            return tuple(ArtifactFuture(self, n) for n in names)
        return ArtifactFuture(self, names)

    def __iter__(self) -> Iterator[ArtifactFuture]:
        return (ArtifactFuture(self, n) for n in self._names)

    def __len__(self) -> int:
        return len(self._names)


class ArtifactFuture(BaseFuture):
    """One output of a step run."""

    def __init__(self, step: StepFuture, output_name: str) -> None:
        self._step = step
        self.output_name = output_name

    @property
    def invocation_id(self) -> str:
        return self._step.invocation_id

    def result(self) -> OutputArtifact:
        self._step._raise_if_failed()
        return self._step._outputs[self.output_name]

    def load(self, disable_cache: bool = False) -> Any:
        return self.result().load(disable_cache=disable_cache)

    def chunk(self, index: int) -> OutputArtifact:
        return self.result().chunk(index)


class MapResultsFuture(BaseFuture):
    """The step runs `map`/`product` started, in order of their items."""

    def __init__(self, invocation_id: str, futures: list[StepFuture]) -> None:
        self.invocation_id = invocation_id
        self.futures = futures

    @property
    def startup_succeeded(self) -> bool:
        return True

    @property
    def startup_failed(self) -> bool:
        return False

    def result(self) -> list[Any]:
        return [f.result() for f in self.futures]

    def load(self, disable_cache: bool = False) -> list[Any]:
        return [f.load(disable_cache=disable_cache) for f in self.futures]

    def unpack(self) -> tuple[list[ArtifactFuture], ...]:
        """Per output, the list of its futures across the mapped step runs."""
        if not self.futures:
            return ()
        return tuple(
            [f.get_artifact(name) for f in self.futures] for name in self.futures[0]._names
        )

    def __getitem__(self, key: int | slice) -> Any:
        return self.futures[key]

    def __iter__(self) -> Iterator[StepFuture]:
        return iter(self.futures)

    def __len__(self) -> int:
        return len(self.futures)
