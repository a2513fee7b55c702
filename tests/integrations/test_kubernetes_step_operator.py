"""The `kubernetes` step operator. No Kubernetes cluster exists here: the kubernetes client's
`BatchV1Api.create_namespaced_job` / `read_namespaced_job_status` and `CoreV1Api`'s Secret calls
are replaced by fakes at that boundary only. The Job manifest is built for real with the
client's models and asserted as the API server would receive it; in the dispatch test the fake
"cluster" runs the Job's container command as a local process with the container's environment
plus the Secret's values (what `envFrom` gives it), so the step really runs through the step
entrypoint elsewhere while the local orchestrator runs the rest, and its outcome is read back
from the store.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

import pytest
from tests.integrations.kubernetes_support import (
    as_dict,
    recorded_run,
    register_kubernetes_flavors,
    write_kubeconfig,
)

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.config.docker_settings import DockerSettings
from stackwise.enums import ExecutionStatus
from stackwise.exceptions import StackValidationError, StepOperatorError
from stackwise.execution.step_dispatch import ON_STEP_OPERATOR_ENV
from stackwise.step_operators import StepOperatorRunInfo

S = ExecutionStatus
IMAGE = "ghcr.io/acme/trainer:2"
API_KEY = "swk_job_secret_456"


@step
def prepare() -> Annotated[int, "rows"]:
    return 20


@step(
    step_operator="gpu-jobs",
    settings={
        "docker": DockerSettings(parent_image=IMAGE, skip_build=True),
        "resources": {"cpu_count": 4, "memory": "16GiB", "gpu_count": 1},
        "step_operator.kubernetes": {"pod_settings": {"node_selectors": {"gpu": "a100"}}},
    },
)
def train(rows: int) -> Annotated[dict, "model"]:
    return {
        "rows": rows,
        "pid": os.getpid(),
        "operator": os.environ.get(ON_STEP_OPERATOR_ENV),
        "api_key_seen": os.environ.get("STACKWISE_STORE_API_KEY"),
    }


@step
def evaluate(model: dict) -> Annotated[int, "score"]:
    return model["rows"] + 1


@pipeline(enable_cache=False)
def training():
    evaluate(train(prepare()))


@pytest.fixture(autouse=True)
def kubernetes_flavors() -> None:
    register_kubernetes_flavors()


@pytest.fixture
def kubeconfig(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = write_kubeconfig(tmp_path / "kubeconfig")
    monkeypatch.setenv("KUBECONFIG", str(path))
    return path


class FakeCluster:
    """The kubernetes client's Job and Secret calls, answered here: each Job's container
    command runs as a local process (`run_jobs`) or the Job is reported as `outcome`."""

    def __init__(self, *, run_jobs: bool, outcome: str = "succeeded") -> None:
        self.run_jobs, self.outcome = run_jobs, outcome
        self.calls: list[tuple[str, Any]] = []
        self.secrets: dict[str, dict[str, str]] = {}
        self.processes: dict[str, subprocess.Popen[str]] = {}

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from kubernetes import client as k8s

        cluster = self

        def create_secret(self: Any, namespace: str, body: Any, **_: Any) -> Any:
            cluster.calls.append(("create_namespaced_secret", body))
            cluster.secrets[body.metadata.name] = dict(body.string_data)
            return body

        def delete_secret(self: Any, name: str, namespace: str, **_: Any) -> None:
            cluster.calls.append(("delete_namespaced_secret", name))

        def create_job(self: Any, namespace: str, body: Any, **_: Any) -> Any:
            cluster.calls.append(("create_namespaced_job", body))
            if cluster.run_jobs:
                cluster.processes[body.metadata.name] = cluster._start(body)
            return body

        def read_status(self: Any, name: str, namespace: str, **_: Any) -> Any:
            return k8s.V1Job(status=cluster._status(name))

        def list_pods(self: Any, namespace: str, label_selector: str, **_: Any) -> Any:
            cluster.calls.append(("list_namespaced_pod", label_selector))
            name = label_selector.removeprefix("job-name=")
            return k8s.V1PodList(items=cluster._pods(name))

        def delete_job(self: Any, name: str, namespace: str, **_: Any) -> None:
            cluster.calls.append(("delete_namespaced_job", name))

        monkeypatch.setattr(k8s.CoreV1Api, "list_namespaced_pod", list_pods)
        monkeypatch.setattr(k8s.BatchV1Api, "delete_namespaced_job", delete_job)
        monkeypatch.setattr(k8s.CoreV1Api, "create_namespaced_secret", create_secret)
        monkeypatch.setattr(k8s.CoreV1Api, "delete_namespaced_secret", delete_secret)
        monkeypatch.setattr(k8s.BatchV1Api, "create_namespaced_job", create_job)
        monkeypatch.setattr(k8s.BatchV1Api, "read_namespaced_job_status", read_status)

    def _start(self, job: Any) -> subprocess.Popen[str]:
        container = job.spec.template.spec.containers[0]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        env.update({e.name: e.value for e in container.env or []})
        for source in container.env_from or []:
            env.update(self.secrets[source.secret_ref.name])
        command = [sys.executable, *container.command[1:]]
        return subprocess.Popen(command, env=env, text=True)

    def _pods(self, name: str) -> list[Any]:
        """The Job's pod: waiting for an image that does not pull, for outcome "stuck"."""
        from kubernetes import client as k8s

        if self.outcome != "stuck":
            return []
        waiting = k8s.V1ContainerStateWaiting(reason="ImagePullBackOff", message="no such image")
        container = k8s.V1ContainerStatus(
            name="main",
            image=IMAGE,
            image_id="",
            ready=False,
            restart_count=0,
            state=k8s.V1ContainerState(waiting=waiting),
        )
        return [k8s.V1Pod(status=k8s.V1PodStatus(phase="Pending", container_statuses=[container]))]

    def _status(self, name: str) -> Any:
        from kubernetes import client as k8s

        process = self.processes.get(name)
        if process is None:
            if self.outcome == "succeeded":
                return k8s.V1JobStatus(succeeded=1)
            if self.outcome == "stuck":
                return k8s.V1JobStatus(active=1)
            condition = k8s.V1JobCondition(
                type="Failed", status="True", reason="DeadlineExceeded", message="too slow"
            )
            return k8s.V1JobStatus(failed=1, conditions=[condition])
        code = process.poll()
        if code is None:
            return k8s.V1JobStatus(active=1)
        return k8s.V1JobStatus(succeeded=1) if code == 0 else k8s.V1JobStatus(failed=1)


def use_step_operator(**configuration: Any) -> None:
    client = Client()
    client.create_stack_component(
        "gpu-jobs",
        "kubernetes",
        "step_operator",
        {
            "kubernetes_context": "ci",
            "kubernetes_namespace": "training",
            "job_monitoring_interval": 0.05,
            **configuration,
        },
    )
    client.create_stack(
        "with-jobs",
        {"orchestrator": "default", "artifact_store": "default", "step_operator": "gpu-jobs"},
    )
    client.activate_stack("with-jobs")


def info(**fields: Any) -> StepOperatorRunInfo:
    values: dict[str, Any] = {
        "pipeline_name": "training",
        "run_id": "0f6c3a8e-1111-2222-3333-444455556666",
        "run_name": "training-1",
        "pipeline_step_name": "train",
        "image": IMAGE,
        "settings": {},
        "resources": {"cpu_count": 4, "memory": "16GiB", "gpu_count": 1},
    }
    values.update(fields)
    return StepOperatorRunInfo(**values)


def operator() -> Any:
    from stackwise.stack.active_stack import active_stack
    from stackwise.store import get_store

    return active_stack(get_store()).step_operator


def test_launch_creates_a_secret_and_a_job_then_waits_for_it(
    kubeconfig: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cluster = FakeCluster(run_jobs=False)
    cluster.install(monkeypatch)
    use_step_operator(
        service_account_name="trainer",
        ttl_seconds_after_finished=600,
        pod_settings={
            "tolerations": [{"key": "gpu", "operator": "Exists", "effect": "NoSchedule"}],
            "image_pull_secrets": ["regcred"],
        },
    )
    command = ["python", "-m", "stackwise.entrypoints.step", "--run-id", "R", "--step", "train"]
    environment = {
        "STACKWISE_STORE_URL": "https://stackwise.example.com",
        ON_STEP_OPERATOR_ENV: "gpu-jobs",
        "STACKWISE_STORE_API_KEY": API_KEY,
    }
    settings = {"pod_settings": {"node_selectors": {"gpu": "a100"}}}
    operator().launch(info(settings=settings), command, environment)
    kinds = [name for name, _ in cluster.calls]
    assert kinds == [
        "create_namespaced_secret",
        "create_namespaced_job",
        "delete_namespaced_secret",  # the credentials do not outlive the Job
    ]
    secret, job = as_dict(cluster.calls[0][1]), as_dict(cluster.calls[1][1])
    assert secret["stringData"] == {"STACKWISE_STORE_API_KEY": API_KEY}
    assert API_KEY not in str(job)
    assert job["kind"] == "Job" and job["metadata"]["namespace"] == "training"
    assert job["spec"]["backoffLimit"] == 0 and job["spec"]["ttlSecondsAfterFinished"] == 600
    pod = job["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"] == IMAGE and container["command"] == command
    assert {e["name"]: e["value"] for e in container["env"]} == {
        "STACKWISE_STORE_URL": "https://stackwise.example.com",
        ON_STEP_OPERATOR_ENV: "gpu-jobs",
    }
    assert container["envFrom"] == [{"secretRef": {"name": secret["metadata"]["name"]}}]
    assert container["resources"] == {
        "requests": {"cpu": "4", "memory": "16Gi"},
        "limits": {"memory": "16Gi", "nvidia.com/gpu": "1"},
    }
    assert pod["serviceAccountName"] == "trainer"
    assert pod["nodeSelector"] == {"gpu": "a100"}  # the step's settings over the config's
    assert pod["tolerations"] == [{"key": "gpu", "operator": "Exists", "effect": "NoSchedule"}]
    assert pod["imagePullSecrets"] == [{"name": "regcred"}]
    assert pod["restartPolicy"] == "Never"
    assert job["metadata"]["labels"]["stackwise.io/step"] == "train"


def test_a_failed_job_raises_with_its_reason(
    kubeconfig: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    FakeCluster(run_jobs=False, outcome="failed").install(monkeypatch)
    use_step_operator()
    with pytest.raises(StepOperatorError, match=r"failed \(DeadlineExceeded: too slow\)"):
        operator().launch(info(), ["python", "-m", "x"], {"STACKWISE_STORE_URL": "u"})


def test_a_job_whose_image_does_not_pull_fails_at_once(
    kubeconfig: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cluster = FakeCluster(run_jobs=False, outcome="stuck")
    cluster.install(monkeypatch)
    use_step_operator()
    with pytest.raises(StepOperatorError, match="cannot start its pod: ImagePullBackOff"):
        operator().launch(info(), ["python", "-m", "x"], {"STACKWISE_STORE_URL": "u"})
    job = next(body for call, body in cluster.calls if call == "create_namespaced_job")
    assert ("list_namespaced_pod", f"job-name={job.metadata.name}") in cluster.calls
    assert cluster.calls[-1] == ("delete_namespaced_job", job.metadata.name)


def test_a_step_without_an_image_is_refused_naming_the_fix(kubeconfig: Path) -> None:
    use_step_operator()
    with pytest.raises(StepOperatorError, match=r"has none.*parent_image=\"IMAGE\""):
        operator().launch(info(image=None), ["python"], {})


def test_the_step_runs_as_a_job_while_the_local_orchestrator_runs_the_rest(
    kubeconfig: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cluster = FakeCluster(run_jobs=True)
    cluster.install(monkeypatch)
    monkeypatch.setenv("STACKWISE_STORE_API_KEY", API_KEY)
    use_step_operator()
    context = recorded_run(training)
    handle = context.stack.orchestrator.submit(context)  # the local orchestrator
    assert handle.wait() == {inv: S.COMPLETED for inv in ("prepare", "train", "evaluate")}
    run = Client().get_pipeline_run(context.run.id)
    model = run.steps["train"].output.load()
    assert model["pid"] != os.getpid() and model["operator"] == "gpu-jobs"
    assert model["api_key_seen"] == API_KEY  # delivered through the Secret
    assert run.steps["evaluate"].output.load() == 21
    assert [n for n, _ in cluster.calls].count("create_namespaced_job") == 1


def test_a_remote_operator_with_local_artifacts_is_refused_before_the_run(
    kubeconfig: Path,
) -> None:
    use_step_operator()
    with pytest.raises(StackValidationError) as raised:
        training()
    message = str(raised.value)
    assert "Step 'train' runs on step operator 'gpu-jobs' (kubernetes), on other machines" in (
        message
    )
    assert "artifact store 'default' (local)" in message
    assert Client().list_pipeline_runs().total == 0
