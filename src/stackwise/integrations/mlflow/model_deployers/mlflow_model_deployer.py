"""The MLflow model deployer: logs the model to MLflow if it is not there yet, then serves it
with `mlflow models serve --env-manager local` as a background process on loopback, behind
the same gateway the `local` flavor uses (checks columns, answers `/health` and `/metadata`,
and hands the port over without a gap when a model is deployed again)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from stackwise.exceptions import ConfigError
from stackwise.integrations.mlflow.flavors.mlflow_model_deployer_flavor import (
    MLFlowModelDeployerConfig,
)
from stackwise.integrations.mlflow.services.mlflow_deployment import (
    MLFlowDeploymentConfig,
    MLFlowDeploymentService,
)
from stackwise.model_deployers.base_model_deployer import BaseModelDeployer, _Source
from stackwise.model_deployers.service import ModelDeploymentConfig
from stackwise.stack.stack_component import StackComponentConfig

EXPERIMENT_NAME = "stackwise-deployments"
ARTIFACT_TAG = "stackwise.artifact_version_id"
URI_TAG = "stackwise.model_uri"


class MLFlowModelDeployer(BaseModelDeployer):
    """Serves models with `mlflow models serve`."""

    SERVICE_CLASS = MLFlowDeploymentService
    CONFIG_CLASS = MLFlowDeploymentConfig

    def __init__(
        self,
        *,
        id: str = "mlflow",
        name: str = "mlflow",
        flavor: str = "mlflow",
        config: StackComponentConfig | None = None,
    ) -> None:
        # Defaults let user code build one directly, as ZenML users do in tests and notebooks.
        super().__init__(
            id=id,
            name=name,
            flavor=flavor,
            config=config if config is not None else MLFlowModelDeployerConfig(),
        )

    @property
    def tracking_uri(self) -> str:
        """Where models are logged: this deployer's `tracking_uri`, else the stack's MLflow
        experiment tracker's, else MLflow's local default under STACKWISE_HOME."""
        configured = getattr(self.config, "tracking_uri", "")
        if configured:
            return str(configured)
        tracker = _stack_tracker()
        if tracker is not None:
            return str(tracker.tracking_uri)
        from stackwise.integrations.mlflow.flavors.mlflow_experiment_tracker_flavor import (
            default_tracking_uri,
        )

        return default_tracking_uri()

    def _preload(self, model: Any) -> tuple[str, ...]:
        return ("httpx",)  # the gateway forwards; `mlflow models serve` loads the model

    def _prepare(
        self, deployment: ModelDeploymentConfig, service_dir: Path, source: _Source
    ) -> dict[str, Any]:
        assert isinstance(deployment, MLFlowDeploymentConfig)
        if deployment.mlserver:
            raise ConfigError(
                "mlserver=True is not supported: stackwise serves MLflow models with `mlflow "
                "models serve --env-manager local`. Remove mlserver from the configuration."
            )
        if deployment.workers != 1 and deployment.replicas not in (1, deployment.workers):
            raise ConfigError(
                f"workers={deployment.workers} and replicas={deployment.replicas} disagree; "
                "give one of them."
            )
        workers = max(deployment.workers, deployment.replicas)
        uri = self.tracking_uri
        model_uri = deployment.model_uri or _registry_uri(deployment)
        if not model_uri:
            if deployment.model is None:
                raise ConfigError(
                    f"Model deployer '{self.name}' needs the model to serve: "
                    "deploy_model(config={'model': model, 'model_name': 'NAME'}), or "
                    "model_uri='runs:/<run id>/<path>'."
                )
            model_uri = log_model(deployment.model, deployment.model_name or "model", uri, source)
        model_type = (
            f"{type(deployment.model).__module__}.{type(deployment.model).__qualname__}"
            if deployment.model is not None
            else None
        )
        return {
            "mlflow": {"model_uri": model_uri, "tracking_uri": uri, "workers": workers},
            "model_uri": model_uri,
            "tracking_uri": uri,
            "model_type": model_type,
            "replicas": workers,
            "startup_timeout": float(deployment.timeout or 300),
        }


def _registry_uri(deployment: MLFlowDeploymentConfig) -> str:
    name = deployment.registry_model_name
    if not name:
        return ""
    version = deployment.registry_model_version or deployment.registry_model_stage
    if not version:
        raise ConfigError(
            f"registry_model_name='{name}' needs registry_model_version or registry_model_stage."
        )
    return f"models:/{name}/{version}"


def _stack_tracker() -> Any:
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


def log_model(model: Any, model_name: str, tracking_uri: str, source: _Source) -> str:
    """Log `model` to MLflow (sklearn and XGBoost with their MLflow flavors, anything else with
    `predict` as a pyfunc) and return its URI. A model loaded from an artifact version that
    was logged before is not logged again."""
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
        experiment = client.get_experiment_by_name(EXPERIMENT_NAME)
        experiment_id = (
            experiment.experiment_id
            if experiment is not None
            else client.create_experiment(EXPERIMENT_NAME)
        )
        key = source.artifact.id if source.artifact is not None else None
        if key:
            found = client.search_runs(
                [experiment_id], f"tags.`{ARTIFACT_TAG}` = '{key}'", max_results=1
            )
            if found and found[0].data.tags.get(URI_TAG):
                return str(found[0].data.tags[URI_TAG])
        tags = {"stackwise.model_name": model_name}
        if key:
            tags[ARTIFACT_TAG] = key
        with mlflow.start_run(
            experiment_id=experiment_id,
            run_name=f"deploy-{model_name}",
            tags=tags,
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


__all__ = ["MLFlowModelDeployer", "MLFlowModelDeployerConfig", "log_model"]
