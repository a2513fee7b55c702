"""The MLflow integration against a real MLflow tracking store (SQLite in tmp_path)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from tests.fixtures.peers import require_module

mlflow = require_module("mlflow", 'pip install -e ".[dev]"')

from mlflow.tracking import MlflowClient  # noqa: E402

from stackwise.exceptions import ConfigError, ExperimentTrackerError  # noqa: E402
from stackwise.experiment_trackers import StepRunInfo  # noqa: E402
from stackwise.integrations.mlflow.flavors import (  # noqa: E402
    FLAVORS,
    MLFlowExperimentTrackerConfig,
    MLFlowExperimentTrackerSettings,
)
from stackwise.stack.flavor_registry import flavor_registry  # noqa: E402

MLFLOW_ENV_VARS = (
    "MLFLOW_TRACKING_URI",
    "MLFLOW_EXPERIMENT_ID",
    "MLFLOW_EXPERIMENT_NAME",
    "MLFLOW_RUN_ID",
    "MLFLOW_TRACKING_USERNAME",
    "MLFLOW_TRACKING_PASSWORD",
    "MLFLOW_TRACKING_TOKEN",
)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A fresh STACKWISE_HOME, no MLflow env vars, and no MLflow state leaking out."""
    monkeypatch.setenv("STACKWISE_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)  # MLflow's defaults would otherwise write into the repo
    for name in MLFLOW_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    yield
    while mlflow.active_run() is not None:
        mlflow.end_run()
    mlflow.set_tracking_uri(None)


@pytest.fixture
def tracking_uri(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/mlflow.db"


def make_tracker(**configuration):
    flavor = flavor_registry.get("experiment_tracker", "mlflow")  # through the entry point
    config = flavor.validate_config(configuration)
    return flavor.implementation_class()(
        id="t", name="mlflow_tracker", flavor="mlflow", config=config
    )


def step_info(
    run_id: str = "run-1",
    step_name: str = "train",
    pipeline: str = "training",
    settings: dict | None = None,
) -> StepRunInfo:
    return StepRunInfo(
        pipeline_name=pipeline,
        run_id=run_id,
        run_name=f"{pipeline}-{run_id}",
        step_name=step_name,
        step_run_id=f"{run_id}-{step_name}",
        settings=settings or {},
    )


def test_bare_mlflow_calls_inside_a_step_land_in_the_pipeline_runs_mlflow_run(tracking_uri):
    tracker = make_tracker(tracking_uri=tracking_uri)

    with tracker.track_step(step_info()) as metadata:
        mlflow.log_params({"n_estimators": 100, "max_depth": 5})
        mlflow.log_metric("train_auc", 0.91)
        tracker.log_metrics({"loss": 0.25}, step=3)
        tracker.log_params({"learning_rate": 0.1})

    assert set(metadata) == {"mlflow_run_id", "mlflow_experiment_id", "experiment_tracker_url"}
    assert metadata["experiment_tracker_url"] == tracking_uri
    run = MlflowClient(tracking_uri).get_run(metadata["mlflow_run_id"])
    assert run.data.params == {"n_estimators": "100", "max_depth": "5", "learning_rate": "0.1"}
    assert run.data.metrics == {"train_auc": 0.91, "loss": 0.25}
    assert run.data.tags["stackwise.run_id"] == "run-1"
    assert run.data.tags["stackwise.pipeline"] == "training"
    assert run.info.run_name == "training-run-1"
    assert run.info.status == "FINISHED"
    assert run.info.experiment_id == metadata["mlflow_experiment_id"]
    assert mlflow.active_run() is None


def test_steps_of_one_pipeline_run_share_an_mlflow_run_and_another_run_gets_its_own(tracking_uri):
    tracker = make_tracker(tracking_uri=tracking_uri)

    with tracker.track_step(step_info("run-1", "load")) as first:
        mlflow.log_param("rows", 1000)
    with tracker.track_step(step_info("run-1", "train")) as second:
        mlflow.log_metric("auc", 0.9)
    with tracker.track_step(step_info("run-2", "train")) as other:
        mlflow.log_metric("auc", 0.8)

    assert first["mlflow_run_id"] == second["mlflow_run_id"]
    assert other["mlflow_run_id"] != first["mlflow_run_id"]
    client = MlflowClient(tracking_uri)
    shared = client.get_run(first["mlflow_run_id"])
    assert shared.data.params == {"rows": "1000"}
    assert shared.data.metrics == {"auc": 0.9}
    assert shared.info.run_name == "training-run-1"  # resuming keeps the name
    assert client.get_run(other["mlflow_run_id"]).info.run_name == "training-run-2"
    runs = client.search_runs([first["mlflow_experiment_id"]])
    assert len(runs) == 2


def test_when_several_mlflow_runs_carry_the_tag_the_oldest_is_used(tracking_uri):
    # What two processes racing to create the pipeline run's MLflow run leave behind.
    client = MlflowClient(tracking_uri)
    experiment_id = client.create_experiment("training")
    tags = {"stackwise.run_id": "run-1"}
    older = client.create_run(experiment_id, start_time=1_000, tags=tags, run_name="older")
    client.create_run(experiment_id, start_time=2_000, tags=tags, run_name="newer")
    tracker = make_tracker(tracking_uri=tracking_uri)

    with tracker.track_step(step_info()) as metadata:
        pass

    assert metadata["mlflow_run_id"] == older.info.run_id


@pytest.mark.parametrize(
    ("config_name", "settings_name", "expected"),
    [
        (None, None, "training"),
        ("from-config", None, "from-config"),
        ("from-config", "from-settings", "from-settings"),
        (None, "from-settings", "from-settings"),
    ],
    ids=["pipeline-name", "config", "settings-over-config", "settings"],
)
def test_experiment_name_precedence_is_settings_then_config_then_pipeline(
    tracking_uri, config_name, settings_name, expected
):
    tracker = make_tracker(tracking_uri=tracking_uri, experiment_name=config_name)
    settings = MLFlowExperimentTrackerSettings(experiment_name=settings_name).model_dump()

    with tracker.track_step(step_info(settings=settings)) as metadata:
        pass

    experiment = MlflowClient(tracking_uri).get_experiment(metadata["mlflow_experiment_id"])
    assert experiment.name == expected


def test_settings_tags_are_added_to_the_run(tracking_uri):
    tracker = make_tracker(tracking_uri=tracking_uri)
    settings = MLFlowExperimentTrackerSettings(tags={"team": "fraud"}).model_dump()

    with tracker.track_step(step_info(settings=settings)) as metadata:
        pass

    tags = MlflowClient(tracking_uri).get_run(metadata["mlflow_run_id"]).data.tags
    assert tags["team"] == "fraud"


def test_bad_settings_raise_a_config_error_naming_the_step_and_key(tracking_uri):
    tracker = make_tracker(tracking_uri=tracking_uri)

    with pytest.raises(ConfigError, match=r"step 'train'.*unknown key 'experiment'"):
        with tracker.track_step(step_info(settings={"experiment": "typo"})):
            pass
    with pytest.raises(ConfigError, match=r"key 'tags'.*stackwise\.run_id.*choose other"):
        with tracker.track_step(step_info(settings={"tags": {"stackwise.run_id": "x"}})):
            pass
    assert mlflow.active_run() is None


def test_a_raising_step_ends_its_mlflow_run_failed_and_reraises(tracking_uri):
    tracker = make_tracker(tracking_uri=tracking_uri)
    seen = {}

    with pytest.raises(RuntimeError, match="boom"):
        with tracker.track_step(step_info()) as metadata:
            seen.update(metadata)
            mlflow.log_metric("before_failure", 1.0)
            raise RuntimeError("boom")

    run = MlflowClient(tracking_uri).get_run(seen["mlflow_run_id"])
    assert run.info.status == "FAILED"
    assert run.data.metrics == {"before_failure": 1.0}
    assert mlflow.active_run() is None


def test_runs_the_step_body_leaves_open_are_ended_with_the_step(tracking_uri):
    tracker = make_tracker(tracking_uri=tracking_uri)

    with tracker.track_step(step_info()) as metadata:
        child = mlflow.start_run(nested=True)  # never ended by the step

    client = MlflowClient(tracking_uri)
    assert mlflow.active_run() is None
    assert client.get_run(child.info.run_id).info.status == "FINISHED"
    assert client.get_run(child.info.run_id).info.experiment_id == metadata["mlflow_experiment_id"]
    assert client.get_run(metadata["mlflow_run_id"]).info.status == "FINISHED"


def test_tracking_uri_experiment_and_credentials_are_restored_after_the_step(
    tmp_path, tracking_uri
):
    previous_uri = f"sqlite:///{tmp_path}/previous.db"
    mlflow.set_tracking_uri(previous_uri)
    os.environ["MLFLOW_TRACKING_USERNAME"] = "someone-else"
    tracker = make_tracker(
        tracking_uri=tracking_uri, tracking_username="alice", tracking_password="s3cret"
    )
    inside = {}

    with tracker.track_step(step_info()):
        inside["uri"] = mlflow.get_tracking_uri()
        inside["user"] = os.environ.get("MLFLOW_TRACKING_USERNAME")
        inside["password"] = os.environ.get("MLFLOW_TRACKING_PASSWORD")

    assert inside == {"uri": tracking_uri, "user": "alice", "password": "s3cret"}
    assert mlflow.get_tracking_uri() == previous_uri
    assert os.environ["MLFLOW_TRACKING_URI"] == previous_uri
    assert os.environ["MLFLOW_TRACKING_USERNAME"] == "someone-else"
    assert "MLFLOW_TRACKING_PASSWORD" not in os.environ
    assert "MLFLOW_EXPERIMENT_ID" not in os.environ


def test_an_unset_tracking_uri_stays_unset_also_after_a_failing_step(tmp_path):
    default_before = mlflow.get_tracking_uri()  # MLflow's own default, nothing set
    tracker = make_tracker(tracking_uri=f"sqlite:///{tmp_path}/store/mlflow.db")

    with pytest.raises(ValueError, match="bad"):
        with tracker.track_step(step_info()):
            raise ValueError("bad")

    assert "MLFLOW_TRACKING_URI" not in os.environ
    assert mlflow.get_tracking_uri() == default_before


def test_two_trackers_do_not_leak_their_tracking_uri_into_each_other(tmp_path):
    first = make_tracker(tracking_uri=f"sqlite:///{tmp_path}/a/mlflow.db")
    second = make_tracker(tracking_uri=f"sqlite:///{tmp_path}/b/mlflow.db")

    with first.track_step(step_info()) as a:
        pass
    with second.track_step(step_info()) as b:
        pass

    store_a = MlflowClient(f"sqlite:///{tmp_path}/a/mlflow.db")
    store_b = MlflowClient(f"sqlite:///{tmp_path}/b/mlflow.db")
    assert [r.info.run_id for r in store_a.search_runs([a["mlflow_experiment_id"]])] == [
        a["mlflow_run_id"]
    ]
    assert [r.info.run_id for r in store_b.search_runs([b["mlflow_experiment_id"]])] == [
        b["mlflow_run_id"]
    ]


def test_an_active_outer_run_is_refused_without_nested_and_left_intact(tracking_uri):
    mlflow.set_tracking_uri(tracking_uri)
    outer = mlflow.start_run()
    tracker = make_tracker(tracking_uri=tracking_uri)

    with pytest.raises(ConfigError, match=r"already active.*nested=True"):
        with tracker.track_step(step_info()):
            pass

    assert mlflow.active_run() is outer
    mlflow.log_metric("outer_metric", 1.0)
    mlflow.end_run()
    run = MlflowClient(tracking_uri).get_run(outer.info.run_id)
    assert run.info.status == "FINISHED"
    assert run.data.metrics == {"outer_metric": 1.0}


def test_a_nested_step_runs_under_the_outer_run_and_leaves_it_active(tracking_uri):
    mlflow.set_tracking_uri(tracking_uri)
    outer = mlflow.start_run()
    tracker = make_tracker(tracking_uri=tracking_uri)
    settings = MLFlowExperimentTrackerSettings(nested=True).model_dump()

    with pytest.raises(RuntimeError):
        with tracker.track_step(step_info(settings=settings)) as metadata:
            mlflow.log_metric("inner", 2.0)
            raise RuntimeError("step failed")

    assert mlflow.active_run() is outer
    assert mlflow.get_tracking_uri() == tracking_uri
    mlflow.log_metric("outer_metric", 1.0)
    mlflow.end_run()
    client = MlflowClient(tracking_uri)
    inner = client.get_run(metadata["mlflow_run_id"])
    assert inner.info.status == "FAILED"
    assert inner.data.metrics == {"inner": 2.0}
    assert inner.data.tags["mlflow.parentRunId"] == outer.info.run_id
    assert client.get_run(outer.info.run_id).data.metrics == {"outer_metric": 1.0}


def test_default_tracking_uri_is_a_sqlite_file_under_stackwise_home(tmp_path):
    home = tmp_path / "home"
    tracker = make_tracker()
    assert tracker.tracking_uri == f"sqlite:///{home}/mlflow.db"

    with tracker.track_step(step_info()) as metadata:
        mlflow.log_artifact(str(_write(tmp_path / "note.txt", "hello")))

    assert (home / "mlflow.db").is_file()
    run = MlflowClient(tracker.tracking_uri).get_run(metadata["mlflow_run_id"])
    assert run.info.artifact_uri.startswith((home / "mlartifacts").as_uri())
    assert list((home / "mlartifacts").rglob("note.txt"))
    assert not (tmp_path / "mlruns").exists()


@pytest.mark.parametrize("uri", ["file:///tmp/mlruns", "/tmp/mlruns", "mlruns", "./mlruns", ""])
def test_config_refuses_file_stores(uri):
    with pytest.raises(
        ConfigError,
        match=r"key 'tracking_uri'.*MLflow 3 refuses file stores"
        r".*sqlite:///",
    ):
        make_tracker(tracking_uri=uri)


def test_config_refuses_an_unknown_key_by_name():
    with pytest.raises(ConfigError, match=r"unknown key 'trackin_uri'"):
        make_tracker(trackin_uri="http://localhost:5000")


@pytest.mark.parametrize(
    ("uri", "remote"),
    [
        ("http://localhost:5000", True),
        ("https://mlflow.example.com", True),
        ("databricks", True),
        ("postgresql://user:pw@db.example.com/mlflow", True),
        ("postgresql://localhost/mlflow", False),
        ("sqlite:////tmp/mlflow.db", False),
        (None, False),
    ],
)
def test_is_remote(uri, remote):
    assert MLFlowExperimentTrackerConfig(tracking_uri=uri).is_remote is remote


def test_credentials_are_marked_secret_and_kept_out_of_repr():
    config = MLFlowExperimentTrackerConfig(tracking_password="s3cret", tracking_token="tok")
    for field in ("tracking_username", "tracking_password", "tracking_token"):
        assert MLFlowExperimentTrackerConfig.model_fields[field].json_schema_extra == {
            "secret": True
        }
    assert "s3cret" not in repr(config)
    assert "tok" not in repr(config)


def test_run_url_points_at_the_server_ui_without_credentials():
    from stackwise.integrations.mlflow.experiment_trackers.mlflow_experiment_tracker import (
        _run_url,
    )

    assert (
        _run_url("https://bob:pw@mlflow.example.com:8443/", "3", "abc")
        == "https://mlflow.example.com:8443/#/experiments/3/runs/abc"
    )


def test_tracker_logging_outside_a_step_is_an_error():
    tracker = make_tracker()
    with pytest.raises(
        ExperimentTrackerError, match=r"inside a step.*experiment_tracker='mlflow_tracker'"
    ):
        tracker.log_params({"a": 1})


def test_flavors_come_from_the_entry_point():
    assert {(str(f.type), f.name, f.integration) for f in FLAVORS} == {
        ("experiment_tracker", "mlflow", "mlflow"),
        ("model_deployer", "mlflow", "mlflow"),
        ("model_registry", "mlflow", "mlflow"),
    }
    assert flavor_registry.get("model_deployer", "mlflow") in FLAVORS


def test_model_deployer_without_a_model_says_what_to_give():
    from stackwise.exceptions import ConfigError
    from stackwise.integrations.mlflow.model_deployers import MLFlowModelDeployer

    with pytest.raises(ConfigError, match="needs the model to serve"):
        MLFlowModelDeployer().deploy_model(config={"model_name": "fraud-detector"})

    flavor = flavor_registry.get("model_deployer", "mlflow")
    deployer = flavor.implementation_class()(
        id="d", name="deployer", flavor="mlflow", config=flavor.validate_config({})
    )
    with pytest.raises(ConfigError, match="model_uri"):
        deployer.deploy_model({})


def test_public_import_paths_do_not_import_mlflow():
    code = (
        "import sys\n"
        "import stackwise.integrations.mlflow\n"
        "import stackwise.integrations.mlflow.flavors\n"
        "from stackwise.integrations.mlflow.experiment_trackers import MLFlowExperimentTracker\n"
        "from stackwise.integrations.mlflow.model_deployers import MLFlowModelDeployer\n"
        "from stackwise.stack.flavor_registry import flavor_registry\n"
        "flavor_registry.get('experiment_tracker', 'mlflow').implementation_class()\n"
        "assert 'mlflow' not in sys.modules, 'mlflow was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_without_mlflow_installed_the_flavor_says_how_to_install_it():
    code = (
        "import sys\n"
        "sys.modules['mlflow'] = None  # as if not installed\n"
        "from stackwise.exceptions import ConfigError\n"
        "from stackwise.stack.flavor_registry import flavor_registry\n"
        "flavor = flavor_registry.get('experiment_tracker', 'mlflow')\n"
        "flavor.validate_config({'tracking_uri': 'http://localhost:5000'})\n"
        "try:\n"
        "    flavor.implementation_class()\n"
        "except ConfigError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "No module named 'mlflow'" in result.stdout
    assert 'pip install "stackwise[mlflow]"' in result.stdout


def test_an_unreachable_tracking_server_is_an_error_naming_the_tracker(monkeypatch):
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "5")
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    tracker = make_tracker(tracking_uri=f"http://bob:pw@127.0.0.1:{port}")

    with pytest.raises(
        ExperimentTrackerError, match=r"tracker 'mlflow_tracker'.*'training'"
    ) as caught:
        with tracker.track_step(step_info()):
            pass

    assert "pw@" not in str(caught.value)
    assert mlflow.active_run() is None
    assert "MLFLOW_TRACKING_URI" not in os.environ
