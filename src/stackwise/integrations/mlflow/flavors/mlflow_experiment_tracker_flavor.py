"""The MLflow experiment tracker flavor: its configuration, its per-step settings and the Flavor
that names them. Imports no MLflow: this module is read whenever the flavor is looked up."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from stackwise.config.global_config import stackwise_home
from stackwise.enums import StackComponentType
from stackwise.integrations.mlflow import MLFLOW
from stackwise.stack.flavor import Flavor
from stackwise.stack.stack_component import StackComponentConfig

DEFAULT_DB_NAME = "mlflow.db"

# Tags the tracker writes itself: one MLflow run per stackwise run depends on them.
RUN_ID_TAG = "stackwise.run_id"
PIPELINE_TAG = "stackwise.pipeline"
RESERVED_TAGS = frozenset({RUN_ID_TAG, PIPELINE_TAG})

_FILE_STORE_REFUSED = (
    "MLflow 3 refuses file stores (a bare path or a 'file:' URI, unless "
    "MLFLOW_ALLOW_FILE_STORE=true). Use a database such as 'sqlite:///<folder>/mlflow.db', "
    "an 'http://host:5000' tracking server, or leave tracking_uri unset for "
    "'sqlite:///<STACKWISE_HOME>/mlflow.db'"
)
_LOCAL_HOSTS = frozenset({"", "localhost", "127.0.0.1", "::1"})
_DATABASE_SCHEMES = frozenset({"postgresql", "mysql", "mssql"})


def default_tracking_uri() -> str:
    """The local store used when no tracking URI is configured: a SQLite file in STACKWISE_HOME.

    Computed when used, not stored in the config, so it follows STACKWISE_HOME.
    """
    return f"sqlite:///{(stackwise_home() / DEFAULT_DB_NAME).as_posix()}"


def sqlite_path(tracking_uri: str) -> Path | None:
    """The database file of a `sqlite:///...` URI (None for other URIs and in-memory ones)."""
    if not tracking_uri.startswith("sqlite:///"):
        return None
    path = tracking_uri[len("sqlite:///") :].split("?", 1)[0]
    if not path or path == ":memory:":
        return None
    return Path(path)


class MLFlowExperimentTrackerConfig(StackComponentConfig):
    """Where the MLflow tracking store is and how to authenticate against it."""

    tracking_uri: str | None = Field(
        default=None,
        description="MLflow tracking URI: 'http(s)://host:port', 'sqlite:///path/mlflow.db', "
        "'postgresql://...', 'databricks'. Unset: sqlite:///<STACKWISE_HOME>/mlflow.db",
    )
    experiment_name: str | None = Field(
        default=None,
        description="MLflow experiment for all runs; unset: the pipeline name. A step's "
        "MLFlowExperimentTrackerSettings(experiment_name=...) overrides it",
    )
    tracking_username: str | None = Field(
        default=None,
        repr=False,
        json_schema_extra={"secret": True},
        description="Basic-auth user name (set as MLFLOW_TRACKING_USERNAME during a step)",
    )
    tracking_password: str | None = Field(
        default=None,
        repr=False,
        json_schema_extra={"secret": True},
        description="Basic-auth password (set as MLFLOW_TRACKING_PASSWORD during a step)",
    )
    tracking_token: str | None = Field(
        default=None,
        repr=False,
        json_schema_extra={"secret": True},
        description="Bearer token (set as MLFLOW_TRACKING_TOKEN during a step)",
    )
    nested: bool = Field(
        default=False,
        description="Open the step's MLflow run nested under an MLflow run already active "
        "in the process (otherwise an active run is an error)",
    )
    request_timeout: int = Field(
        default=30,
        ge=1,
        le=3600,
        description="Seconds to wait for the tracking server to accept a connection and for "
        "each answer (set as MLFLOW_HTTP_REQUEST_TIMEOUT while a tracked step runs; "
        "MLflow's own default is 120)",
    )
    max_retries: int = Field(
        default=2,
        ge=0,
        le=10,
        description="Retries of a request the tracking server failed or did not answer, "
        "0, 2, 4, ... s apart (MLFLOW_HTTP_REQUEST_MAX_RETRIES with a backoff factor of 1 "
        "while a tracked step runs; MLflow's own 7 retries take about 4 minutes on a server "
        "that is down)",
    )

    @field_validator("tracking_uri")
    @classmethod
    def _refuse_file_stores(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if value == "databricks":  # MLflow's name for the current Databricks workspace
            return value
        scheme = urlsplit(value).scheme.lower()
        # No scheme is a path; a one-letter scheme is a Windows drive ("C:\\mlruns").
        if scheme == "file" or len(scheme) <= 1:
            raise ValueError(_FILE_STORE_REFUSED)
        return value

    def resolved_tracking_uri(self) -> str:
        """The tracking URI to use: the configured one, else the local default."""
        return self.tracking_uri or default_tracking_uri()

    @property
    def is_remote(self) -> bool:
        """True for tracking servers, Databricks and database servers on another host."""
        uri = self.resolved_tracking_uri()
        if uri == "databricks":
            return True
        parts = urlsplit(uri)
        scheme = parts.scheme.lower()
        if scheme in ("http", "https") or scheme.startswith("databricks"):
            return True
        if scheme.split("+", 1)[0] in _DATABASE_SCHEMES:
            return (parts.hostname or "") not in _LOCAL_HOSTS
        return False


class MLFlowExperimentTrackerSettings(BaseModel):
    """Per-step MLflow options, given as
    `@step(settings={"experiment_tracker": MLFlowExperimentTrackerSettings(...)})`.

    The step runner hands the tracker their dumped dict as `StepRunInfo.settings`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    experiment_name: str | None = Field(
        default=None, description="Overrides the tracker's experiment_name for this step"
    )
    tags: dict[str, str] = Field(
        default_factory=dict, description="Tags added to the pipeline run's MLflow run"
    )
    nested: bool = Field(
        default=False, description="Nest under an MLflow run already active in the process"
    )

    @field_validator("tags")
    @classmethod
    def _refuse_reserved_tags(cls, value: dict[str, str]) -> dict[str, str]:
        taken = sorted(RESERVED_TAGS.intersection(value))
        if taken:
            raise ValueError(
                f"tag(s) {', '.join(taken)} are set by stackwise to find the pipeline run's "
                "MLflow run; choose other tag names"
            )
        return value


MLFLOW_EXPERIMENT_TRACKER_FLAVOR = Flavor(
    type=StackComponentType.EXPERIMENT_TRACKER,
    name="mlflow",
    implementation="stackwise.integrations.mlflow.experiment_trackers.mlflow_experiment_tracker"
    ":MLFlowExperimentTracker",
    config="stackwise.integrations.mlflow.flavors.mlflow_experiment_tracker_flavor"
    ":MLFlowExperimentTrackerConfig",
    integration=MLFLOW,
    description="Tracks each pipeline run as one MLflow run; mlflow.log_* calls inside "
    "tracked steps land there.",
)
