"""The `vertex` orchestrator: the same KFP v2 compilation as `kubeflow`, submitted as a Vertex
AI PipelineJob (project, location, pipeline_root, labels, service account, network, KFP
caching off) or, for a schedule, as its PipelineJobSchedule.

No Vertex AI API exists on this machine: `aiplatform.PipelineJob` is replaced by a recording
fake at that one boundary (its constructor, `submit`, `wait` and `create_schedule` arguments
are asserted). The fake's `submit` runs the template's container commands here, in the DAG's
order (what Vertex AI would do with containers); everything before it is real.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from google.cloud import aiplatform
from tests.integrations.kfp.kfp_spec import executors_of, run_compiled_pipeline, spec_of

from stackwise.client import Client
from stackwise.config.schedule import Schedule
from stackwise.enums import ExecutionStatus
from stackwise.exceptions import ConfigError
from stackwise.integrations.gcp.orchestrators.vertex_orchestrator import (
    interval_cron,
    vertex_schedule_arguments,
)
from stackwise.orchestrators.containerized_orchestrator import RemoteRun, StepTask
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


@pytest.fixture
def pipeline_job(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> type[RecordingPipelineJob]:
    RecordingPipelineJob.calls, RecordingPipelineJob.templates = [], []
    RecordingPipelineJob.template_folder = str(tmp_path)  # type: ignore[attr-defined]
    monkeypatch.setattr(aiplatform, "PipelineJob", RecordingPipelineJob)
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


@pytest.mark.usefixtures("gcp_container_registry")
def test_a_run_is_submitted_as_a_pipeline_job_and_its_tasks_give_the_outputs_of_local(
    s3_store_config: dict[str, Any], pipeline_job: type[RecordingPipelineJob]
) -> None:
    import kfp_steps

    local = kfp_steps.fan_in().steps["total"].outputs["total"].load()
    use_vertex(
        s3_store_config,
        pipeline_root="gs://bucket/vertex",
        labels={"team": "fraud"},
        workload_service_account="steps@p.iam.gserviceaccount.com",
        network="projects/1/global/networks/ml",
        encryption_spec_key_name="projects/p/locations/europe-west4/keyRings/r/cryptoKeys/k",
        memory_limit="2G",
    )

    run = kfp_steps.fan_in()

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


@pytest.mark.usefixtures("gcp_container_registry")
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


@pytest.mark.usefixtures("gcp_container_registry")
def test_store_credentials_are_refused_before_anything_is_submitted(
    s3_store_config: dict[str, Any], pipeline_job: type[RecordingPipelineJob], monkeypatch: Any
) -> None:
    import kfp_steps

    monkeypatch.setenv("STACKWISE_STORE_API_KEY", "k")
    use_vertex(s3_store_config, pipeline_root="gs://b/v")
    with pytest.raises(ConfigError, match="never writes credentials into a pipeline"):
        kfp_steps.fan_in()
    assert pipeline_job.calls == []


@pytest.mark.usefixtures("gcp_container_registry")
def test_a_scheduled_run_becomes_a_pipeline_job_schedule(
    s3_store_config: dict[str, Any], pipeline_job: type[RecordingPipelineJob]
) -> None:
    use_vertex(s3_store_config, pipeline_root="gs://b/v", workload_service_account="sa@p")
    stack = load_stack(get_store(), "vertex")
    task = StepTask("train", (), ("python", "-m", "x"), {}, None, 0, {}, {}, None)
    schedule = Schedule(cron_expression="0 6 * * *", start_time=datetime(2027, 1, 1))
    remote = RemoteRun("r", "nightly", "training", (task,), {}, schedule.model_dump())

    handle = stack.orchestrator.submit_remote_run(SimpleNamespace(stack=stack), remote)

    assert handle.wait() == {}  # detached: the schedule runs on Vertex AI
    assert [name for name, _ in pipeline_job.calls] == ["__init__", "create_schedule"]
    assert pipeline_job.calls[1][1] == {
        "display_name": "nightly",
        "cron": "0 6 * * *",
        "start_time": "2027-01-01T00:00:00Z",
        "service_account": "sa@p",
        "network": None,
    }


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
