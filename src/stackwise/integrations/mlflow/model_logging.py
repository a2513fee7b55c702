"""Logging a model object to MLflow in a form MLflow can serve and register (sklearn and
XGBoost with their MLflow flavors, anything with `predict` as a pyfunc), and finding the
tracking URI to log to. Shared by the MLflow model deployer and model registry."""

from __future__ import annotations

import warnings
from typing import Any

EXPERIMENT_NAME = "stackwise-deployments"
ARTIFACT_TAG = "stackwise.artifact_version_id"
URI_TAG = "stackwise.model_uri"


def tracking_uri(configured: str) -> str:
    """`configured` when given, else the stack's MLflow experiment tracker's, else MLflow's
    local default under STACKWISE_HOME."""
    if configured:
        return configured
    tracker = stack_tracker()
    if tracker is not None:
        return str(tracker.tracking_uri)
    from stackwise.integrations.mlflow.flavors.mlflow_experiment_tracker_flavor import (
        default_tracking_uri,
    )

    return default_tracking_uri()


def stack_tracker() -> Any:
    """The MLflow experiment tracker of the running step's stack (else the active stack)."""
    from stackwise.integrations.mlflow.experiment_trackers import MLFlowExperimentTracker
    from stackwise.steps.step_context import current_step_context

    context = current_step_context()
    if context is not None:
        stack = context.stack
    else:
        from stackwise.stack.active_stack import active_stack
        from stackwise.store import get_store

        try:
            stack = active_stack(get_store())
        except Exception:  # noqa: BLE001 - no usable active stack: use MLflow's default
            return None
    for tracker in stack.experiment_trackers:
        if isinstance(tracker, MLFlowExperimentTracker):
            return tracker
    return None


def log_model(
    model: Any,
    model_name: str,
    tracking_uri: str,
    *,
    artifact_version_id: str | None = None,
    experiment: str = EXPERIMENT_NAME,
    tags: dict[str, str] | None = None,
) -> str:
    """Log `model` to MLflow (sklearn and XGBoost with their MLflow flavors, anything else with
    `predict` as a pyfunc) in a run of `experiment` carrying `tags`, and return its URI. A
    model from an artifact version (`artifact_version_id`) that was logged to `experiment`
    before is not logged again."""
    from stackwise.integrations.mlflow.experiment_trackers.mlflow_experiment_tracker import (
        _mlflow_process_state,
    )
    from stackwise.integrations.mlflow.flavors.mlflow_experiment_tracker_flavor import (
        sqlite_path,
    )

    database = sqlite_path(tracking_uri)
    if database is not None:
        database.parent.mkdir(parents=True, exist_ok=True)
    with _mlflow_process_state(tracking_uri, {}):
        import mlflow
        from mlflow.tracking import MlflowClient

        client = MlflowClient(tracking_uri)
        found_experiment = client.get_experiment_by_name(experiment)
        experiment_id = (
            found_experiment.experiment_id
            if found_experiment is not None
            else client.create_experiment(experiment)
        )
        key = artifact_version_id
        if key:
            found = client.search_runs(
                [experiment_id], f"tags.`{ARTIFACT_TAG}` = '{key}'", max_results=1
            )
            if found and found[0].data.tags.get(URI_TAG):
                return str(found[0].data.tags[URI_TAG])
        run_tags = {**(tags or {}), "stackwise.model_name": model_name}
        if key:
            run_tags[ARTIFACT_TAG] = key
        with mlflow.start_run(
            experiment_id=experiment_id,
            run_name=f"{experiment.removeprefix('stackwise-')}-{model_name}",
            tags=run_tags,
            nested=mlflow.active_run() is not None,
        ):
            with warnings.catch_warnings():
                # MLflow warns about its own type hints when mlflow.pyfunc is first imported:
                # nothing the user can act on
                warnings.filterwarnings("ignore", message=".*AnyType", category=UserWarning)
                model_uri = _log(model)
            mlflow.set_tag(URI_TAG, model_uri)
        return model_uri


def _log(model: Any) -> str:
    """Log with the model's MLflow flavor; the logged model's URI."""
    import mlflow

    where = (
        {"name": "model"}
        if int(mlflow.__version__.split(".")[0]) >= 3
        else {"artifact_path": "model"}
    )
    module = type(model).__module__.split(".")[0]
    # Named here, so MLflow does not infer them (a subprocess that re-imports the model's
    # libraries: ~10 s); `--env-manager local` serves in this environment anyway.
    requirements = [f"mlflow=={mlflow.__version__}", *_library(module)]
    if module == "sklearn":
        import mlflow.sklearn

        info = mlflow.sklearn.log_model(
            model, pip_requirements=requirements, **where, **_skops_trust(model)
        )
    elif module == "xgboost":
        import mlflow.xgboost

        info = mlflow.xgboost.log_model(model, pip_requirements=requirements, **where)
    else:
        import mlflow.pyfunc

        info = mlflow.pyfunc.log_model(
            python_model=_wrapper(model), pip_requirements=requirements, **where
        )
    return str(info.model_uri)


def _skops_trust(model: Any) -> dict[str, Any]:
    """MLflow 3 saves sklearn models with skops, which refuses types it does not trust (the
    trees of a GradientBoostingClassifier). This model was trained in this process, so the
    types it holds are named as trusted for the copy MLflow stores."""
    import inspect

    import mlflow.sklearn

    if "skops_trusted_types" not in inspect.signature(mlflow.sklearn.log_model).parameters:
        return {}
    import skops.io

    return {"skops_trusted_types": skops.io.get_untrusted_types(data=skops.io.dumps(model))}


def _library(module: str) -> list[str]:
    from importlib.metadata import PackageNotFoundError, version

    name = {"sklearn": "scikit-learn"}.get(module, module)
    try:
        return [f"{name}=={version(name)}"]
    except PackageNotFoundError:
        return []


def _wrapper(model: Any) -> Any:
    import mlflow.pyfunc

    class PredictWrapper(mlflow.pyfunc.PythonModel):  # type: ignore[misc,name-defined]
        """Serves any object with `predict` (or a callable) as an MLflow pyfunc."""

        def __init__(self, inner: Any) -> None:
            self.inner = inner

        def predict(self, context: Any, model_input: Any, params: Any = None) -> Any:
            method = getattr(self.inner, "predict", None)
            return method(model_input) if callable(method) else self.inner(model_input)

    return PredictWrapper(model)


__all__ = ["log_model", "stack_tracker", "tracking_uri"]
