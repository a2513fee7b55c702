"""The `kubernetes` orchestrator.

No Kubernetes cluster exists here, so two halves are tested:

- Submission up to the API call: the run's Secret, orchestrator pod, step pods and schedule
  CronJob are built with the kubernetes client's models from a run recorded for real, and the
  client's `CoreV1Api.create_namespaced_secret` / `create_namespaced_pod` and
  `BatchV1Api.create_namespaced_cron_job` are replaced by recording fakes (that boundary only)
  whose arguments are asserted through `ApiClient().sanitize_for_serialization`, as the API
  server would receive them. The kubeconfig loaded is a real file naming an unreachable server.
- What the orchestrator pod does, for real: `stackwise.entrypoints.k8s_orchestrator` walks the
  recorded run's DAG with an injected pod launcher that runs each step pod's command (the step
  entrypoint) as a local subprocess with the pod's environment: steps run in their own
  processes against this test's store, failures skip what is downstream, a process that dies
  without recording its step is started again, and `max_parallelism` holds.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Annotated, Any

import pytest
import yaml
from tests.integrations.kubernetes_support import (
    as_dict,
    recorded_run,
    register_kubernetes_flavors,
    write_kubeconfig,
)

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.config.docker_settings import DockerSettings
from stackwise.config.resource_settings import ResourceSettings
from stackwise.config.retry_config import StepRetryConfig
from stackwise.enums import ExecutionStatus
from stackwise.exceptions import ConfigError
from stackwise.execution.step_runner import RunContext
from stackwise.orchestrators.containerized_orchestrator import (
    DetachedRun,
    RemoteRun,
    StepTask,
    prepare_remote_run,
)
from stackwise.store import get_store

S = ExecutionStatus
IMAGE = "ghcr.io/acme/fraud:1.0"
DOCKER = {"docker": DockerSettings(parent_image=IMAGE, skip_build=True)}
API_KEY = "swk_secret_value_123"  # a credential: must reach the Secret only


# -- steps (run by the step entrypoint in subprocesses, imported from this module) -------------
@step
def source() -> Annotated[int, "source"]:
    return 3


@step
def double(value: int) -> Annotated[int, "doubled"]:
    return value * 2


@step
def square(value: int) -> Annotated[int, "squared"]:
    return value * value


@step
def total(a: int, b: int) -> Annotated[dict, "total"]:
    return {"sum": a + b, "pid": os.getpid()}


@pipeline(enable_cache=False, settings=DOCKER)
def diamond():
    value = source()
    total(double(value), square(value))


@step
def explode(value: int) -> Annotated[int, "never"]:
    raise ValueError(f"exploded on {value}")


@pipeline(enable_cache=False, settings=DOCKER)
def broken():
    value = source()
    double(explode(value))
    square(value)


@step(retry=StepRetryConfig(max_retries=1, delay=0))
def dies_once(value: int) -> Annotated[int, "survived"]:
    """The first attempt's process dies without recording anything (an evicted pod)."""
    marker = Path(os.environ["STACKWISE_TEST_MARKER"])
    if not marker.exists():
        marker.write_text("died")
        os._exit(17)
    return value + 100


@pipeline(enable_cache=False, settings=DOCKER)
def evicted():
    dies_once(source())


@step
def always_dies(value: int) -> Annotated[int, "never"]:
    os._exit(17)


@pipeline(enable_cache=False, settings=DOCKER)
def doomed():
    always_dies(source())


@pytest.fixture(autouse=True)
def kubernetes_flavors(monkeypatch: pytest.MonkeyPatch) -> None:
    """The flavors registered, and no store credentials unless a test sets them."""
    from stackwise.execution.step_dispatch import CREDENTIAL_ENVIRONMENT

    register_kubernetes_flavors()
    for name in CREDENTIAL_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def kubeconfig(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = write_kubeconfig(tmp_path / "kubeconfig")
    monkeypatch.setenv("KUBECONFIG", str(path))
    return path


@pytest.fixture
def api_calls(monkeypatch: pytest.MonkeyPatch, kubeconfig: Path) -> list[tuple[str, str, Any]]:
    """Recording fakes of the kubernetes client's create calls: (method, namespace, body)."""
    from kubernetes import client as k8s

    calls: list[tuple[str, str, Any]] = []

    def recorder(method: str) -> Any:
        def record(self: Any, namespace: str, body: Any, **kwargs: Any) -> Any:
            assert isinstance(self.api_client, k8s.ApiClient)
            calls.append((method, namespace, body))
            return body

        return record

    for api, method in (
        (k8s.CoreV1Api, "create_namespaced_secret"),
        (k8s.CoreV1Api, "create_namespaced_pod"),
        (k8s.BatchV1Api, "create_namespaced_cron_job"),
    ):
        monkeypatch.setattr(api, method, recorder(method))
    return calls


def use_kubernetes(**configuration: Any) -> Client:
    client = Client()
    client.create_stack_component(
        "k8s",
        "kubernetes",
        "orchestrator",
        {"kubernetes_context": "ci", "kubernetes_namespace": "ml", **configuration},
    )
    client.create_stack("k8s", {"orchestrator": "k8s", "artifact_store": "default"})
    client.activate_stack("k8s")
    return client


# -- submission, up to the API call -----------------------------------------------------------
def test_a_run_is_a_secret_and_an_orchestrator_pod(
    api_calls: list[tuple[str, str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STACKWISE_STORE_API_KEY", API_KEY)
    use_kubernetes(
        synchronous=False,
        service_account_name="stackwise-runner",
        orchestrator_pod_settings={
            "node_selectors": {"pool": "system"},
            "tolerations": [{"key": "dedicated", "operator": "Exists", "effect": "NoSchedule"}],
            "annotations": {"team": "fraud"},
        },
    )
    context = recorded_run(diamond)
    handle = context.stack.orchestrator.submit(context)
    assert isinstance(handle, DetachedRun)
    assert [(m, ns) for m, ns, _ in api_calls] == [
        ("create_namespaced_secret", "ml"),
        ("create_namespaced_pod", "ml"),
    ]
    secret, pod = as_dict(api_calls[0][2]), as_dict(api_calls[1][2])
    assert secret["kind"] == "Secret" and secret["stringData"] == {
        "STACKWISE_STORE_API_KEY": API_KEY
    }
    assert API_KEY not in str(pod)  # credentials only through the Secret
    container = pod["spec"]["containers"][0]
    assert container["image"] == IMAGE
    assert container["command"] == [
        "python",
        "-m",
        "stackwise.entrypoints.k8s_orchestrator",
        "--run-id",
        context.run.id,
    ]
    assert container["envFrom"] == [{"secretRef": {"name": secret["metadata"]["name"]}}]
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["STACKWISE_STORE_URL"] == get_store().url
    assert env["STACKWISE_K8S_CREDENTIALS_SECRET"] == secret["metadata"]["name"]
    assert pod["spec"]["serviceAccountName"] == "stackwise-runner"
    assert pod["spec"]["restartPolicy"] == "Never"
    assert pod["spec"]["nodeSelector"] == {"pool": "system"}
    assert pod["spec"]["tolerations"] == [
        {"key": "dedicated", "operator": "Exists", "effect": "NoSchedule"}
    ]
    assert pod["metadata"]["annotations"] == {"team": "fraud"}
    assert pod["metadata"]["labels"]["stackwise.io/run-id"] == context.run.id


def test_step_pods_carry_the_step_settings_and_resources(kubeconfig: Path) -> None:
    use_kubernetes(
        step_pod_service_account_name="steps",
        pod_settings={"labels": {"a": "b"}},
        active_deadline_seconds=7200,
    )
    step_settings = {
        "resources": ResourceSettings(cpu_count=2, memory="4GB", gpu_count=1).model_dump(
            exclude_unset=True
        ),
        "orchestrator.kubernetes": {
            "pod_settings": {
                "node_selectors": {"gpu": "a100"},
                "tolerations": [{"key": "gpu", "operator": "Exists", "tolerationSeconds": 30}],
                "image_pull_secrets": ["regcred"],
                "resources": {"limits": {"ephemeral-storage": "10Gi"}},
                "affinity": {
                    "nodeAffinity": {
                        "requiredDuringSchedulingIgnoredDuringExecution": {
                            "nodeSelectorTerms": [
                                {
                                    "matchExpressions": [
                                        {"key": "zone", "operator": "In", "values": ["eu"]}
                                    ]
                                }
                            ]
                        }
                    }
                },
            }
        },
    }
    context = recorded_run(diamond, steps={"square": {"settings": step_settings}})
    orchestrator = context.stack.orchestrator
    remote = prepare_remote_run(orchestrator, context)
    task = next(t for t in remote.tasks if t.invocation_id == "square")
    pod = as_dict(orchestrator.step_pod(remote, task, 1, "creds"))
    spec, container = pod["spec"], pod["spec"]["containers"][0]
    assert container["command"][:3] == ["python", "-m", "stackwise.entrypoints.step"]
    assert container["command"][3:] == ["--run-id", context.run.id, "--step", "square"]
    assert container["resources"] == {
        "requests": {"cpu": "2", "memory": "4G"},
        "limits": {"memory": "4G", "nvidia.com/gpu": "1", "ephemeral-storage": "10Gi"},
    }
    assert spec["nodeSelector"] == {"gpu": "a100"}
    assert spec["tolerations"][0]["tolerationSeconds"] == 30
    assert spec["imagePullSecrets"] == [{"name": "regcred"}]
    match = spec["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert match["nodeSelectorTerms"][0]["matchExpressions"][0]["values"] == ["eu"]
    assert spec["serviceAccountName"] == "steps"
    assert spec["activeDeadlineSeconds"] == 7200
    assert pod["metadata"]["labels"]["stackwise.io/step"] == "square"
    # a step without its own pod settings gets the orchestrator's
    other = next(t for t in remote.tasks if t.invocation_id == "double")
    assert as_dict(orchestrator.step_pod(remote, other, 1, None))["metadata"]["labels"]["a"] == "b"


def test_a_pod_setting_kubernetes_does_not_know_is_an_error(kubeconfig: Path) -> None:
    use_kubernetes(pod_settings={"tolerations": [{"key": "gpu", "toleration_seconds": 30}]})
    context = recorded_run(diamond)
    orchestrator = context.stack.orchestrator
    remote = prepare_remote_run(orchestrator, context)
    with pytest.raises(ConfigError, match="Toleration has no field.*toleration_seconds"):
        orchestrator.step_pod(remote, remote.tasks[0], 1, None)


def test_a_step_without_an_image_is_refused_naming_the_fix(
    api_calls: list[tuple[str, str, Any]],
) -> None:
    use_kubernetes()
    context = recorded_run(diamond.with_options(settings={}))
    remote = prepare_remote_run(context.stack.orchestrator, context)
    remote = dataclasses.replace(
        remote, tasks=tuple(dataclasses.replace(t, image=None) for t in remote.tasks)
    )
    with pytest.raises(ConfigError, match=r"step\(s\) source, double, square, total have none"):
        context.stack.orchestrator.submit_remote_run(context, remote)
    assert api_calls == []


def record_schedule(context: RunContext, cron: str | None = "*/30 * * * *", **fields: Any) -> Any:
    """A schedule of the recorded run's pipeline, as a scheduled `Pipeline.run` records it."""
    from stackwise.store.records import ScheduleRecord
    from stackwise.utils.ids import new_id, utcnow

    now = utcnow()
    return context.store.create_schedule(
        ScheduleRecord(
            id=new_id(),
            name=f"{context.spec.name}-{new_id()[:8]}",
            pipeline_id=context.run.pipeline_id,
            pipeline_name=context.spec.name,
            orchestrator_id=context.stack.orchestrator.id,
            stack_id=context.stack.id,
            spec=context.spec.to_dict(),
            config=dict(context.run.config),
            cron_expression=cron,
            start_time=None,
            end_time=None,
            interval_second=fields.get("interval_second"),
            catchup=False,
            run_once_start_time=None,
            active=True,
            created=now,
            updated=now,
        )
    )


def test_a_schedule_is_a_cron_job_whose_pod_names_the_firing(
    api_calls: list[tuple[str, str, Any]],
) -> None:
    from stackwise.pipelines.schedules import scheduled_tasks

    use_kubernetes(
        concurrency_policy="Forbid",
        successful_jobs_history_limit=3,
        starting_deadline_seconds=120,
        ttl_seconds_after_finished=3600,
    )
    context = recorded_run(diamond)
    orchestrator = context.stack.orchestrator
    schedule = record_schedule(context)
    orchestrator.submit_schedule(
        scheduled_tasks(orchestrator, context.store, schedule), context.stack
    )
    assert [m for m, _, _ in api_calls] == ["create_namespaced_cron_job"]
    cron = as_dict(api_calls[0][2])
    assert cron["kind"] == "CronJob"
    assert cron["spec"]["schedule"] == "*/30 * * * *"
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    assert cron["spec"]["successfulJobsHistoryLimit"] == 3
    assert cron["spec"]["startingDeadlineSeconds"] == 120
    assert cron["spec"]["jobTemplate"]["spec"]["ttlSecondsAfterFinished"] == 3600
    assert cron["metadata"]["labels"]["stackwise.io/schedule-id"] == schedule.id
    container = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert container["command"][-4:] == [
        "--schedule-id",
        schedule.id,
        "--orchestrator-run-id",
        "$(STACKWISE_POD_NAME)",  # Kubernetes expands it from the variable below
    ]
    [pod_name] = [e for e in container["env"] if e["name"] == "STACKWISE_POD_NAME"]
    assert pod_name["valueFrom"] == {"fieldRef": {"fieldPath": "metadata.name"}}
    assert orchestrator.supports_schedules

    every = record_schedule(context, cron=None, interval_second=3600)
    with pytest.raises(ConfigError, match="interval_second=3600.*cron expression only"):
        orchestrator.submit_schedule(
            scheduled_tasks(orchestrator, context.store, every), context.stack
        )


def test_a_changed_schedule_replaces_its_cron_job_and_a_deleted_one_removes_it(
    api_calls: list[tuple[str, str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CronJob exists (409 from the fake create): it is replaced; deleting deletes it and
    its Secret, and a CronJob already gone (404) answers False."""
    from kubernetes import client as k8s
    from kubernetes.client.exceptions import ApiException

    from stackwise.pipelines.schedules import scheduled_tasks

    monkeypatch.setenv("STACKWISE_STORE_API_KEY", API_KEY)
    use_kubernetes()
    context = recorded_run(diamond)
    orchestrator = context.stack.orchestrator
    schedule = record_schedule(context)
    remote = scheduled_tasks(orchestrator, context.store, schedule)
    orchestrator.submit_schedule(remote, context.stack)
    existing = {(m, as_dict(body)["metadata"]["name"]) for m, _, body in api_calls}

    def exists(self: Any, namespace: str, body: Any, **kwargs: Any) -> Any:
        raise ApiException(status=409, reason="AlreadyExists")

    def record(method: str) -> Any:
        def call(self: Any, name: str, namespace: str, **kwargs: Any) -> Any:
            api_calls.append((method, namespace, name))
            if method == "delete_namespaced_cron_job" and name in gone:
                raise ApiException(status=404, reason="NotFound")
            gone.add(name)

        return call

    gone: set[str] = set()
    monkeypatch.setattr(k8s.CoreV1Api, "create_namespaced_secret", exists)
    monkeypatch.setattr(k8s.BatchV1Api, "create_namespaced_cron_job", exists)
    for api, method in (
        (k8s.CoreV1Api, "replace_namespaced_secret"),
        (k8s.BatchV1Api, "replace_namespaced_cron_job"),
        (k8s.CoreV1Api, "delete_namespaced_secret"),
        (k8s.BatchV1Api, "delete_namespaced_cron_job"),
    ):
        monkeypatch.setattr(api, method, record(method))
    api_calls.clear()
    changed = context.store.update_schedule(schedule.id, cron_expression="0 3 * * *")
    orchestrator.submit_schedule(
        scheduled_tasks(orchestrator, context.store, changed), context.stack
    )
    assert {(m, name) for m, _, name in api_calls} == {
        (m.replace("create", "replace"), name) for m, name in existing
    }
    gone.clear()
    api_calls.clear()
    assert orchestrator.delete_schedule(remote) is True
    assert sorted(m for m, _, _ in api_calls) == [
        "delete_namespaced_cron_job",
        "delete_namespaced_secret",
    ]
    assert orchestrator.delete_schedule(remote) is False


def test_compile_writes_the_manifests_without_credentials(
    tmp_path: Path, kubeconfig: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kubernetes.client import ApiClient

    monkeypatch.setenv("STACKWISE_STORE_API_KEY", API_KEY)
    use_kubernetes()
    context = recorded_run(diamond)
    orchestrator = context.stack.orchestrator
    remote = prepare_remote_run(orchestrator, context)
    written = orchestrator.compile_remote_run(remote, tmp_path / "out")
    assert sorted(p.name for p in written) == [
        "orchestrator-pod.yaml",
        "secret.yaml",
        "step-double.yaml",
        "step-source.yaml",
        "step-square.yaml",
        "step-total.yaml",
    ]
    for path in written:
        assert API_KEY not in path.read_text()
    secret = yaml.safe_load((tmp_path / "out" / "secret.yaml").read_text())
    assert secret["stringData"] == {"STACKWISE_STORE_API_KEY": "<STACKWISE_STORE_API_KEY>"}

    class Body:  # the YAML loads back as the client's own V1Pod
        data = __import__("json").dumps(
            yaml.safe_load((tmp_path / "out" / "step-total.yaml").read_text())
        )

    pod = ApiClient().deserialize(Body(), "V1Pod")
    assert pod.spec.containers[0].command[-1] == "total"


# -- the orchestrator pod's DAG walk, for real with local processes ---------------------------
class SubprocessLauncher:
    """Runs each step pod's command as a local process with the pod's environment (its image
    is this Python); records how many ran at once."""

    def __init__(self, extra_env: dict[str, str] | None = None) -> None:
        self.launched: list[tuple[str, int]] = []
        self.running: set[str] = set()
        self.most_at_once = 0
        self.extra_env = extra_env or {}
        self._lock = threading.Lock()

    def launch(self, task: StepTask, attempt: int) -> Any:
        command = [sys.executable, *task.command[1:]]
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(p for p in sys.path if p),
            **task.environment,
            **self.extra_env,
        }
        process = subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.launched.append((task.invocation_id, attempt))
        self.running.add(task.invocation_id)
        self.most_at_once = max(self.most_at_once, len(self.running))
        return LocalPod(self, task.invocation_id, process)


class LocalPod:
    def __init__(self, launcher: SubprocessLauncher, inv: str, process: Any) -> None:
        self.launcher, self.inv, self.process = launcher, inv, process

    def poll(self) -> int | None:
        code = self.process.poll()
        if code is not None:
            self.launcher.running.discard(self.inv)
        return code

    def describe(self) -> str:
        return f"process exited {self.process.returncode}: {self.process.stdout.read()[-300:]}"


def walk(context: RunContext, launcher: SubprocessLauncher, **settings: Any) -> dict[str, Any]:
    orchestrator = context.stack.orchestrator
    remote = prepare_remote_run(orchestrator, context)
    remote = dataclasses.replace(remote, settings={"job_monitoring_interval": 0.05, **settings})
    orchestrator.pod_launcher = lambda _remote: launcher  # the injected pod launcher
    return orchestrator.dag_walk(context, remote).run()


def test_the_walk_runs_every_step_in_its_own_process() -> None:
    use_kubernetes()
    context = recorded_run(diamond)
    launcher = SubprocessLauncher()
    statuses = walk(context, launcher)
    assert statuses == {inv: S.COMPLETED for inv in ("source", "double", "square", "total")}
    assert [inv for inv, _ in launcher.launched][0] == "source"
    assert [inv for inv, _ in launcher.launched][-1] == "total"
    run = Client().get_pipeline_run(context.run.id)
    assert run.status == S.COMPLETED
    result = run.steps["total"].output.load()
    assert result["sum"] == 6 + 9
    assert result["pid"] != os.getpid()
    assert launcher.most_at_once == 2  # double and square together


def test_max_parallelism_holds() -> None:
    use_kubernetes(max_parallelism=1)
    context = recorded_run(diamond)
    launcher = SubprocessLauncher()
    assert set(walk(context, launcher).values()) == {S.COMPLETED}
    assert launcher.most_at_once == 1


def test_a_failure_skips_what_is_downstream_and_fails_the_run() -> None:
    use_kubernetes()
    context = recorded_run(broken)
    launcher = SubprocessLauncher()
    statuses = walk(context, launcher)
    assert statuses == {"source": S.COMPLETED, "explode": S.FAILED, "square": S.COMPLETED}
    run = Client().get_pipeline_run(context.run.id)
    assert run.status == S.FAILED
    assert "double" not in run.steps  # downstream of the failure: no pod, no step run
    assert "exploded on 3" in run.steps["explode"].exception_info.message


def test_a_step_whose_process_dies_unrecorded_is_started_again(tmp_path: Path) -> None:
    use_kubernetes()
    context = recorded_run(evicted)
    launcher = SubprocessLauncher({"STACKWISE_TEST_MARKER": str(tmp_path / "marker")})
    statuses = walk(context, launcher)
    assert statuses["dies_once"] == S.COMPLETED
    assert launcher.launched[-2:] == [("dies_once", 1), ("dies_once", 2)]
    run = Client().get_pipeline_run(context.run.id)
    assert run.steps["dies_once"].output.load() == 103


def test_a_step_that_keeps_dying_is_failed_with_how_it_ended() -> None:
    use_kubernetes()
    context = recorded_run(doomed)
    launcher = SubprocessLauncher()
    statuses = walk(context, launcher)
    assert statuses["always_dies"] == S.FAILED
    assert launcher.launched[-1] == ("always_dies", 1)  # no retries asked for: one attempt
    run = Client().get_pipeline_run(context.run.id)
    assert run.status == S.FAILED
    message = run.steps["always_dies"].exception_info.message
    assert "ended (exit status 17) without recording its outcome" in message


def test_the_orchestrator_pod_entrypoint_walks_the_run_and_a_schedules_firing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from stackwise.entrypoints import k8s_orchestrator
    from stackwise.integrations.kubernetes.orchestrators.kubernetes_orchestrator import (
        KubernetesOrchestrator,
    )

    use_kubernetes(job_monitoring_interval=0.05)
    context = recorded_run(diamond)
    launcher = SubprocessLauncher()
    monkeypatch.setattr(KubernetesOrchestrator, "pod_launcher", lambda self, remote: launcher)
    monkeypatch.setenv("STACKWISE_STORE_URL", context.store.url)
    assert k8s_orchestrator.main(["--run-id", context.run.id]) == 0
    assert Client().get_pipeline_run(context.run.id).status == S.COMPLETED
    schedule = record_schedule(context)  # a CronJob's pod, named by Kubernetes:
    firing = ["--schedule-id", schedule.id, "--orchestrator-run-id", "diamond-orch-28391-x7"]
    assert k8s_orchestrator.main(firing) == 0
    runs = Client().list_pipeline_runs(pipeline_id=context.run.pipeline_id, size=10)
    assert runs.total == 2
    newest = next(r for r in runs.items if r.id != context.run.id)
    assert newest.status == S.COMPLETED and str(newest.schedule.id) == schedule.id
    assert newest.steps["total"].output.load()["sum"] == 15
    context.store.update_schedule(schedule.id, active=False)
    assert k8s_orchestrator.main([*firing[:3], "another-pod"]) == 1  # inactive: no run
    assert Client().list_pipeline_runs(pipeline_id=context.run.pipeline_id).total == 2


def test_a_pods_status_is_read_as_the_steps_end() -> None:
    """The pod launcher's view of a pod, from the statuses the API returns (a recording fake
    of CoreV1Api's read and delete calls, at that boundary)."""
    from kubernetes import client as k8s

    from stackwise.integrations.kubernetes.flavors import KubernetesOrchestratorSettings
    from stackwise.integrations.kubernetes.orchestrators.pod_launcher import StepPod as Pod

    fatal = KubernetesOrchestratorSettings().fail_on_container_waiting_reasons

    def StepPod(core: Any, namespace: str, name: str) -> Pod:
        return Pod(core, namespace, name, fatal)

    def status(phase: str, **state: Any) -> k8s.V1Pod:
        container = k8s.V1ContainerStatus(
            name="main",
            image=IMAGE,
            image_id="",
            ready=False,
            restart_count=0,
            state=k8s.V1ContainerState(**state),
        )
        return k8s.V1Pod(status=k8s.V1PodStatus(phase=phase, container_statuses=[container]))

    class Core:
        def __init__(self, pod: k8s.V1Pod) -> None:
            self.pod, self.deleted = pod, []

        def read_namespaced_pod(self, name: str, namespace: str) -> k8s.V1Pod:
            return self.pod

        def delete_namespaced_pod(self, name: str, namespace: str) -> None:
            self.deleted.append(name)

    running = Core(status("Running", running=k8s.V1ContainerStateRunning()))
    assert StepPod(running, "ml", "p").poll() is None
    failed = Core(
        status(
            "Failed", terminated=k8s.V1ContainerStateTerminated(exit_code=137, reason="OOMKilled")
        )
    )
    pod = StepPod(failed, "ml", "p")
    assert pod.poll() == 137 and "OOMKilled (exit code 137)" in pod.describe()
    pull = Core(status("Pending", waiting=k8s.V1ContainerStateWaiting(reason="ImagePullBackOff")))
    pod = StepPod(pull, "ml", "p")
    assert pod.poll() == -1 and "ImagePullBackOff" in pod.describe()
    assert pull.deleted == ["p"]
    done = Core(status("Succeeded", terminated=k8s.V1ContainerStateTerminated(exit_code=0)))
    assert StepPod(done, "ml", "p").poll() == 0


def test_remote_run_tasks_are_in_topological_order() -> None:
    use_kubernetes()
    context = recorded_run(diamond)
    remote: RemoteRun = prepare_remote_run(context.stack.orchestrator, context)
    assert [t.invocation_id for t in remote.tasks][0] == "source"
    assert all(t.image == IMAGE for t in remote.tasks)


def test_pipeline_settings_reach_the_orchestrator_pod(
    api_calls: list[tuple[str, str, Any]],
) -> None:
    from stackwise.integrations.kubernetes.flavors import KubernetesOrchestratorSettings

    use_kubernetes()  # synchronous by default
    settings = KubernetesOrchestratorSettings(
        synchronous=False, orchestrator_pod_settings={"node_selectors": {"pool": "batch"}}
    )
    context = recorded_run(diamond)
    store = get_store()
    store_run = store.create_run(
        pipeline=store.get_or_create_pipeline("diamond"),
        name="diamond-with-settings",
        spec=context.run.spec,
        # as `Pipeline.run` records a settings object: its fields set, as JSON
        config={"settings": {"orchestrator.kubernetes": settings.model_dump(exclude_unset=True)}},
        stack_id=context.stack.id,
    )
    context = dataclasses.replace(context, run=store_run)
    assert isinstance(context.stack.orchestrator.submit(context), DetachedRun)
    pod = as_dict(api_calls[-1][2])
    assert pod["spec"]["nodeSelector"] == {"pool": "batch"}
