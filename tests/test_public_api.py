"""The public surface is deliberate: `stackwise.__all__` is pinned, every name resolves, the
import paths ZenML users type keep working under `stackwise.`, and `import stackwise` stays
cheap (no heavy library is imported until a public name is used)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import stackwise

PUBLIC_NAMES = {
    "ArtifactConfig",
    "Client",
    "CommandStep",
    "ExternalArtifact",
    "Model",
    "StepContext",
    "StepRetryConfig",
    "Tag",
    "__version__",
    "add_tags",
    "bulk_log_metadata",
    "get_pipeline_context",
    "get_step_context",
    "link_artifact_to_model",
    "load_artifact",
    "log_artifact_metadata",
    "log_metadata",
    "log_metrics",
    "log_model_metadata",
    "log_params",
    "log_step_metadata",
    "pipeline",
    "register_artifact",
    "remove_tags",
    "run_hook",
    "save_artifact",
    "step",
    "unmapped",
}

# (module users import from, name they import): ZenML's paths with `zenml` -> `stackwise`.
USER_IMPORT_PATHS = [
    ("stackwise.client", "Client"),
    ("stackwise.materializers.base_materializer", "BaseMaterializer"),
    ("stackwise.enums", "ArtifactType"),
    ("stackwise.enums", "ExecutionStatus"),
    ("stackwise.enums", "StackComponentType"),
    ("stackwise.enums", "ModelStages"),
    ("stackwise.exceptions", "StackValidationError"),
    ("stackwise.exceptions", "StepInterfaceError"),
    ("stackwise.config.retry_config", "StepRetryConfig"),
    ("stackwise.io", "fileio"),
    ("stackwise.hooks", "run_hook"),
    ("stackwise.steps", "CommandStep"),
    ("stackwise.enums", "HookType"),
    ("stackwise.enums", "ServiceState"),
    ("stackwise.model_deployers", "BaseModelDeployer"),
    ("stackwise.model_deployers.base_model_deployer", "BaseModelDeployer"),
    ("stackwise", "Model"),
    ("stackwise.models", "ModelVersionResponse"),
    ("stackwise.step_operators", "BaseStepOperator"),
    ("stackwise.step_operators", "BaseStepOperatorConfig"),
    ("stackwise.step_operators.base_step_operator", "BaseStepOperator"),
]

MLFLOW_IMPORT_PATHS = [
    ("stackwise.integrations.mlflow.experiment_trackers", "MLFlowExperimentTracker"),
    ("stackwise.integrations.mlflow.model_deployers", "MLFlowModelDeployer"),
    (
        "stackwise.integrations.mlflow.flavors.mlflow_experiment_tracker_flavor",
        "MLFlowExperimentTrackerSettings",
    ),
    ("stackwise.integrations.mlflow.services", "MLFlowDeploymentService"),
    ("stackwise.integrations.mlflow.services", "MLFlowDeploymentConfig"),
    (
        "stackwise.integrations.mlflow.services.mlflow_deployment",
        "MLFlowDeploymentService",
    ),
]

HEAVY_MODULES = ("sqlalchemy", "pydantic", "pandas", "numpy", "mlflow", "yaml")


def _from_import(module: str, name: str) -> object:
    """What `from module import name` gives (submodules included, as the statement does)."""
    return getattr(__import__(module, fromlist=[name]), name)


def test_all_is_exactly_the_pinned_set():
    assert set(stackwise.__all__) == PUBLIC_NAMES
    assert len(stackwise.__all__) == len(PUBLIC_NAMES), "duplicates in __all__"


@pytest.mark.parametrize("name", sorted(PUBLIC_NAMES))
def test_every_public_name_resolves(name: str):
    value = getattr(stackwise, name)
    assert value is not None
    if name != "__version__":
        assert getattr(value, "__name__", name) == name


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        stackwise.not_a_name  # noqa: B018


def test_dir_lists_the_public_names():
    assert set(dir(stackwise)) >= PUBLIC_NAMES


def test_top_level_names_are_the_objects_of_their_home_modules():
    from stackwise.artifacts.artifact_api import load_artifact, save_artifact
    from stackwise.client import Client
    from stackwise.pipelines.pipeline import pipeline
    from stackwise.steps.base_step import step

    assert stackwise.Client is Client
    assert stackwise.step is step
    assert stackwise.pipeline is pipeline
    assert stackwise.save_artifact is save_artifact
    assert stackwise.load_artifact is load_artifact


@pytest.mark.parametrize(
    ("module", "name"), USER_IMPORT_PATHS, ids=[f"{m}.{n}" for m, n in USER_IMPORT_PATHS]
)
def test_user_import_paths(module: str, name: str):
    assert _from_import(module, name) is not None


@pytest.mark.parametrize(
    ("module", "name"), MLFLOW_IMPORT_PATHS, ids=[f"{m}.{n}" for m, n in MLFLOW_IMPORT_PATHS]
)
def test_mlflow_import_paths(module: str, name: str):
    assert isinstance(_from_import(module, name), type)


def test_base_materializer_is_the_class_materializers_subclass():
    from stackwise.materializers.base_materializer import BaseMaterializer
    from stackwise.materializers.built_in_materializer import BuiltInMaterializer

    assert issubclass(BuiltInMaterializer, BaseMaterializer)


def test_exceptions_keep_their_builtin_bases():
    from stackwise.exceptions import ConfigError, EntityNotFoundError, StepInterfaceError

    assert issubclass(StepInterfaceError, ValueError)
    assert issubclass(ConfigError, ValueError)
    assert issubclass(EntityNotFoundError, KeyError)


@pytest.mark.parametrize("value", ["completed", "cached", "failed", "retried", "running"])
def test_execution_status_equals_lower_case_string(value: str):
    from stackwise.enums import ExecutionStatus

    status = ExecutionStatus(value)
    assert status == value
    assert value == status
    assert str(status) == value
    assert f"{status}" == value
    assert status in {value}


def test_other_enums_compare_equal_to_their_strings():
    from stackwise.enums import ArtifactType, ModelStages, StackComponentType

    assert StackComponentType.ORCHESTRATOR == "orchestrator"
    assert StackComponentType.EXPERIMENT_TRACKER == "experiment_tracker"
    assert ModelStages.PRODUCTION == "production"
    assert ArtifactType.MODEL == "ModelArtifact"


def test_import_stackwise_imports_no_heavy_library():
    code = (
        "import json, sys\n"
        "import stackwise\n"
        f"heavy = {HEAVY_MODULES!r}\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(result.stdout) == []


def test_a_public_name_imports_only_what_it_needs():
    """Reading `stackwise.step` must not pull in the store or MLflow."""
    code = (
        "import json, sys\n"
        "import stackwise\n"
        "stackwise.step\n"
        "print(json.dumps(sorted(m for m in ('mlflow', 'pandas', 'stackwise.integrations')"
        " if m in sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(result.stdout) == []
