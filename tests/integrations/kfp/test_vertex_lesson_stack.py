"""The lesson's `stacks/vertex-ai.yaml`, verbatim: it imports unchanged, `stack verify` says
within seconds which credentials, project and endpoints it could not reach (this machine has
no Google credentials and no route to Google), and `pipeline compile` writes the KFP spec the
vertex orchestrator would submit, without recording a run or submitting anything.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from tests.integrations.kfp.kfp_spec import executors_of, spec_of

from stackwise.client import Client
from stackwise.integrations.gcp.reachability import NO_CREDENTIALS

LESSON = Path(__file__).resolve().parents[3] / "examples/fraud_detection/stacks/vertex-ai.yaml"
HERE = Path(__file__).parent


@pytest.fixture
def no_google_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.delenv("STORAGE_EMULATOR_HOST", raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "gcloud"))  # no application-default


@pytest.fixture
def vertex_production(invoke: Any) -> str:
    result = invoke("stack", "import", "vertex-production", "-f", str(LESSON))
    assert result.exit_code == 0, result.output
    return result.output


def test_the_lesson_file_is_kept_verbatim() -> None:
    text = LESSON.read_text()
    for line in (
        'zenml_version: "0.55.0"',
        "path: gs://my-company-ml-artifacts/zenml",
        "pipeline_root: gs://my-company-ml-artifacts/vertex-pipelines",
        "tracking_uri: https://mlflow.my-company.com # or Vertex Experiments",
        "experiment_name: fraud-detection-vertex",
        "uri: gcr.io/my-gcp-project",
    ):
        assert line in text


def test_it_imports_unchanged(vertex_production: str) -> None:
    for line in (
        "registered artifact store 'gcs_artifact_store' (flavor gcp)",
        "registered orchestrator 'vertex_orchestrator' (flavor vertex)",
        "registered experiment tracker 'vertex_experiment_tracker' (flavor mlflow)",
        "registered container registry 'gcr_registry' (flavor gcp)",
        "registered model deployer 'vertex_model_deployer' (flavor vertex)",
    ):
        assert line in vertex_production
    stack = Client().get_stack("vertex-production")
    orchestrator = stack.components["orchestrator"][0]
    assert orchestrator.flavor_name == "vertex"
    assert orchestrator.configuration["pipeline_root"] == (
        "gs://my-company-ml-artifacts/vertex-pipelines"
    )


@pytest.mark.usefixtures("no_google_credentials")
def test_verify_names_the_credentials_project_and_endpoints_it_cannot_reach(
    vertex_production: str, invoke: Any
) -> None:
    started = time.monotonic()
    result = Client().verify_stack("vertex-production")
    elapsed = time.monotonic() - started

    assert elapsed < 15, f"verify took {elapsed:.1f} s"
    errors = {check.name: check.error for check in result.checks}
    assert NO_CREDENTIALS == (
        "no Google credentials found "
        "(GOOGLE_APPLICATION_CREDENTIALS / gcloud auth application-default login)"
    )
    orchestrator = errors["vertex_orchestrator"] or ""
    assert "project 'my-gcp-project', location us-central1" in orchestrator
    assert NO_CREDENTIALS in orchestrator
    assert "https://us-central1-aiplatform.googleapis.com" in orchestrator
    assert NO_CREDENTIALS in (errors["vertex_model_deployer"] or "")
    store = errors["gcs_artifact_store"] or ""
    assert "gs://my-company-ml-artifacts/zenml" in store and NO_CREDENTIALS in store
    assert "https://mlflow.my-company.com" in (errors["vertex_experiment_tracker"] or "")
    assert "gcr_registry" in errors
    assert invoke("stack", "verify", "vertex-production").exit_code == 1


def test_compile_writes_the_vertex_pipeline_spec_and_records_nothing(
    vertex_production: str, invoke: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(HERE))  # kfp_steps, as `pipeline run` imports a module

    result = invoke(
        "pipeline", "compile", "kfp_steps.fan_in", "--stack", "vertex-production", "-o", "build"
    )

    assert result.exit_code == 0, result.output
    assert "nothing was submitted" in result.output
    package = Path("build/fan-in.yaml")
    spec = spec_of(package.read_text())
    assert sorted(spec.root.dag.tasks) == ["double", "numbers", "total", "triple"]
    container = next(iter(executors_of(spec).values()))["container"]
    assert container["args"][container["args"].index("--run-id") + 1] == "{{run_id}}"
    assert Client().list_pipeline_runs().total == 0


def test_compile_for_a_local_stack_says_there_is_nothing_to_submit(invoke: Any) -> None:
    Path("flows.py").write_text(
        "from stackwise import pipeline, step\n\n@step\ndef one() -> int:\n    return 1\n\n"
        "@pipeline\ndef flow() -> None:\n    one()\n"
    )
    result = invoke("pipeline", "compile", "flows.flow", "-o", "build")
    assert result.exit_code != 0
    assert "which runs steps on this machine: nothing is submitted" in result.output
    assert not Path("build").exists()
