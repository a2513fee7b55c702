"""The MLflow experiment tracker: one MLflow run per stackwise pipeline run.

Each tracked step resumes that run (found by its `stackwise.run_id` tag, created by the first
step) as MLflow's active run, so the step body's bare `mlflow.log_params` / `mlflow.log_metric`
calls land there. MLflow keeps its tracking URI, active experiment and credentials in
process-wide state; the tracker sets them for the step and puts the previous values back
afterwards, so neither another tracker nor the user's own MLflow code sees them change.

MLflow is imported when a step is tracked, not when this module is imported.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from pydantic import ValidationError

from stackwise.exceptions import ConfigError, ExperimentTrackerError
from stackwise.experiment_trackers.base_experiment_tracker import (
    BaseExperimentTracker,
    StepRunInfo,
)
from stackwise.integrations.mlflow.flavors.mlflow_experiment_tracker_flavor import (
    PIPELINE_TAG,
    RUN_ID_TAG,
    MLFlowExperimentTrackerConfig,
    MLFlowExperimentTrackerSettings,
    sqlite_path,
)

# Fail at import (which the flavor turns into an install hint when the stack is built), not in
# the middle of the first tracked step. find_spec does not import MLflow.
if importlib.util.find_spec("mlflow") is None:
    raise ImportError("No module named 'mlflow'", name="mlflow")

if TYPE_CHECKING:
    from mlflow import ActiveRun
    from mlflow.entities import Run
    from mlflow.tracking import MlflowClient

logger = logging.getLogger(__name__)

VERIFY_TIMEOUT_SECONDS = 5
"""How long `verify` waits for a tracking server (MLFLOW_HTTP_REQUEST_TIMEOUT)."""

_CREDENTIAL_ENV_VARS = {
    "tracking_username": "MLFLOW_TRACKING_USERNAME",
    "tracking_password": "MLFLOW_TRACKING_PASSWORD",
    "tracking_token": "MLFLOW_TRACKING_TOKEN",
}
# Environment variables MLflow reads or writes while a step is tracked; restored afterwards.
# (set_tracking_uri / set_experiment mirror their value into the first two; end_run clears
# MLFLOW_RUN_ID.)
# How long MLflow waits and how often it retries, from the tracker's config (MLflow reads them
# at each request).
_TIMEOUT_ENV_VAR = "MLFLOW_HTTP_REQUEST_TIMEOUT"
_RETRIES_ENV_VAR = "MLFLOW_HTTP_REQUEST_MAX_RETRIES"
_BACKOFF_ENV_VAR = "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR"
RETRY_BACKOFF_FACTOR = 1
_RESTORED_ENV_VARS = (
    "MLFLOW_TRACKING_URI",
    "MLFLOW_EXPERIMENT_ID",
    "MLFLOW_RUN_ID",
    *_CREDENTIAL_ENV_VARS.values(),
    _TIMEOUT_ENV_VAR,
    _RETRIES_ENV_VAR,
    _BACKOFF_ENV_VAR,
)
_DEFAULT_PORTS = {"postgresql": 5432, "mysql": 3306, "mssql": 1433}


class MLFlowExperimentTracker(BaseExperimentTracker):
    """Tracks each stackwise pipeline run as one MLflow run in the step's experiment."""

    config: MLFlowExperimentTrackerConfig

    @property
    def tracking_uri(self) -> str:
        return self.config.resolved_tracking_uri()

    @staticmethod
    def validate_settings(
        settings: Mapping[str, Any] | MLFlowExperimentTrackerSettings | None,
        step_name: str = "?",
    ) -> MLFlowExperimentTrackerSettings:
        """A step's `settings["experiment_tracker"]` as settings, or a ConfigError naming the
        bad keys. Callable at compile time, so a typo fails before the run starts."""
        if isinstance(settings, MLFlowExperimentTrackerSettings):
            return settings
        try:
            return MLFlowExperimentTrackerSettings.model_validate(dict(settings or {}))
        except ValidationError as error:
            from stackwise.utils.pydantic_problems import describe_validation_error

            fields = ", ".join(MLFlowExperimentTrackerSettings.model_fields)
            raise ConfigError(
                f"Invalid MLflow experiment tracker settings of step '{step_name}': "
                + describe_validation_error(error, MLFlowExperimentTrackerSettings.model_fields)
                + f". MLFlowExperimentTrackerSettings accepts: {fields}."
            ) from None

    @contextmanager
    def track_step(self, info: StepRunInfo) -> Iterator[dict[str, Any]]:
        """Run the step body inside the pipeline run's MLflow run.

        Yields a dict filled with `mlflow_run_id`, `mlflow_experiment_id` and
        `experiment_tracker_url`, to record on the step run.
        """
        settings = self.validate_settings(info.settings, info.step_name)
        experiment_name = (
            settings.experiment_name or self.config.experiment_name or info.pipeline_name
        )
        nested = settings.nested or self.config.nested
        uri = self.tracking_uri
        database = sqlite_path(uri)
        if database is not None:
            database.parent.mkdir(parents=True, exist_ok=True)  # SQLite will not create folders

        with _mlflow_process_state(uri, {**self._credentials(), **self._request_budget()}):
            import mlflow
            from mlflow.tracking import MlflowClient

            outer = mlflow.active_run()
            if outer is not None and not nested:
                raise ConfigError(
                    f"An MLflow run ({outer.info.run_id}) is already active in this process, so "
                    f"step '{info.step_name}' cannot open the MLflow run of pipeline run "
                    f"'{info.run_name}' beside it. End that run with mlflow.end_run() before "
                    "running the pipeline, or nest under it: set nested=True in the config of "
                    f"experiment tracker '{self.name}' or in the step's "
                    "MLFlowExperimentTrackerSettings."
                )
            client = MlflowClient(uri)
            experiment_id = self._experiment_id(client, experiment_name, uri)
            run_id = self._pipeline_run_id(client, experiment_id, info, parent=outer)
            # start_run refuses to resume a run outside the active experiment, and runs the
            # step body opens itself should land in this experiment too.
            mlflow.set_experiment(experiment_id=experiment_id)
            ours = mlflow.start_run(run_id=run_id, nested=nested, tags=dict(settings.tags) or None)
            metadata: dict[str, Any] = {
                "mlflow_run_id": run_id,
                "mlflow_experiment_id": experiment_id,
                "experiment_tracker_url": _run_url(uri, experiment_id, run_id),
            }
            status = "FINISHED"
            try:
                yield metadata
            except BaseException as error:
                status = (
                    "KILLED" if isinstance(error, (KeyboardInterrupt, GeneratorExit)) else "FAILED"
                )
                raise
            finally:
                _end_run(client, ours, outer, status, error_in_flight=status != "FINISHED")

    def log_params(self, params: dict[str, Any]) -> None:
        """Log params to the active MLflow run (the step's, inside `track_step`)."""
        import mlflow

        self._require_active_run("log_params")
        mlflow.log_params(dict(params))

    def log_metrics(self, metrics: dict[str, float], step: int | None = None) -> None:
        """Log metrics to the active MLflow run (the step's, inside `track_step`)."""
        import mlflow

        self._require_active_run("log_metrics")
        mlflow.log_metrics(dict(metrics), step=step)

    def verify(self) -> None:
        """Reach the tracking store by listing one experiment, with no retries and a short
        timeout: an unreachable server is reported in seconds, not after MLflow's minutes of
        retries. A SQLite store is created if missing, as the first tracked step would."""
        uri = self.tracking_uri
        quick = {
            "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0",
            "MLFLOW_HTTP_REQUEST_TIMEOUT": str(VERIFY_TIMEOUT_SECONDS),
        }
        try:
            database = sqlite_path(uri)
            if database is not None:
                database.parent.mkdir(parents=True, exist_ok=True)
            with _environment(quick), _mlflow_process_state(uri, self._credentials()):
                from mlflow.tracking import MlflowClient

                MlflowClient(uri).search_experiments(max_results=1)
        except Exception as error:
            raise ExperimentTrackerError(
                f"Experiment tracker '{self.name}' cannot reach its MLflow tracking store at "
                f"{_without_credentials(uri)}: {_short_reason(error, uri)}. Check that the "
                "store is up (a server: `mlflow server --host HOST --port PORT`) and that the "
                f"tracker points at it: `stackwise experiment-tracker update {self.name} "
                "--tracking_uri=URI`."
            ) from error

    def probe_url(self) -> str | None:
        """A tracking server's URL, `tcp://host:port` of a database server; None for SQLite
        and Databricks (reached through its own SDK)."""
        uri = self.tracking_uri
        parts = urlsplit(uri)
        scheme = parts.scheme.lower()
        if scheme in ("http", "https"):
            return uri
        dialect = scheme.split("+", 1)[0]
        if dialect in _DEFAULT_PORTS and parts.hostname:
            try:
                port = parts.port or _DEFAULT_PORTS[dialect]
            except ValueError:
                return None
            host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
            return f"tcp://{host}:{port}"
        return None

    # -- helpers ---------------------------------------------------------------------------

    def _request_budget(self) -> dict[str, str]:
        """MLflow's request timeout and retries, from the config, as environment variables."""
        return {
            _TIMEOUT_ENV_VAR: str(self.config.request_timeout),
            _RETRIES_ENV_VAR: str(self.config.max_retries),
            _BACKOFF_ENV_VAR: str(RETRY_BACKOFF_FACTOR),
        }

    def _credentials(self) -> dict[str, str]:
        return {
            env: value
            for field, env in _CREDENTIAL_ENV_VARS.items()
            if (value := getattr(self.config, field)) is not None
        }

    def _require_active_run(self, method: str) -> None:
        import mlflow

        # Without this, MLflow would silently open a run in its default experiment.
        if mlflow.active_run() is None:
            raise ExperimentTrackerError(
                f"{type(self).__name__}.{method} needs an active MLflow run: call it inside a "
                f"step that uses this tracker (@step(experiment_tracker='{self.name}'))."
            )

    def _experiment_id(self, client: MlflowClient, name: str, uri: str) -> str:
        """The id of the experiment `name`, created if missing (also when another process
        creates it at the same moment)."""
        from mlflow.exceptions import MlflowException

        try:
            experiment = client.get_experiment_by_name(name)
            if experiment is None:
                try:
                    return str(
                        client.create_experiment(
                            name, artifact_location=_artifact_location(uri, name)
                        )
                    )
                except MlflowException:
                    experiment = client.get_experiment_by_name(name)
                    if experiment is None:
                        raise
        except MlflowException as error:
            raise ExperimentTrackerError(
                f"Experiment tracker '{self.name}' could not open MLflow experiment '{name}' "
                f"at {_without_credentials(uri)}: {_scrub(error.message, uri)}. Check the "
                "tracker's tracking_uri and credentials."
            ) from error
        if experiment.lifecycle_stage != "active":
            raise ConfigError(
                f"MLflow experiment '{name}' (id {experiment.experiment_id}) at "
                f"{_without_credentials(uri)} is deleted. Restore it (`mlflow experiments "
                f"restore --experiment-id {experiment.experiment_id}`) or pick another name: "
                f"experiment_name in the config of experiment tracker '{self.name}' or in the "
                "step's MLFlowExperimentTrackerSettings."
            )
        return str(experiment.experiment_id)

    def _pipeline_run_id(
        self, client: MlflowClient, experiment_id: str, info: StepRunInfo, parent: ActiveRun | None
    ) -> str:
        """The MLflow run of this pipeline run: the existing one, or a new one."""
        runs = _runs_tagged(client, experiment_id, info.run_id)
        if runs:
            return str(runs[0].info.run_id)

        from mlflow.tracking.context.registry import resolve_tags
        from mlflow.utils.mlflow_tags import MLFLOW_PARENT_RUN_ID

        tags = {RUN_ID_TAG: info.run_id, PIPELINE_TAG: info.pipeline_name}
        if parent is not None:
            tags[MLFLOW_PARENT_RUN_ID] = parent.info.run_id
        # resolve_tags adds what mlflow.start_run would: user, source, git commit.
        created = client.create_run(experiment_id, tags=resolve_tags(tags), run_name=info.run_name)
        created_id = str(created.info.run_id)
        # Steps in other processes may have created one at the same moment: all keep the
        # oldest, the others delete their own.
        runs = _runs_tagged(client, experiment_id, info.run_id)
        keep = str(runs[0].info.run_id) if runs else created_id
        if keep != created_id:
            client.delete_run(created_id)
        return keep


@contextmanager
def _mlflow_process_state(tracking_uri: str, credentials: dict[str, str]) -> Iterator[None]:
    """Use `tracking_uri` and `credentials` (environment variables: credentials, request
    timeout and retries) inside; afterwards restore MLflow's tracking URI, active experiment
    and environment variables as they were."""
    import mlflow
    from mlflow.tracking import fluent
    from mlflow.tracking._tracking_service import utils as tracking_utils

    saved_env = {name: os.environ.get(name) for name in _RESTORED_ENV_VARS}
    # MLflow has no public "unset" for these; the module globals tell "never set" from a value.
    saved_uri = getattr(tracking_utils, "_tracking_uri", None)
    saved_experiment = getattr(fluent, "_active_experiment_id", None)
    try:
        os.environ.update(credentials)
        mlflow.set_tracking_uri(tracking_uri)
        yield
    finally:
        if hasattr(fluent, "_active_experiment_id"):
            fluent._active_experiment_id = saved_experiment
        mlflow.set_tracking_uri(saved_uri)  # type: ignore[arg-type]  # None unsets it
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables inside; put the previous values back afterwards."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _short_reason(error: Exception, uri: str) -> str:
    """Why MLflow could not answer, in a few words: the OS error of a failed connection, a
    timeout, or the first line of MLflow's message (which can quote whole request URLs)."""
    text = _scrub(str(getattr(error, "message", None) or error), uri)
    os_error = re.search(r"\[Errno -?\d+\] [^'\")]+", text)
    if os_error:
        return os_error.group(0).strip()
    if "timed out" in text.lower():
        return f"no answer within {VERIFY_TIMEOUT_SECONDS} s"
    first = next((line.strip() for line in text.splitlines() if line.strip()), type(error).__name__)
    return first if len(first) <= 300 else first[:297] + "..."


def _end_run(
    client: MlflowClient,
    ours: ActiveRun,
    outer: ActiveRun | None,
    status: str,
    *,
    error_in_flight: bool,
) -> None:
    """End our run (and runs the step body left open above it) so the active run is `outer`
    again. While the step's own error propagates, a failure here is logged, not raised."""
    import mlflow

    try:
        while (top := mlflow.active_run()) is not None and top is not outer:
            mlflow.end_run(status)
            if top is ours:
                return
        # The step body ended our run itself: still record how the step ended.
        if error_in_flight:
            client.set_terminated(ours.info.run_id, status)
    except Exception:
        if not error_in_flight:
            raise
        logger.warning(
            "Could not end MLflow run %s as %s.", ours.info.run_id, status, exc_info=True
        )


def _runs_tagged(client: MlflowClient, experiment_id: str, stackwise_run_id: str) -> list[Run]:
    """The live MLflow runs tagged with `stackwise_run_id`, oldest first."""
    from mlflow.entities import ViewType

    quote = '"' if "'" in stackwise_run_id else "'"
    runs = client.search_runs(
        [experiment_id],
        filter_string=f"tags.`{RUN_ID_TAG}` = {quote}{stackwise_run_id}{quote}",
        run_view_type=ViewType.ACTIVE_ONLY,
        max_results=100,
    )
    return sorted(runs, key=lambda run: (run.info.start_time or 0, run.info.run_id))


def _artifact_location(tracking_uri: str, experiment_name: str) -> str | None:
    """For a SQLite store: artifacts next to the database, not in MLflow's default `./mlruns`
    under whatever folder the pipeline runs from. Servers choose their own location."""
    database = sqlite_path(tracking_uri)
    if database is None:
        return None
    folder = re.sub(r"[^A-Za-z0-9._-]+", "_", experiment_name).strip("._") or "experiment"
    return (database.resolve().parent / "mlartifacts" / folder).as_uri()


def _without_credentials(uri: str) -> str:
    """`uri` without a user name or password, fit for logs and metadata."""
    parts = urlsplit(uri)
    if not (parts.username or parts.password):
        return uri
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc))


def _scrub(text: str, uri: str) -> str:
    """`text` without the user name and password embedded in `uri` (MLflow quotes URLs)."""
    parts = urlsplit(uri)
    if parts.password:
        text = text.replace(f"{parts.username}:{parts.password}@", "")
    elif parts.username:
        text = text.replace(f"{parts.username}@", "")
    return text


def _run_url(tracking_uri: str, experiment_id: str, run_id: str) -> str:
    """The run's page in the MLflow UI for a tracking server, else the (credential-free)
    tracking URI, to open with `mlflow ui --backend-store-uri <it>`."""
    uri = _without_credentials(tracking_uri)
    if urlsplit(uri).scheme.lower() in ("http", "https"):
        return f"{uri.rstrip('/')}/#/experiments/{experiment_id}/runs/{run_id}"
    return uri
