"""Experiment trackers: a step that names one runs inside the tracker's run context, so the
tracking library's own calls (`mlflow.log_metric`, `wandb.log`) land in the right place."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar

from stackwise.enums import StackComponentType
from stackwise.stack.stack_component import StackComponent


@dataclass(frozen=True)
class StepRunInfo:
    """What a tracker knows of the step it tracks."""

    pipeline_name: str
    run_id: str
    run_name: str
    step_name: str
    step_run_id: str
    settings: dict[str, Any] = field(default_factory=dict)  # this tracker's step settings


class BaseExperimentTracker(StackComponent):
    TYPE: ClassVar[StackComponentType] = StackComponentType.EXPERIMENT_TRACKER

    @abstractmethod
    @contextmanager
    def track_step(self, info: StepRunInfo) -> Iterator[dict[str, Any]]:
        """Run the step body inside the tracker's run.

        Yields a dict the tracker fills with metadata to record on the step run (run id, URL).
        """
        yield {}

    @abstractmethod
    def log_params(self, params: dict[str, Any]) -> None: ...

    @abstractmethod
    def log_metrics(self, metrics: dict[str, float], step: int | None = None) -> None: ...
