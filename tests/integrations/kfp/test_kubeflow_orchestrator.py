"""The `kubeflow` orchestrator: a run compiles to a KFP v2 pipeline spec that KFP's own types
read back, and the compiled spec, executed here task by task, runs the pipeline to the same
outputs as `local`.

A schedule becomes a KFP recurring run named after it, replaced when its cron expression
changes and deleted with it; a firing's tasks (KFP's job uuid in their commands) create the
firing's run and run it to its end.

No Kubeflow Pipelines API exists on this machine: `kfp.Client` is replaced by a recording fake
at that one boundary (its constructor and `create_run_from_pipeline_package` /
`wait_for_run_completion` / `create_recurring_run` / `list_recurring_runs` /
`delete_recurring_run` arguments are asserted; it keeps the recurring runs as Kubeflow would).
The fake's `create_run_from_pipeline_package` does what Kubeflow would: it runs each
executor's container command of the submitted YAML as a process of this machine, in the order
the spec's DAG gives, with the executor's environment. Everything before that call is real:
the recorded run or schedule, the step entrypoint's commands, the KFP compiler, the PostgreSQL
store and the S3 (moto) artifact store the step processes use.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from tests.integrations.kfp.kfp_spec import executors_of, run_compiled_pipeline, spec_of

from stackwise.client import Client
from stackwise.config.schedule import Schedule
from stackwise.enums import ExecutionStatus
from stackwise.exceptions import ConfigError, StackValidationError
from stackwise.integrations.kubeflow.orchestrators import kubeflow_orchestrator
from stackwise.integrations.kubeflow.orchestrators.kubeflow_orchestrator import (
    recurring_run_arguments,
)
from stackwise.orchestrators.containerized_orchestrator import RemoteRun
from stackwise.pipelines.schedules import scheduled_tasks
from stackwise.stack.active_stack import load_stack
from stackwise.store import get_store

pytest_plugins = ["fixtures.s3_server"]
# moto's test credentials, given in plain text on purpose
pytestmark = pytest.mark.filterwarnings("ignore:The configuration of artifact store:UserWarning")

HERE = Path(__file__).parent


class RecordingKfpClient:
    """kfp.Client at the API boundary: records every call; a submitted package is executed
    locally (`run_compiled_pipeline`); recurring runs are kept (id -> name) and listed one per
    page, as a paging API may."""

    calls: list[tuple[str, dict[str, Any]]] = []
    packages: list[str] = []
    recurring: dict[str, str] = {}

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
        self.recurring[f"rr-{len(self.packages)}"] = kwargs["job_name"]

    def list_recurring_runs(
        self, page_token: str = "", filter: str = "", namespace: str | None = None
    ) -> Any:
        self.calls.append(("list_recurring_runs", {"filter": filter, "namespace": namespace}))
        [predicate] = json.loads(filter)["predicates"]
        assert (predicate["operation"], predicate["key"]) == ("EQUALS", "display_name")
        named = [i for i, name in self.recurring.items() if name == predicate["stringValue"]]
        at = int(page_token or 0)
        page = [SimpleNamespace(recurring_run_id=i) for i in named[at : at + 1]]
        more = str(at + 1) if at + 1 < len(named) else ""
        return SimpleNamespace(recurring_runs=page or None, next_page_token=more)

    def delete_recurring_run(self, recurring_run_id: str) -> None:
        self.calls.append(("delete_recurring_run", {"recurring_run_id": recurring_run_id}))
        del self.recurring[recurring_run_id]


@pytest.fixture
def kfp_client(monkeypatch: pytest.MonkeyPatch) -> type[RecordingKfpClient]:
    RecordingKfpClient.calls, RecordingKfpClient.packages = [], []
    RecordingKfpClient.recurring = {}
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


@pytest.mark.usefixtures("shared_store")
def test_the_compiled_spec_run_task_by_task_gives_the_outputs_of_local(
    s3_store_config: dict[str, Any], kfp_client: type[RecordingKfpClient], monkeypatch: Any
) -> None:
    import kfp_steps  # this folder is on sys.path: pytest imported this module from it

    monkeypatch.setenv("STACKWISE_PROBE_TIMEOUT", "0")  # kubeflow.example.com does not exist
    local = outputs_of(kfp_steps.in_image())
    use_kubeflow(s3_store_config, timeout=600, user_namespace="team-a")

    run = kfp_steps.in_image()

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


@pytest.mark.usefixtures("shared_store")
def test_the_spec_has_one_uncached_container_per_step_with_resources_and_retries(
    s3_store_config: dict[str, Any], kfp_client: type[RecordingKfpClient], monkeypatch: Any
) -> None:
    import kfp_steps

    monkeypatch.setenv("STACKWISE_PROBE_TIMEOUT", "0")
    monkeypatch.setenv("STACKWISE_STORE_API_KEY", "not-in-the-spec")
    use_kubeflow(s3_store_config, credentials_secret="stackwise-store")

    run = kfp_steps.in_image()

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


@pytest.mark.usefixtures("shared_store")
def test_credentials_without_a_secret_to_deliver_them_are_refused_before_submitting(
    s3_store_config: dict[str, Any], kfp_client: type[RecordingKfpClient], monkeypatch: Any
) -> None:
    import kfp_steps

    monkeypatch.setenv("STACKWISE_PROBE_TIMEOUT", "0")
    monkeypatch.setenv("STACKWISE_STORE_API_KEY", "k")
    use_kubeflow(s3_store_config)

    with pytest.raises(ConfigError, match=r"--credentials_secret=stackwise-store"):
        kfp_steps.in_image()
    assert [n for n, _ in kfp_client.calls] == ["__init__"] or kfp_client.calls == []


@pytest.mark.usefixtures("shared_store")
def test_steps_without_an_image_are_refused_before_submitting(
    s3_store_config: dict[str, Any], kfp_client: type[RecordingKfpClient], monkeypatch: Any
) -> None:
    import kfp_steps

    monkeypatch.setenv("STACKWISE_PROBE_TIMEOUT", "0")
    use_kubeflow(s3_store_config)
    with pytest.raises(StackValidationError, match=r"-i BUILDER -c REGISTRY"):
        kfp_steps.fan_in()
    assert not [n for n, _ in kfp_client.calls if n != "__init__"]
    assert Client().list_pipeline_runs().total == 0  # refused before the run was recorded


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


def test_verify_names_the_kubeflow_api_that_does_not_answer(
    s3_store_config: dict[str, Any],
) -> None:
    client = use_kubeflow(s3_store_config)
    [check] = [c for c in client.verify_stack("kfp").checks if c.name == "kfp"]
    assert "gets no answer from https://kubeflow.example.com/pipeline" in (check.error or "")


def container_args(package: str) -> list[list[str]]:
    spec = spec_of(package)
    return [e["container"]["args"] for e in executors_of(spec).values()]


@pytest.mark.usefixtures("shared_store")
def test_a_schedule_is_a_recurring_run_replaced_when_changed_and_deleted_with_it(
    s3_store_config: dict[str, Any], kfp_client: type[RecordingKfpClient], monkeypatch: Any
) -> None:
    import kfp_steps

    monkeypatch.setenv("STACKWISE_PROBE_TIMEOUT", "0")
    use_kubeflow(s3_store_config, user_namespace="team-a")
    nightly = Schedule(name="nightly", cron_expression="0 6 * * *", start_time=datetime(2027, 1, 1))

    assert kfp_steps.in_image.with_options(schedule=nightly)() is None

    client = Client()
    [schedule] = client.list_schedules().items
    job_name = f"nightly-{schedule.id}"
    assert [n for n, _ in kfp_client.calls] == [
        "__init__",
        "list_recurring_runs",
        "create_experiment",
        "create_recurring_run",
    ]
    assert kfp_client.calls[1][1]["namespace"] == "team-a"
    assert kfp_client.calls[2][1] == {"name": "fan_in", "namespace": "team-a"}
    created = dict(kfp_client.calls[3][1])
    assert created.pop("pipeline_package_path").endswith(".yaml")
    assert created == {
        "experiment_id": "exp-1",
        "job_name": job_name,
        "enable_caching": False,
        "cron_expression": "0 0 6 * * *",
        "start_time": "2027-01-01T00:00:00Z",
        "no_catchup": True,
    }
    for args in container_args(kfp_client.packages[0]):  # KFP puts each job's uuid there
        assert args[args.index("--schedule-id") + 1] == str(schedule.id)
        assert args[args.index("--orchestrator-run-id") + 1] == "{{$.pipeline_job_uuid}}"
    assert client.list_pipeline_runs().total == 0  # no run until a firing

    kfp_client.calls.clear()
    client.update_schedule(schedule.id, cron_expression="0 7 * * *")
    assert [(n, k) for n, k in kfp_client.calls if n == "delete_recurring_run"] == [
        ("delete_recurring_run", {"recurring_run_id": "rr-1"})
    ]
    [(_, replacement)] = [(n, k) for n, k in kfp_client.calls if n == "create_recurring_run"]
    assert (replacement["job_name"], replacement["cron_expression"]) == (job_name, "0 0 7 * * *")
    assert kfp_client.recurring == {"rr-2": job_name}

    store = get_store()
    orchestrator = load_stack(store, "kfp").orchestrator
    remote = scheduled_tasks(orchestrator, store, store.get_schedule(str(schedule.id)))
    client.delete_schedule(schedule.id)
    assert kfp_client.recurring == {}
    assert orchestrator.delete_schedule(remote) is False  # nothing of its name is left


def test_deleting_a_schedule_deletes_every_recurring_run_of_its_name(
    s3_store_config: dict[str, Any], kfp_client: type[RecordingKfpClient]
) -> None:
    """Across pages of the listing; another schedule's recurring run stays."""
    use_kubeflow(s3_store_config)
    orchestrator = load_stack(get_store(), "kfp").orchestrator
    kfp_client.recurring = {"a": "nightly-s1", "b": "nightly-s2", "c": "nightly-s1"}
    remote = RemoteRun("", "", "fan_in", (), {}, {"name": "nightly"}, schedule_id="s1")

    assert orchestrator.delete_schedule(remote) is True
    assert kfp_client.recurring == {"b": "nightly-s2"}
    assert [k for n, k in kfp_client.calls if n == "delete_recurring_run"] == [
        {"recurring_run_id": "a"},
        {"recurring_run_id": "c"},
    ]


@pytest.mark.usefixtures("shared_store")
def test_a_firing_of_the_scheduled_spec_creates_its_run_and_gives_the_outputs_of_local(
    s3_store_config: dict[str, Any],
    kfp_client: type[RecordingKfpClient],
    monkeypatch: Any,
    tmp_path: Path,
) -> None:
    import kfp_steps

    monkeypatch.setenv("STACKWISE_PROBE_TIMEOUT", "0")
    local = outputs_of(kfp_steps.in_image())
    use_kubeflow(s3_store_config)
    kfp_steps.in_image.with_options(schedule=Schedule(cron_expression="0 6 * * *"))()
    [schedule] = Client().list_schedules().items

    # what KFP does at a firing: the job's uuid in each command, then the tasks in DAG order
    fired = tmp_path / "fired.yaml"
    fired.write_text(kfp_client.packages[0].replace("{{$.pipeline_job_uuid}}", str(uuid.uuid4())))
    ran = run_compiled_pipeline(fired, extra_pythonpath=[HERE])

    assert sorted(ran) == ["double", "numbers", "total", "triple"]
    [run] = Client().list_pipeline_runs(schedule_id=schedule.id).items
    assert run.status == ExecutionStatus.COMPLETED
    assert outputs_of(run) == local
