"""The `kubeflow` orchestrator: a run compiles to a KFP v2 pipeline spec that KFP's own types
read back, and the compiled spec, executed here task by task, runs the pipeline to the same
outputs as `local`.

No Kubeflow Pipelines API exists on this machine: `kfp.Client` is replaced by a recording fake
at that one boundary (its constructor and `create_run_from_pipeline_package` /
`wait_for_run_completion` / `create_recurring_run` arguments are asserted). The fake's
`create_run_from_pipeline_package` does what Kubeflow would: it runs each executor's container
command of the submitted YAML as a process of this machine, in the order the spec's DAG gives,
with the executor's environment. Everything before that call is real: the recorded run, the
step entrypoint's commands, the KFP compiler, the SQLite store file and the S3 (moto) artifact
store the step processes use.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.integrations.kfp.kfp_spec import executors_of, run_compiled_pipeline, spec_of

from stackwise.client import Client
from stackwise.config.schedule import Schedule
from stackwise.enums import ExecutionStatus
from stackwise.exceptions import ConfigError
from stackwise.integrations.kubeflow.orchestrators import kubeflow_orchestrator
from stackwise.integrations.kubeflow.orchestrators.kubeflow_orchestrator import (
    recurring_run_arguments,
)

pytest_plugins = ["fixtures.s3_server"]
# moto's test credentials, given in plain text on purpose
pytestmark = pytest.mark.filterwarnings("ignore:The configuration of artifact store:UserWarning")

HERE = Path(__file__).parent


class RecordingKfpClient:
    """kfp.Client at the API boundary: records every call; a submitted package is executed
    locally (`run_compiled_pipeline`)."""

    calls: list[tuple[str, dict[str, Any]]] = []
    packages: list[str] = []

    def __init__(self, **kwargs: Any) -> None:
        self.calls.append(("__init__", kwargs))

    def create_run_from_pipeline_package(self, pipeline_file: str, **kwargs: Any) -> Any:
        self.calls.append(("create_run_from_pipeline_package", kwargs))
        self.packages.append(Path(pipeline_file).read_text())
        run_compiled_pipeline(Path(pipeline_file), extra_pythonpath=[HERE])
        return type("RunPipelineResult", (), {"run_id": "kfp-run-1"})()

    def wait_for_run_completion(self, run_id: str, timeout: int) -> None:
        self.calls.append(("wait_for_run_completion", {"run_id": run_id, "timeout": timeout}))

    def create_experiment(self, name: str, namespace: str | None = None) -> Any:
        self.calls.append(("create_experiment", {"name": name, "namespace": namespace}))
        return type("Experiment", (), {"experiment_id": "exp-1"})()

    def create_recurring_run(self, **kwargs: Any) -> None:
        self.calls.append(("create_recurring_run", kwargs))
        self.packages.append(Path(kwargs["pipeline_package_path"]).read_text())


@pytest.fixture
def kfp_client(monkeypatch: pytest.MonkeyPatch) -> type[RecordingKfpClient]:
    RecordingKfpClient.calls, RecordingKfpClient.packages = [], []
    monkeypatch.setattr(kubeflow_orchestrator.kfp, "Client", RecordingKfpClient)
    return RecordingKfpClient


def use_kubeflow(store_config: dict[str, Any], **config: Any) -> Client:
    client = Client()
    client.create_stack_component(
        "kfp",
        "kubeflow",
        "orchestrator",
        {"kubeflow_hostname": "https://kubeflow.example.com/pipeline", **config},
    )
    client.create_stack_component("s3", "s3", "artifact_store", store_config)
    client.create_stack_component("gcr", "gcp", "container_registry", {"uri": "gcr.io/p"})
    client.create_stack(
        "kfp",
        {"orchestrator": "kfp", "artifact_store": "s3", "container_registry": "gcr"},
    )
    client.activate_stack("kfp")
    return client


def outputs_of(run: Any) -> dict[str, Any]:
    return {
        name: {key: value.load() for key, value in step.outputs.items()}
        for name, step in run.steps.items()
    }


@pytest.mark.usefixtures("gcp_container_registry")
def test_the_compiled_spec_run_task_by_task_gives_the_outputs_of_local(
    s3_store_config: dict[str, Any], kfp_client: type[RecordingKfpClient], monkeypatch: Any
) -> None:
    import kfp_steps  # this folder is on sys.path: pytest imported this module from it

    monkeypatch.setenv("STACKWISE_PROBE_TIMEOUT", "0")  # kubeflow.example.com does not exist
    local = outputs_of(kfp_steps.fan_in())
    use_kubeflow(s3_store_config, timeout=600, user_namespace="team-a")

    run = kfp_steps.fan_in()

    assert run.status == ExecutionStatus.COMPLETED
    assert outputs_of(run) == local
    assert {s.status for s in run.steps.values()} == {ExecutionStatus.COMPLETED}
    names = [name for name, _ in kfp_client.calls]
    assert names == ["__init__", "create_run_from_pipeline_package", "wait_for_run_completion"]
    init, submit, wait = (kwargs for _, kwargs in kfp_client.calls)
    assert init == {"host": "https://kubeflow.example.com/pipeline", "namespace": "kubeflow"}
    assert submit == {
        "arguments": {},
        "run_name": run.name,
        "experiment_name": "fan_in",
        "namespace": "team-a",
        "enable_caching": False,
    }
    assert wait == {"run_id": "kfp-run-1", "timeout": 600}


@pytest.mark.usefixtures("gcp_container_registry")
def test_the_spec_has_one_uncached_container_per_step_with_resources_and_retries(
    s3_store_config: dict[str, Any], kfp_client: type[RecordingKfpClient], monkeypatch: Any
) -> None:
    import kfp_steps

    monkeypatch.setenv("STACKWISE_PROBE_TIMEOUT", "0")
    monkeypatch.setenv("STACKWISE_STORE_API_KEY", "not-in-the-spec")
    use_kubeflow(s3_store_config, credentials_secret="stackwise-store")

    run = kfp_steps.fan_in()

    [package] = kfp_client.packages
    spec = spec_of(package)
    tasks = spec.root.dag.tasks
    assert sorted(tasks) == ["double", "numbers", "total", "triple"]
    assert sorted(tasks["total"].dependent_tasks) == ["double", "triple"]
    assert list(tasks["double"].dependent_tasks) == ["numbers"]
    assert not any(task.caching_options.enable_cache for task in tasks.values())
    assert tasks["double"].retry_policy.max_retry_count == 2
    executors = executors_of(spec)
    double = executors[spec.components[tasks["double"].component_ref.name].executor_label]
    container = double["container"]
    assert [container["command"][0], *container["args"]] == [
        "python",
        "-m",
        "stackwise.entrypoints.step",
        "--run-id",
        str(run.id),
        "--step",
        "double",
    ]
    assert container["resources"]["resourceCpuLimit"] == "2"
    assert container["resources"]["resourceMemoryLimit"] == "512Mi"
    assert {e["name"] for e in container["env"]} == {"STACKWISE_STORE_URL"}
    # the credential is referred to by the Kubernetes Secret's name, never written
    assert "not-in-the-spec" not in package
    assert "secretName: stackwise-store" in package


@pytest.mark.usefixtures("gcp_container_registry")
def test_credentials_without_a_secret_to_deliver_them_are_refused_before_submitting(
    s3_store_config: dict[str, Any], kfp_client: type[RecordingKfpClient], monkeypatch: Any
) -> None:
    import kfp_steps

    monkeypatch.setenv("STACKWISE_PROBE_TIMEOUT", "0")
    monkeypatch.setenv("STACKWISE_STORE_API_KEY", "k")
    use_kubeflow(s3_store_config)

    with pytest.raises(ConfigError, match=r"--credentials_secret=stackwise-store"):
        kfp_steps.fan_in()
    assert [n for n, _ in kfp_client.calls] == ["__init__"] or kfp_client.calls == []


def test_a_schedule_becomes_a_recurring_runs_arguments() -> None:
    start = datetime(2026, 12, 24, 6, 0)
    cron = Schedule(cron_expression="0 6 * * 1", start_time=start, end_time=start + timedelta(7))
    assert recurring_run_arguments(cron.model_dump()) == {
        "cron_expression": "0 0 6 * * 1",  # KFP's cron counts seconds first
        "start_time": "2026-12-24T06:00:00Z",
        "end_time": "2026-12-31T06:00:00Z",
        "no_catchup": True,
    }
    every = Schedule(start_time=start, interval_second=timedelta(hours=2), catchup=True)
    assert recurring_run_arguments(every.model_dump()) == {
        "interval_second": 7200,
        "start_time": "2026-12-24T06:00:00Z",
        "no_catchup": False,
    }
    with pytest.raises(ConfigError, match="run_once_start_time"):
        recurring_run_arguments(Schedule(run_once_start_time=start).model_dump())


@pytest.mark.usefixtures("gcp_container_registry")
def test_verify_names_the_kubeflow_api_that_does_not_answer(
    s3_store_config: dict[str, Any],
) -> None:
    client = use_kubeflow(s3_store_config)
    [check] = [c for c in client.verify_stack("kfp").checks if c.name == "kfp"]
    assert "gets no answer from https://kubeflow.example.com/pipeline" in (check.error or "")
