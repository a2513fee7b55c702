"""The `vertex` step operator, up to the SDK call: no Vertex AI API is reachable here, so
`aiplatform.CustomJob`'s constructor and `run` are replaced by recording fakes (that boundary
only) and the arguments they get are asserted; the worker pool spec is checked by loading it
into the SDK's own `WorkerPoolSpec` type. Likewise Secret Manager's
`SecretManagerServiceClient.access_secret_version` answers with the SDK's own response type
when the job's bootstrap reads the store's credentials.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest

from stackwise.client import Client
from stackwise.exceptions import StepOperatorError
from stackwise.execution.step_dispatch import ON_STEP_OPERATOR_ENV
from stackwise.step_operators import StepOperatorRunInfo

IMAGE = "europe-docker.pkg.dev/acme/ml/trainer:3"
API_KEY = "swk_vertex_secret_789"
SECRET = "projects/acme/secrets/stackwise-store/versions/latest"
COMMAND = ["python", "-m", "stackwise.entrypoints.step", "--run-id", "R", "--step", "train"]


@pytest.fixture
def custom_jobs(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Each CustomJob made: {"job": constructor kwargs, "run": run kwargs}."""
    from google.cloud import aiplatform

    made: list[dict[str, Any]] = []

    def init(self: Any, **kwargs: Any) -> None:
        made.append({"job": kwargs})

    @functools.wraps(aiplatform.CustomJob.run)  # its signature, which arguments are checked on
    def run(self: Any, **kwargs: Any) -> None:
        made[-1]["run"] = kwargs
        if made[-1]["job"]["display_name"].endswith("doomed"):
            raise RuntimeError("Job failed with: replica workerpool0-0 exited with code 1")

    monkeypatch.setattr(aiplatform.CustomJob, "__init__", init)
    monkeypatch.setattr(aiplatform.CustomJob, "run", run)
    return made


def operator(**configuration: Any) -> Any:
    from stackwise.stack.active_stack import active_stack
    from stackwise.store import get_store

    client = Client()
    client.create_stack_component(
        "vertex-gpu",
        "vertex",
        "step_operator",
        {"region": "europe-west4", "project": "acme", **configuration},
    )
    client.create_stack(
        "vertex",
        {"orchestrator": "default", "artifact_store": "default", "step_operator": "vertex-gpu"},
    )
    client.activate_stack("vertex")
    return active_stack(get_store()).step_operator


def info(**fields: Any) -> StepOperatorRunInfo:
    values: dict[str, Any] = {
        "pipeline_name": "training",
        "run_id": "R",
        "run_name": "training-1",
        "pipeline_step_name": "train",
        "image": IMAGE,
    }
    values.update(fields)
    return StepOperatorRunInfo(**values)


def test_a_step_is_a_custom_job_with_the_configured_machine(
    custom_jobs: list[dict[str, Any]],
) -> None:
    from google.cloud.aiplatform_v1.types import WorkerPoolSpec

    vertex = operator(
        service_account="trainer@acme.iam.gserviceaccount.com",
        network="projects/1/global/networks/ml",
        accelerator_type="NVIDIA_TESLA_T4",
        staging_bucket="gs://acme-staging",
    )
    environment = {"STACKWISE_STORE_URL": "https://stackwise.acme.dev", ON_STEP_OPERATOR_ENV: "v"}
    settings = {"machine_type": "n1-highmem-8", "boot_disk_size_gb": 200}
    vertex.launch(info(settings=settings, resources={"gpu_count": 2}), COMMAND, environment)
    (made,) = custom_jobs
    job, run = made["job"], made["run"]
    assert job["display_name"] == "training-train"
    assert job["project"] == "acme" and job["location"] == "europe-west4"
    assert job["staging_bucket"] == "gs://acme-staging"
    (pool,) = job["worker_pool_specs"]
    assert pool == {
        "machine_spec": {
            "machine_type": "n1-highmem-8",
            "accelerator_type": "NVIDIA_TESLA_T4",
            "accelerator_count": 2,
        },
        "replica_count": 1,
        "disk_spec": {"boot_disk_type": "pd-ssd", "boot_disk_size_gb": 200},
        "container_spec": {
            "image_uri": IMAGE,
            "command": COMMAND,
            "env": [
                {"name": "STACKWISE_STORE_URL", "value": "https://stackwise.acme.dev"},
                {"name": ON_STEP_OPERATOR_ENV, "value": "v"},
            ],
        },
    }
    WorkerPoolSpec(**pool)  # the SDK's own type takes it as it is
    assert run == {
        "service_account": "trainer@acme.iam.gserviceaccount.com",
        "network": "projects/1/global/networks/ml",
        "sync": True,
    }


def test_credentials_come_from_secret_manager_never_the_jobs_spec(
    custom_jobs: list[dict[str, Any]],
) -> None:
    environment = {"STACKWISE_STORE_URL": "https://s", "STACKWISE_STORE_API_KEY": API_KEY}
    with pytest.raises(StepOperatorError, match="credentials_secret=projects/P/secrets"):
        operator().launch(info(), COMMAND, environment)
    assert custom_jobs == []
    client = Client()
    client.update_stack_component(
        "vertex-gpu", "step_operator", configuration={"credentials_secret": SECRET}
    )
    from stackwise.stack.active_stack import active_stack
    from stackwise.store import get_store

    active_stack(get_store()).step_operator.launch(info(), COMMAND, environment)
    (made,) = custom_jobs
    assert API_KEY not in json.dumps(made)
    container = made["job"]["worker_pool_specs"][0]["container_spec"]
    assert container["command"] == [
        "python",
        "-m",
        "stackwise.integrations.gcp.secret_environment",
        SECRET,
        "--",
        *COMMAND,
    ]
    assert container["env"] == [{"name": "STACKWISE_STORE_URL", "value": "https://s"}]


def test_the_jobs_bootstrap_sets_the_secrets_variables_then_runs_the_step(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from google.cloud import secretmanager

    from stackwise.integrations.gcp import secret_environment

    asked: list[str] = []

    def access(self: Any, name: str, **_: Any) -> Any:
        asked.append(name)
        payload = json.dumps({"STACKWISE_STORE_API_KEY": API_KEY}).encode()
        return secretmanager.AccessSecretVersionResponse(
            name=name, payload=secretmanager.SecretPayload(data=payload)
        )

    monkeypatch.setattr(secretmanager.SecretManagerServiceClient, "__init__", lambda self: None)
    monkeypatch.setattr(secretmanager.SecretManagerServiceClient, "access_secret_version", access)
    started: list[list[str]] = []
    monkeypatch.setattr(secret_environment.os, "execvp", lambda f, args: started.append(args))
    environ = {"PATH": "/usr/bin"}  # the job's environment, this test's only
    monkeypatch.setattr(secret_environment.os, "environ", environ)
    secret_environment.main([SECRET, "--", *COMMAND])
    assert asked == [SECRET]
    assert started == [COMMAND]
    assert environ == {"PATH": "/usr/bin", "STACKWISE_STORE_API_KEY": API_KEY}
    assert secret_environment.main([SECRET]) == 2  # no command: usage


def test_gpus_need_their_type_and_a_failed_job_is_the_steps_error(
    custom_jobs: list[dict[str, Any]],
) -> None:
    vertex = operator()
    with pytest.raises(StepOperatorError, match="asks for 1 GPU.*accelerator_type"):
        vertex.launch(info(resources={"gpu_count": 1}), COMMAND, {})
    with pytest.raises(StepOperatorError, match="did not succeed: RuntimeError: Job failed"):
        vertex.launch(info(pipeline_step_name="doomed"), COMMAND, {})
    with pytest.raises(StepOperatorError, match="has none"):
        vertex.launch(info(image=None), COMMAND, {})


def _service_account_key(path: Any) -> Any:
    """A real service account key file (a fresh RSA key), as `gcloud ... keys create` writes."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "acme",
                "private_key_id": "k1",
                "private_key": pem,
                "client_email": "submitter@acme.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": "https://oauth2.googleapis.com/token",
            }
        )
    )
    return path


def test_key_file_and_further_run_arguments_reach_the_sdk(
    custom_jobs: list[dict[str, Any]], tmp_path: Any
) -> None:
    key = _service_account_key(tmp_path / "key.json")
    vertex = operator(
        service_account_path=str(key),
        additional_training_job_args={"timeout": 3600, "restart_job_on_worker_restart": True},
    )
    vertex.launch(info(), COMMAND, {})
    (made,) = custom_jobs
    assert made["job"]["credentials"].service_account_email == (
        "submitter@acme.iam.gserviceaccount.com"
    )
    assert made["run"]["timeout"] == 3600 and made["run"]["restart_job_on_worker_restart"]


def test_run_arguments_the_sdk_does_not_take_are_refused(
    custom_jobs: list[dict[str, Any]],
) -> None:
    from stackwise.exceptions import ConfigError

    vertex = operator(additional_training_job_args={"timeout_minutes": 5})
    with pytest.raises(ConfigError, match=r"\['timeout_minutes'\] are not arguments of"):
        vertex.launch(info(), COMMAND, {})
    assert custom_jobs == []
