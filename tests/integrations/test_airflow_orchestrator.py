"""The airflow orchestrator against Apache Airflow itself (installed in a venv of its own by
scripts/install_airflow.sh): pipelines are run as users run them (`python script.py`), the DAG
file stackwise writes is run by `airflow dags test` (every task, in dependency order, in
Airflow's CLI process, each step in a process of its own running the step entrypoint), and
the stackwise run is then read back: same outputs as on the local orchestrator, a cached step
on the second run, a failure that stops what is downstream, a schedule whose firings each
make a run.

DAGs with the docker and kubernetes_pod operators are imported by Airflow's DagBag and their
operators' arguments checked; they cannot run here (no Docker daemon, no Kubernetes cluster).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from fixtures.peers import require_module
from stackwise.client import Client
from stackwise.enums import ExecutionStatus
from stackwise.store import reset_store_cache

if TYPE_CHECKING:
    from fixtures.airflow_env import Airflow

pytest_plugins = ["fixtures.airflow_env"]

PROGRAMS = Path(__file__).parent / "airflow_programs"
EXAMPLE = Path(__file__).parents[2] / "examples" / "fraud_detection"
S = ExecutionStatus


def launch(script: Path, *args: str, cwd: Path, home: Path, **env: str) -> Any:
    """Run `script` as a user would, in `cwd`; the JSON it prints last."""
    result = subprocess.run(
        [sys.executable, str(script), *args],
        cwd=cwd,
        env={**os.environ, "STACKWISE_HOME": str(home), **env},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def airflow_stack(dags: Path, name: str = "airflow", **config: Any) -> None:
    client = Client()
    client.create_stack_component(
        name, "airflow", "orchestrator", {"dag_output_dir": str(dags), **config}
    )
    client.create_stack(name, {"orchestrator": name, "artifact_store": "default"})


def outputs(run_id: str) -> dict[str, Any]:
    run = Client().get_pipeline_run(run_id)
    return {
        name: {key: [v.load() for v in versions] for key, versions in step.outputs.items()}
        for name, step in run.steps.items()
    }


def test_fan_out_fan_in_runs_in_airflow_as_on_local_and_caches_the_second_run(
    airflow: Airflow, stackwise_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dags = tmp_path / "dags"
    airflow_stack(dags)
    work = tmp_path / "work"
    secret = "s3cr3t-api-key-value"
    local_home = tmp_path / "local-home"
    local = launch(PROGRAMS / "fan_pipeline.py", "default", cwd=work, home=local_home)
    assert local["status"] == "completed"
    with monkeypatch.context() as patch:  # read the local run back from its own store
        patch.setenv("STACKWISE_HOME", str(local_home))
        reset_store_cache()
        expected = outputs(local["id"])
    reset_store_cache()

    submitted = launch(
        PROGRAMS / "fan_pipeline.py",
        "airflow",
        cwd=work,
        home=stackwise_home,
        STACKWISE_STORE_API_KEY=secret,
    )
    assert submitted["status"] == "running"  # submitted: Airflow runs it
    dag_file = dags / "fan.py"
    text = dag_file.read_text()
    assert "import stackwise" not in text and "from stackwise" not in text
    assert secret not in text  # credentials come from the worker's environment

    first = airflow.dags_test(dags, "fan")
    assert first.state == "success", first.output[-5000:]
    run = Client().get_pipeline_run(submitted["id"])
    assert run.status == S.COMPLETED
    assert {n: s.status for n, s in run.steps.items()} == dict.fromkeys(
        ["numbers", "scaled", "scaled_2", "scaled_3", "combined"], S.COMPLETED
    )
    got = outputs(submitted["id"])
    assert got["combined"]["combined"][0]["total"] == expected["combined"]["combined"][0]["total"]
    assert {k: v for k, v in got.items() if k != "combined"} == {
        k: v for k, v in expected.items() if k != "combined"
    }
    pids = {os.getpid(), got["combined"]["combined"][0]["pid"]}
    assert len(pids) == 2  # the step ran in a process of Airflow's, not here

    second = launch(PROGRAMS / "fan_pipeline.py", "airflow", cwd=work, home=stackwise_home)
    assert airflow.dags_test(dags, "fan").state == "success"
    cached = Client().get_pipeline_run(second["id"])
    assert cached.status == S.COMPLETED
    assert {s.status for s in cached.steps.values()} == {S.CACHED}
    assert (
        cached.steps["combined"].outputs["combined"][0].id
        == run.steps["combined"].outputs["combined"][0].id
    )


def test_a_failing_step_fails_the_run_and_airflow_runs_nothing_downstream(
    airflow: Airflow, stackwise_home: Path, tmp_path: Path
) -> None:
    dags = tmp_path / "dags"
    airflow_stack(dags)
    submitted = launch(
        PROGRAMS / "fan_pipeline.py", "airflow", "fail", cwd=tmp_path, home=stackwise_home
    )
    result = airflow.dags_test(dags, "fan")
    assert result.state == "failed"
    assert result.run_id is not None
    states = airflow.task_states(dags, "fan", result.run_id)
    assert states == {
        "numbers": "success",
        "scaled": "success",
        "scaled_2": "success",
        "scaled_3": "failed",
        "combined": "upstream_failed",
    }
    run = Client().get_pipeline_run(submitted["id"])
    assert run.status == S.FAILED
    assert "combined" not in run.steps
    failed = run.steps["scaled_3"]
    assert failed.status == S.FAILED
    assert failed.exception_info is not None
    assert "factor must be positive, got -1" in failed.exception_info.message


def test_the_lessons_fraud_pipeline_runs_in_airflow_with_the_outputs_of_local(
    airflow: Airflow, stackwise_home: Path, tmp_path: Path
) -> None:
    require_module("sklearn", 'pip install -e ".[dev]"')
    dags = tmp_path / "dags"
    data = tmp_path / "features.parquet"
    client = Client()
    client.create_stack_component("mlflow_tracker", "mlflow", "experiment_tracker", {})
    for name, orchestrator in (("local-demo", "default"), ("airflow-demo", "airflow")):
        if orchestrator == "airflow":
            client.create_stack_component(
                "airflow", "airflow", "orchestrator", {"dag_output_dir": str(dags)}
            )
        client.create_stack(
            name,
            {
                "orchestrator": orchestrator,
                "artifact_store": "default",
                "experiment_tracker": "mlflow_tracker",
            },
        )
    sys.path.insert(0, str(EXAMPLE))
    try:
        from make_data import make_features
    finally:
        sys.path.remove(str(EXAMPLE))
    make_features(data)

    def submit(stack: str) -> str:
        found = launch(
            PROGRAMS / "fraud_submit.py",
            str(data),
            cwd=EXAMPLE,
            home=stackwise_home,
            STACKWISE_STACK=stack,
            STACKWISE_DISABLE_CACHE="1",
        )
        return str(found["id"])

    local_id = submit("local-demo")
    airflow_id = submit("airflow-demo")
    result = airflow.dags_test(dags, "fraud-detection-training")
    assert result.state == "success", result.output[-5000:]

    local, remote = Client().get_pipeline_run(local_id), Client().get_pipeline_run(airflow_id)
    assert remote.status == S.COMPLETED
    assert list(remote.steps) == list(local.steps)
    assert {s.status for s in remote.steps.values()} <= {S.COMPLETED, S.CACHED}
    metrics = remote.steps["evaluate_model"].outputs["evaluation_metrics"][0].load()
    assert metrics == local.steps["evaluate_model"].outputs["evaluation_metrics"][0].load()
    model = remote.steps["train_model"].outputs["trained_model"][0].load()
    assert type(model).__name__ == "GradientBoostingClassifier"


def test_a_scheduled_pipeline_makes_a_run_per_airflow_firing(
    airflow: Airflow, stackwise_home: Path, tmp_path: Path
) -> None:
    dags = tmp_path / "dags"
    airflow_stack(dags)
    assert (
        launch(
            PROGRAMS / "fan_pipeline.py", "airflow", "schedule", cwd=tmp_path, home=stackwise_home
        )
        is None
    )
    client = Client()
    assert client.list_pipeline_runs().total == 0  # scheduling runs nothing yet
    schedule = client.get_schedule("every-night")
    assert (schedule.cron_expression, schedule.active) == ("0 3 * * *", True)
    dag = airflow.dag_tasks(dags)
    assert dag["import_errors"] == {}
    assert "0 3 * * *" in json.dumps(dag["dags"]["fan"]["schedule"])

    for day in ("2026-02-01T03:00:00+00:00", "2026-02-02T03:00:00+00:00"):
        result = airflow.dags_test(dags, "fan", day)
        assert result.state == "success", result.output[-5000:]

    runs = client.list_pipeline_runs(schedule_id=schedule.id, sort_by="created")
    assert runs.total == 2
    assert [r.status for r in runs] == [S.COMPLETED, S.COMPLETED]
    assert {r.schedule.id for r in runs} == {schedule.id}
    assert len({r.orchestrator_run_id for r in runs}) == 2
    assert {r.steps["combined"].status for r in runs} == {S.CACHED, S.COMPLETED}

    client.update_schedule("every-night", active=False)
    result = airflow.dags_test(dags, "fan", "2026-02-03T03:00:00+00:00")
    assert result.state == "failed"  # an inactive schedule's firing runs nothing
    assert "is inactive" in result.output
    assert client.list_pipeline_runs(schedule_id=schedule.id).total == 2

    client.delete_schedule("every-night")
    assert not (dags / "fan.py").exists()
    assert client.list_schedules().total == 0


def test_container_operator_dags_import_in_airflow_with_the_steps_image_and_resources(
    airflow: Airflow, stackwise_home: Path, tmp_path: Path
) -> None:
    """Compiled and imported by Airflow's DagBag only: no Docker daemon or Kubernetes
    cluster exists here to run them."""
    dags = tmp_path / "dags"
    airflow_stack(
        dags,
        operator="kubernetes_pod",
        operator_args={"namespace": "ml", "image": "registry.example/fraud:1"},
        dag_tags=["fraud"],
    )
    secret = "pa55word-value"
    run = launch(
        PROGRAMS / "containers_pipeline.py",
        "airflow",
        cwd=tmp_path,
        home=stackwise_home,
        STACKWISE_STORE_PASSWORD=secret,
    )
    assert run["status"] == "running"
    assert secret not in (dags / "containers.py").read_text()

    found = airflow.dag_tasks(dags)
    assert found["import_errors"] == {}
    dag = found["dags"]["containers"]
    assert dag["tags"] == ["fraud", "stackwise"]
    pod, docker = dag["tasks"]["train"], dag["tasks"]["evaluate"]
    assert pod["operator"] == "KubernetesPodOperator"
    assert pod["image"] == "registry.example/fraud:1"
    assert pod["namespace"] == "ml"
    assert pod["cmds"] == ["python"]
    assert pod["arguments"] == [
        "-m",
        "stackwise.entrypoints.step",
        "--run-id",
        run["id"],
        "--step",
        "train",
    ]
    assert set(pod["env_vars"]) == {"STACKWISE_STORE_URL"}  # credentials: from the Secret
    resources = pod["container_resources"]
    assert resources["requests"] == {"cpu": "2", "memory": "4Gi"}
    assert resources["limits"] == {"memory": "4Gi", "nvidia.com/gpu": "1"}
    assert pod["env_from"][0]["secret_ref"] == {"name": "stackwise-credentials", "optional": True}
    assert pod["retries"] == 0

    assert docker["operator"] == "DockerOperator"
    assert docker["upstream"] == ["train"]
    assert docker["image"] == "registry.example/eval:2"
    assert docker["docker_url"] == "tcp://d:2375"
    assert docker["command"][-2:] == ["--step", "evaluate"]
    assert set(docker["environment"]) == {"STACKWISE_STORE_URL"}  # credentials: private_env


# -- without Airflow: what is refused before anything runs ----------------------------------
@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"operator": "airflow.operators.python.PythonOperator"}, "unknown operator"),
        ({"custom_dag_generator": "my.module"}, "cannot use a custom DAG generator"),
        ({"local": "sometimes"}, "local"),
    ],
)
def test_an_invalid_configuration_is_refused_when_registered(
    config: dict[str, Any], message: str
) -> None:
    from stackwise.exceptions import StackwiseError

    with pytest.raises((StackwiseError, ValueError), match=message):
        Client().create_stack_component("bad", "airflow", "orchestrator", config)


def test_operator_import_paths_name_the_same_operators() -> None:
    from stackwise.integrations.airflow.flavors import AirflowOrchestratorConfig

    zenml_default = "airflow.providers.docker.operators.docker.DockerOperator"
    assert AirflowOrchestratorConfig(operator=zenml_default).operator == "docker"
    assert AirflowOrchestratorConfig(local=False).default_operator == "docker"
    assert AirflowOrchestratorConfig().default_operator == "bash"


def test_airflow_elsewhere_refuses_this_machines_sqlite_store_and_artifact_store(
    tmp_path: Path,
) -> None:
    from stackwise.stack.active_stack import load_stack
    from stackwise.stack.validation import stack_problems
    from stackwise.store import get_store

    airflow_stack(tmp_path / "dags", local=False)
    problems = "\n".join(stack_problems(load_stack(get_store(), "airflow")))
    assert "local: false" in problems and "SQLite file" in problems
    assert "artifact store 'default' (local)" in problems


def test_a_container_step_without_an_image_fails_the_run_saying_how_to_name_one(
    stackwise_home: Path, tmp_path: Path
) -> None:
    airflow_stack(tmp_path / "dags", operator="docker")
    with pytest.raises(subprocess.CalledProcessError) as raised:
        subprocess.run(
            [sys.executable, str(PROGRAMS / "fan_pipeline.py"), "airflow"],
            cwd=tmp_path,
            env={**os.environ, "STACKWISE_HOME": str(stackwise_home)},
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
    assert "no image was built for it" in raised.value.stderr
    assert "operator_args" in raised.value.stderr
    assert not (tmp_path / "dags" / "fan.py").exists()


def test_the_step_entrypoint_wants_a_run_or_a_schedule_firing() -> None:
    for args in ([], ["--schedule-id", "S"], ["--run-id", "R", "--schedule-id", "S"]):
        done = subprocess.run(
            [sys.executable, "-m", "stackwise.entrypoints.step", *args, "--step", "x"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 2, done.stderr
        assert "--run-id" in done.stderr or "--orchestrator-run-id" in done.stderr
