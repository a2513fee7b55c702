"""The `vertex` orchestrator: the same KFP v2 compilation as `kubeflow`, submitted as a Vertex
AI PipelineJob (project, location, pipeline_root, labels, service account, network, KFP
caching off) or, for a recorded schedule, as a PipelineJobSchedule named after it, replaced
when the schedule changes and deleted with it.

No Vertex AI API exists on this machine: `aiplatform.PipelineJob` and
`aiplatform.PipelineJobSchedule` are replaced by recording fakes at that one boundary (their
constructor, `submit`, `wait`, `create_schedule`, `list` and `delete` arguments are asserted;
the schedules are kept as Vertex AI would). The fake's `submit` runs the template's container
commands here, in the DAG's order (what Vertex AI would do with containers); everything before
it is real: the recorded run or schedule, the KFP compiler, the PostgreSQL store and the S3
(moto) artifact store.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from google.cloud import aiplatform
from tests.integrations.kfp.kfp_spec import executors_of, run_compiled_pipeline, spec_of

from stackwise.client import Client
from stackwise.config.schedule import Schedule
from stackwise.enums import ExecutionStatus
from stackwise.exceptions import ConfigError, StackValidationError
from stackwise.integrations.gcp.orchestrators.vertex_orchestrator import (
    interval_cron,
    vertex_schedule_arguments,
)
from stackwise.stack.active_stack import load_stack
from stackwise.stack.validation import stack_problems
from stackwise.store import get_store

pytest_plugins = ["fixtures.s3_server"]
# moto's test credentials, given in plain text on purpose
pytestmark = pytest.mark.filterwarnings("ignore:The configuration of artifact store:UserWarning")

HERE = Path(__file__).parent


class RecordingPipelineJob:
    """aiplatform.PipelineJob at the API boundary: records every call; `submit` executes the
    template locally (`run_compiled_pipeline`)."""

    calls: list[tuple[str, dict[str, Any]]] = []
    templates: list[str] = []

    def __init__(self, **kwargs: Any) -> None:
        self.template = Path(kwargs["template_path"]).read_text()
        self.templates.append(self.template)
        self.calls.append(("__init__", kwargs))

    def submit(self, **kwargs: Any) -> None:
        self.calls.append(("submit", kwargs))
        path = Path(self.template_folder) / "template.yaml"
        path.write_text(self.template)
        run_compiled_pipeline(path, extra_pythonpath=[HERE])

    def wait(self) -> None:
        self.calls.append(("wait", {}))

    def create_schedule(self, **kwargs: Any) -> None:
        self.calls.append(("create_schedule", kwargs))
        RecordingSchedule.kept.append(RecordingSchedule(kwargs["display_name"]))


class RecordingSchedule:
    """aiplatform.PipelineJobSchedule at the API boundary: `list` answers a display_name
    filter from the schedules `create_schedule` made; `delete` removes one."""

    kept: list[RecordingSchedule] = []

    def __init__(self, display_name: str) -> None:
        self.display_name = display_name

    @classmethod
    def list(cls, **kwargs: Any) -> list[RecordingSchedule]:
        RecordingPipelineJob.calls.append(("PipelineJobSchedule.list", kwargs))
        return [s for s in cls.kept if kwargs["filter"] == f'display_name="{s.display_name}"']

    def delete(self) -> None:
        RecordingPipelineJob.calls.append(("PipelineJobSchedule.delete", {}))
        self.kept.remove(self)


@pytest.fixture
def pipeline_job(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> type[RecordingPipelineJob]:
    RecordingPipelineJob.calls, RecordingPipelineJob.templates = [], []
    RecordingSchedule.kept = []
    RecordingPipelineJob.template_folder = str(tmp_path)  # type: ignore[attr-defined]
    monkeypatch.setattr(aiplatform, "PipelineJob", RecordingPipelineJob)
    monkeypatch.setattr(aiplatform, "PipelineJobSchedule", RecordingSchedule)
    monkeypatch.setenv("STACKWISE_PROBE_TIMEOUT", "0")  # no Google endpoint answers here
    return RecordingPipelineJob


def use_vertex(store_config: dict[str, Any], **config: Any) -> Client:
    client = Client()
    client.create_stack_component(
        "vertex", "vertex", "orchestrator", {"project": "p", "location": "europe-west4", **config}
    )
    client.create_stack_component("s3", "s3", "artifact_store", store_config)
    client.create_stack_component("gcr", "gcp", "container_registry", {"uri": "gcr.io/p"})
    client.create_stack(
        "vertex", {"orchestrator": "vertex", "artifact_store": "s3", "container_registry": "gcr"}
    )
    client.activate_stack("vertex")
    return client


@pytest.mark.usefixtures("shared_store")
def test_a_run_is_submitted_as_a_pipeline_job_and_its_tasks_give_the_outputs_of_local(
    s3_store_config: dict[str, Any], pipeline_job: type[RecordingPipelineJob]
) -> None:
    import kfp_steps

    local = kfp_steps.in_image().steps["total"].outputs["total"].load()
    use_vertex(
        s3_store_config,
        pipeline_root="gs://bucket/vertex",
        labels={"team": "fraud"},
        workload_service_account="steps@p.iam.gserviceaccount.com",
        network="projects/1/global/networks/ml",
        encryption_spec_key_name="projects/p/locations/europe-west4/keyRings/r/cryptoKeys/k",
        memory_limit="2G",
    )

    run = kfp_steps.in_image()

    assert run.status == ExecutionStatus.COMPLETED
    assert run.steps["total"].outputs["total"].load() == local == 50
    assert [name for name, _ in pipeline_job.calls] == ["__init__", "submit", "wait"]
    init, submit, _ = (kwargs for _, kwargs in pipeline_job.calls)
    init.pop("template_path")
    assert init == {
        "display_name": run.name.lower().replace("_", "-"),
        "pipeline_root": "gs://bucket/vertex",
        "labels": {"team": "fraud"},
        "project": "p",
        "location": "europe-west4",
        "enable_caching": False,
        "encryption_spec_key_name": "projects/p/locations/europe-west4/keyRings/r/cryptoKeys/k",
        "credentials": None,
    }
    assert submit == {
        "service_account": "steps@p.iam.gserviceaccount.com",
        "network": "projects/1/global/networks/ml",
    }
    spec = spec_of(pipeline_job.templates[0])
    containers = {
        name: executors_of(spec)[spec.components[task.component_ref.name].executor_label][
            "container"
        ]
        for name, task in spec.root.dag.tasks.items()
    }
    # the orchestrator's memory_limit where a step sets none; the step's own where it does
    assert containers["numbers"]["resources"]["resourceMemoryLimit"] == "2G"
    assert containers["double"]["resources"]["resourceMemoryLimit"] == "512Mi"


def test_without_a_gs_pipeline_root_the_stack_says_so_before_a_run(
    s3_store_config: dict[str, Any], pipeline_job: type[RecordingPipelineJob]
) -> None:
    use_vertex(s3_store_config)
    stack = load_stack(get_store(), "vertex")
    assert any(
        "neither pipeline_root is set nor is the artifact store on Google Cloud Storage" in p
        and "--pipeline_root=gs://BUCKET/vertex-pipelines" in p
        for p in stack_problems(stack)
    )


@pytest.mark.usefixtures("shared_store")
def test_store_credentials_are_refused_before_anything_is_submitted(
    s3_store_config: dict[str, Any], pipeline_job: type[RecordingPipelineJob], monkeypatch: Any
) -> None:
    import kfp_steps

    monkeypatch.setenv("STACKWISE_STORE_API_KEY", "k")
    use_vertex(s3_store_config, pipeline_root="gs://b/v")
    with pytest.raises(
        ConfigError, match=r"never writes credentials into a pipeline.*--credentials_secret="
    ):
        kfp_steps.in_image()
    assert pipeline_job.calls == []


@pytest.mark.usefixtures("shared_store")
def test_store_credentials_reach_the_steps_through_secret_manager_never_the_pipeline(
    s3_store_config: dict[str, Any], pipeline_job: type[RecordingPipelineJob], monkeypatch: Any
) -> None:
    """With `credentials_secret`, every step's command first reads the credentials from that
    Secret Manager version (secret_environment, tested with the vertex step operator); the key
    is in no part of what is submitted. Up to the SDK call: no Vertex AI here."""
    import kfp_steps

    monkeypatch.setenv("STACKWISE_STORE_API_KEY", "swk_never_in_the_pipeline")
    secret = "projects/p/secrets/stackwise-store/versions/latest"
    use_vertex(
        s3_store_config, pipeline_root="gs://b/v", credentials_secret=secret, synchronous=False
    )
    monkeypatch.setattr(RecordingPipelineJob, "submit", lambda self, **kw: None)  # no run here
    kfp_steps.in_image()
    [template] = pipeline_job.templates
    assert "swk_never_in_the_pipeline" not in template
    spec = spec_of(template)
    for executor in executors_of(spec).values():
        command = [*executor["container"].get("command", []), *executor["container"]["args"]]
        assert command[:5] == [
            "python",
            "-m",
            "stackwise.integrations.gcp.secret_environment",
            secret,
            "--",
        ]
        assert command[5:8] == ["python", "-m", "stackwise.entrypoints.step"]


@pytest.mark.usefixtures("shared_store")
def test_steps_without_an_image_are_refused_before_anything_is_submitted(
    s3_store_config: dict[str, Any], pipeline_job: type[RecordingPipelineJob]
) -> None:
    """No image builder in the stack, no parent image: a container of bare Python would have
    neither stackwise nor the code, so nothing reaches Vertex AI."""
    import kfp_steps

    use_vertex(s3_store_config, pipeline_root="gs://b/v")
    missing = r"step\(s\) numbers, double, triple, total have none"
    with pytest.raises(StackValidationError, match=missing):
        kfp_steps.fan_in()
    assert pipeline_job.calls == []
    assert Client().list_pipeline_runs().total == 0  # refused before the run was recorded


@pytest.mark.usefixtures("shared_store")
def test_a_schedule_is_a_pipeline_job_schedule_replaced_when_changed_and_deleted_with_it(
    s3_store_config: dict[str, Any], pipeline_job: type[RecordingPipelineJob], tmp_path: Path
) -> None:
    import kfp_steps

    local = kfp_steps.in_image().steps["total"].outputs["total"].load()
    use_vertex(s3_store_config, pipeline_root="gs://b/v", workload_service_account="sa@p")
    nightly = Schedule(name="nightly", cron_expression="0 6 * * *", start_time=datetime(2027, 1, 1))

    assert kfp_steps.in_image.with_options(schedule=nightly)() is None

    client = Client()
    [schedule] = client.list_schedules().items
    name = f"nightly-{schedule.id}"
    assert [n for n, _ in pipeline_job.calls] == [
        "__init__",
        "PipelineJobSchedule.list",
        "create_schedule",
    ]
    init, listed, created = (kwargs for _, kwargs in pipeline_job.calls)
    assert (init["display_name"], init["pipeline_root"], init["enable_caching"]) == (
        name,
        "gs://b/v",
        False,
    )
    assert listed == {
        "filter": f'display_name="{name}"',
        "project": "p",
        "location": "europe-west4",
        "credentials": None,
    }
    assert created == {
        "display_name": name,
        "cron": "0 6 * * *",
        "start_time": "2027-01-01T00:00:00Z",
        "service_account": "sa@p",
        "network": None,
    }
    assert client.list_pipeline_runs().total == 1  # the local run only: no run until a firing

    # a firing: Vertex AI puts the job's uuid in each command, then runs the tasks in order
    fired = tmp_path / "fired.yaml"
    template = pipeline_job.templates[0]
    assert template.count("{{$.pipeline_job_uuid}}") == 4
    fired.write_text(template.replace("{{$.pipeline_job_uuid}}", str(uuid.uuid4())))
    assert sorted(run_compiled_pipeline(fired, [HERE])) == ["double", "numbers", "total", "triple"]
    [run] = client.list_pipeline_runs(schedule_id=schedule.id).items
    assert run.status == ExecutionStatus.COMPLETED
    assert run.steps["total"].outputs["total"].load() == local

    pipeline_job.calls.clear()
    client.update_schedule(schedule.id, cron_expression="0 7 * * *")
    assert [n for n, _ in pipeline_job.calls] == [
        "__init__",
        "PipelineJobSchedule.list",
        "PipelineJobSchedule.delete",
        "create_schedule",
    ]
    assert pipeline_job.calls[-1][1]["cron"] == "0 7 * * *"
    assert [s.display_name for s in RecordingSchedule.kept] == [name]

    client.delete_schedule(schedule.id)
    assert RecordingSchedule.kept == []


def test_schedule_fields_map_to_vertex_cron_schedules() -> None:
    start = datetime(2027, 1, 1, 12)
    once = Schedule(run_once_start_time=start).model_dump()
    assert vertex_schedule_arguments(once) == {
        "cron": "* * * * *",
        "max_run_count": 1,
        "start_time": "2027-01-01T12:00:00Z",
    }
    every = Schedule(start_time=start, interval_second=timedelta(minutes=15)).model_dump()
    assert vertex_schedule_arguments(every)["cron"] == "*/15 * * * *"
    assert interval_cron(timedelta(hours=6)) == "0 */6 * * *"
    assert interval_cron(timedelta(days=2)) == "0 0 */2 * *"
    with pytest.raises(ConfigError, match="interval of 420 s is no cron repeat"):
        interval_cron(timedelta(minutes=7))
    with pytest.raises(ConfigError, match="catchup=False"):
        vertex_schedule_arguments(Schedule(cron_expression="0 * * * *", catchup=True).model_dump())
