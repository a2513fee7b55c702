"""The Weights & Biases experiment tracker flavor: its configuration, its per-step settings and
the Flavor that names them. Imports no wandb: this module is read whenever the flavor is looked
up."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from stackwise.config.global_config import stackwise_home
from stackwise.enums import StackComponentType
from stackwise.exceptions import ConfigError
from stackwise.integrations.wandb import WANDB
from stackwise.stack.flavor import Flavor
from stackwise.stack.stack_component import StackComponentConfig

WandbMode = Literal["online", "offline", "disabled"]

# WANDB_MODE values wandb itself accepts, as the mode they mean.
_ENV_MODES: dict[str, WandbMode] = {
    "online": "online",
    "run": "online",
    "offline": "offline",
    "dryrun": "offline",
    "disabled": "disabled",
}

MAX_TAG_LENGTH = 64  # W&B refuses longer tags

# wandb.Settings fields the tracker sets itself, and where a user sets each instead.
RESERVED_WANDB_SETTINGS: dict[str, str] = {
    "project": "the tracker's project_name",
    "entity": "the tracker's entity",
    "mode": "the tracker's mode",
    "root_dir": "the tracker's dir",
    "api_key": "the tracker's api_key",
    "base_url": "the tracker's base_url",
    "run_name": "WandbExperimentTrackerSettings(run_name=...)",
    "run_tags": "WandbExperimentTrackerSettings(tags=...)",
    "run_id": "nothing: stackwise uses the step run's id",
    "run_group": "nothing: stackwise groups a pipeline run's steps by the run's name",
    "run_job_type": "nothing: stackwise uses the step's name",
    "reinit": "nothing: stackwise opens one W&B run per step run",
    "resume": "nothing: stackwise opens one new W&B run per step run",
    "resume_from": "nothing: stackwise opens one new W&B run per step run",
    "fork_from": "nothing: stackwise opens one new W&B run per step run",
}


def default_dir() -> Path:
    """Where W&B keeps local run folders when no dir is configured: STACKWISE_HOME.

    Computed when used, not stored in the config, so it follows STACKWISE_HOME. W&B itself adds
    a `wandb/` folder below it.
    """
    return stackwise_home()


class WandbExperimentTrackerConfig(StackComponentConfig):
    """Which W&B project runs go to, how to authenticate, and whether to reach W&B at all."""

    entity: str | None = Field(
        default=None,
        description="W&B user or team that owns the project; unset: the API key's default",
    )
    project_name: str | None = Field(
        default=None,
        description="W&B project for all runs; unset: the pipeline name",
    )
    api_key: str | None = Field(
        default=None,
        repr=False,
        json_schema_extra={"secret": True},
        description="W&B API key, used in online mode; unset: WANDB_API_KEY or `wandb login`",
    )
    mode: WandbMode | None = Field(
        default=None,
        description="'online' (sync to W&B as the step runs), 'offline' (write local run "
        "folders; upload later with `wandb sync <folder>`) or 'disabled'. Unset: WANDB_MODE "
        "if set, else 'online' when api_key is set, else 'offline'",
    )
    dir: str | None = Field(
        default=None,
        description="Folder under which W&B writes its `wandb/` folder of local run files; "
        "unset: STACKWISE_HOME",
    )
    base_url: str | None = Field(
        default=None,
        description="URL of a self-hosted W&B server; unset: W&B's cloud (or WANDB_BASE_URL)",
    )

    def resolved_mode(self) -> WandbMode:
        """The mode to run in now: the configured one, else WANDB_MODE, else online exactly
        when an API key is configured (so a tracker with no account never needs the network)."""
        if self.mode is not None:
            return self.mode
        env = os.environ.get("WANDB_MODE", "").strip().lower()
        if env:
            if env not in _ENV_MODES:
                raise ConfigError(
                    f"WANDB_MODE={env!r} is not a W&B mode; use one of "
                    f"{', '.join(sorted(_ENV_MODES))}, or unset it and set the tracker's mode."
                )
            return _ENV_MODES[env]
        return "online" if self.api_key else "offline"

    def resolved_dir(self) -> Path:
        """The folder passed to `wandb.init(dir=...)`."""
        return Path(self.dir).expanduser() if self.dir else default_dir()

    @property
    def is_remote(self) -> bool:
        """True when runs are sent to a W&B server as they happen."""
        try:
            return self.resolved_mode() == "online"
        except ConfigError:
            return False


class WandbExperimentTrackerSettings(BaseModel):
    """Per-step W&B options, given as
    `@step(settings={"experiment_tracker": WandbExperimentTrackerSettings(...)})`.

    The step runner hands the tracker their dumped dict as `StepRunInfo.settings`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    run_name: str | None = Field(
        default=None,
        description="Display name of the step's W&B run; unset: '<pipeline run>-<step>'",
    )
    tags: list[str] = Field(
        default_factory=list,
        description="Tags added to the step's W&B run (besides the pipeline name)",
    )
    settings: dict[str, Any] = Field(
        default_factory=dict,
        description="More wandb.Settings fields for the step's run, e.g. "
        "{'console': 'off', 'x_disable_stats': True}",
    )

    @field_validator("tags")
    @classmethod
    def _check_tags(cls, value: list[str]) -> list[str]:
        bad = [tag for tag in value if not tag.strip() or len(tag) > MAX_TAG_LENGTH]
        if bad:
            raise ValueError(f"W&B tags must be 1 to {MAX_TAG_LENGTH} characters; fix {bad!r}")
        return value

    @field_validator("settings")
    @classmethod
    def _refuse_reserved_settings(cls, value: dict[str, Any]) -> dict[str, Any]:
        taken = sorted(set(RESERVED_WANDB_SETTINGS).intersection(value))
        if taken:
            where = "; ".join(
                f"'{key}': set it with {RESERVED_WANDB_SETTINGS[key]}" for key in taken
            )
            raise ValueError(f"wandb setting(s) set by stackwise: {where}")
        return value


WANDB_EXPERIMENT_TRACKER_FLAVOR = Flavor(
    type=StackComponentType.EXPERIMENT_TRACKER,
    name="wandb",
    implementation="stackwise.integrations.wandb.experiment_trackers.wandb_experiment_tracker"
    ":WandbExperimentTracker",
    config="stackwise.integrations.wandb.flavors.wandb_experiment_tracker_flavor"
    ":WandbExperimentTrackerConfig",
    integration=WANDB,
    description="Tracks each step run as one W&B run, grouped by pipeline run; wandb.log and "
    "wandb.config calls inside tracked steps land there. Offline unless given an API key.",
)
