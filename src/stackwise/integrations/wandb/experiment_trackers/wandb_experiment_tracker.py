"""The Weights & Biases experiment tracker: one W&B run per stackwise step run.

Why per step run and not per pipeline run: W&B keeps a run in the process that opened it, and
an offline run cannot be resumed by another process (resuming needs the W&B server), yet the
steps of one pipeline run may execute in different processes or machines. So each step run
opens its own W&B run, with the step run's id as the W&B run id, and W&B's own idiom ties a
pipeline run together: `group=<stackwise run name>` and `job_type=<step name>`, shown as one
group in the W&B UI. Every attempt of a retried step is a W&B run of its own.

The run is W&B's global run while the step body runs, so its bare `wandb.log(...)` and
`wandb.config.update(...)` land there, and it is always finished when the step ends (exit code
1 when the step raised). wandb is imported when a step is tracked, not when this module is.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from stackwise.exceptions import ConfigError, ExperimentTrackerError
from stackwise.experiment_trackers.base_experiment_tracker import (
    BaseExperimentTracker,
    StepRunInfo,
)
from stackwise.integrations.wandb.flavors.wandb_experiment_tracker_flavor import (
    MAX_TAG_LENGTH,
    WandbExperimentTrackerConfig,
    WandbExperimentTrackerSettings,
)
from stackwise.utils.pydantic_problems import describe_validation_error

# Fail at import (which the flavor turns into an install hint when the stack is built), not in
# the middle of the first tracked step. find_spec does not import wandb.
if importlib.util.find_spec("wandb") is None:
    raise ImportError("No module named 'wandb'", name="wandb")

if TYPE_CHECKING:
    import wandb

logger = logging.getLogger(__name__)


class WandbExperimentTracker(BaseExperimentTracker):
    """Tracks each stackwise step run as one W&B run, grouped by pipeline run."""

    config: WandbExperimentTrackerConfig

    @staticmethod
    def validate_settings(
        settings: Mapping[str, Any] | WandbExperimentTrackerSettings | None,
        step_name: str = "?",
    ) -> WandbExperimentTrackerSettings:
        """A step's `settings["experiment_tracker"]` as settings, or a ConfigError naming the
        bad keys. Callable at compile time, so a typo fails before the run starts."""
        if isinstance(settings, WandbExperimentTrackerSettings):
            return settings
        try:
            return WandbExperimentTrackerSettings.model_validate(dict(settings or {}))
        except ValidationError as error:
            fields = ", ".join(WandbExperimentTrackerSettings.model_fields)
            raise ConfigError(
                f"Invalid W&B experiment tracker settings of step '{step_name}': "
                + describe_validation_error(error, WandbExperimentTrackerSettings.model_fields)
                + f". WandbExperimentTrackerSettings accepts: {fields}."
            ) from None

    @contextmanager
    def track_step(self, info: StepRunInfo) -> Iterator[dict[str, Any]]:
        """Run the step body inside a new W&B run of its own.

        Yields a dict filled with `wandb_run_id`, `wandb_run_name`, `wandb_project`,
        `wandb_group`, `wandb_mode`, `wandb_run_dir` (the local run folder) and, online,
        `experiment_tracker_url`, to record on the step run.
        """
        settings = self.validate_settings(info.settings, info.step_name)
        mode = self.config.resolved_mode()
        root = self.config.resolved_dir()
        root.mkdir(parents=True, exist_ok=True)  # W&B falls back to a temp folder otherwise

        import wandb

        if wandb.run is not None:
            raise ConfigError(
                f"A W&B run ({wandb.run.id}) is already active in this process, so step "
                f"'{info.step_name}' cannot make its own W&B run the one wandb.log writes to. "
                "Finish that run with wandb.finish() before running the pipeline."
            )
        run_id = info.step_run_id
        project = self.config.project_name or info.pipeline_name
        run = self._init(
            wandb,
            info,
            id=run_id,
            project=project,
            entity=self.config.entity,
            group=info.run_name,
            job_type=info.step_name,
            name=settings.run_name or f"{info.run_name}-{info.step_name}",
            tags=_tags(info.pipeline_name, settings.tags),
            dir=str(root),
            mode=mode,
            settings=self._wandb_settings(wandb, settings, info.step_name),
        )
        exit_code = 0
        try:
            if run.id != run_id:
                # wandb.init hands back a run opened elsewhere with reinit="create_new".
                raise ConfigError(
                    f"wandb.init returned the W&B run {run.id}, still active in this process, "
                    f"instead of a new run for step '{info.step_name}'. Finish every W&B run "
                    "(run.finish()) before running the pipeline."
                )
            metadata = _metadata(run, mode, project, info.run_name)
            yield metadata
        except BaseException:
            exit_code = 1
            raise
        finally:
            if run.id == run_id:
                _finish(run, exit_code)

    def log_params(self, params: dict[str, Any]) -> None:
        """Add params to the active W&B run's config (the step's, inside `track_step`)."""
        self._active_run("log_params").config.update(dict(params))

    def log_metrics(self, metrics: dict[str, float], step: int | None = None) -> None:
        """Log metrics to the active W&B run's history (the step's, inside `track_step`).

        W&B's step is one counter per run that only goes up: a lower `step` than already
        logged is dropped by W&B with a warning.
        """
        self._active_run("log_metrics").log(dict(metrics), step=step)

    def probe_url(self) -> str | None:
        """W&B's server in online mode (base_url, else WANDB_BASE_URL, else W&B's cloud);
        None offline or disabled: no network then."""
        if not self.config.is_remote:
            return None
        return self.config.base_url or os.environ.get("WANDB_BASE_URL") or "https://api.wandb.ai"

    # -- helpers ---------------------------------------------------------------------------

    def _active_run(self, method: str) -> wandb.Run:
        import wandb

        # Without this, wandb.config would silently update a placeholder that is never saved.
        if wandb.run is None:
            raise ExperimentTrackerError(
                f"{type(self).__name__}.{method} needs an active W&B run: call it inside a "
                f"step that uses this tracker (@step(experiment_tracker='{self.name}'))."
            )
        return wandb.run

    def _wandb_settings(
        self, wandb_module: Any, settings: WandbExperimentTrackerSettings, step_name: str
    ) -> wandb.Settings:
        values = dict(settings.settings)
        if self.config.api_key is not None:
            values["api_key"] = self.config.api_key
        if self.config.base_url is not None:
            values["base_url"] = self.config.base_url
        try:
            return wandb_module.Settings(**values)
        except ValidationError as error:
            fields = wandb_module.Settings.model_fields
            problems = describe_validation_error(error, fields, masked=["api_key"])
            raise ConfigError(
                f"Invalid W&B settings of step '{step_name}' (experiment tracker "
                f"'{self.name}'): {problems}. Give "
                "WandbExperimentTrackerSettings(settings=...) fields of wandb.Settings."
            ) from None

    def _init(self, wandb_module: Any, info: StepRunInfo, **arguments: Any) -> wandb.Run:
        try:
            return wandb_module.init(**arguments)
        except Exception as error:
            raise ExperimentTrackerError(
                f"Experiment tracker '{self.name}' could not start a W&B run in "
                f"{arguments['mode']} mode for step '{info.step_name}' (project "
                f"'{arguments['project']}'): {type(error).__name__}: {error}. Check the "
                "tracker's entity, project_name and api_key, or set mode='offline'."
            ) from error


def _tags(pipeline_name: str, extra: list[str]) -> list[str]:
    """The pipeline name (so runs can be filtered by pipeline), then the step's tags."""
    tags = [pipeline_name[:MAX_TAG_LENGTH], *extra]
    return list(dict.fromkeys(tags))


def _metadata(run: wandb.Run, mode: str, project: str, group: str) -> dict[str, Any]:
    metadata: dict[str, Any] = {"wandb_run_id": run.id, "wandb_mode": mode}
    if mode == "disabled":
        return metadata
    metadata.update(
        wandb_run_name=run.name,
        wandb_project=project,
        wandb_group=group,
        wandb_run_dir=str(Path(run.dir).parent),  # run.dir is the run folder's files/
    )
    if run.url:
        metadata["experiment_tracker_url"] = run.url
    return metadata


def _finish(run: wandb.Run, exit_code: int) -> None:
    """Finish the step's run (a no-op when the step body finished it). While the step's own
    error propagates, a failure here is logged, not raised."""
    try:
        run.finish(exit_code=exit_code)
    except Exception:
        if exit_code == 0:
            raise
        logger.warning(
            "Could not finish W&B run %s with exit code %d.", run.id, exit_code, exc_info=True
        )
