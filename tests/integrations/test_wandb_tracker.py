"""The Weights & Biases integration against real wandb, offline: every run is read back from
its local transaction log (`run-<id>.wandb`), never from a W&B server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from tests.fixtures.peers import require_module

wandb = require_module("wandb", 'pip install -e ".[dev]"')

from stackwise import pipeline, step  # noqa: E402
from stackwise.client import Client  # noqa: E402
from stackwise.exceptions import (  # noqa: E402
    ConfigError,
    ExperimentTrackerError,
    PipelineRunFailedError,
)
from stackwise.experiment_trackers import StepRunInfo  # noqa: E402
from stackwise.integrations.wandb.flavors import (  # noqa: E402
    FLAVORS,
    WandbExperimentTrackerConfig,
    WandbExperimentTrackerSettings,
)
from stackwise.integrations.wandb.offline_runs import (  # noqa: E402
    OfflineRun,
    read_offline_run,
    transaction_log,
)
from stackwise.stack.flavor_registry import flavor_registry  # noqa: E402

WANDB_ENV_VARS = (
    "WANDB_API_KEY",
    "WANDB_BASE_URL",
    "WANDB_ENTITY",
    "WANDB_PROJECT",
    "WANDB_RUN_ID",
    "WANDB_RUN_GROUP",
    "WANDB_JOB_TYPE",
    "WANDB_NAME",
    "WANDB_TAGS",
    "WANDB_DIR",
    "WANDB_RESUME",
)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Offline and quiet W&B, a fresh STACKWISE_HOME, and no W&B run leaking out."""
    monkeypatch.setenv("STACKWISE_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)  # W&B's defaults would otherwise write into the repo
    monkeypatch.setenv("WANDB_MODE", "offline")
    monkeypatch.setenv("WANDB_SILENT", "true")
    for name in WANDB_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    yield
    if wandb.run is not None:
        wandb.finish()


def finished(path: str | Path) -> OfflineRun:
    """The run as read back once wandb-core has written all of it (it does so a moment after
    `run.finish()` returns, in its own process)."""
    return read_offline_run(path, wait=30)


def make_tracker(**configuration):
    flavor = flavor_registry.get("experiment_tracker", "wandb")  # through the entry point
    config = flavor.validate_config(configuration)
    return flavor.implementation_class()(
        id="t", name="wandb_tracker", flavor="wandb", config=config
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


def test_flavor_comes_from_the_entry_point():
    from importlib.metadata import entry_points

    assert "stackwise.integrations.wandb.flavors:FLAVORS" in {
        e.value for e in entry_points(group="stackwise.flavors")
    }
    assert [(str(f.type), f.name, f.integration) for f in FLAVORS] == [
        ("experiment_tracker", "wandb", "wandb")
    ]
    assert flavor_registry.get("experiment_tracker", "wandb") is FLAVORS[0]


def test_bare_wandb_calls_and_tracker_methods_land_in_the_step_runs_offline_run(tmp_path):
    tracker = make_tracker(dir=str(tmp_path / "wb"))

    with tracker.track_step(step_info()) as metadata:
        assert wandb.run is not None and wandb.run.id == "run-1-train"
        wandb.config.update({"n_estimators": 100, "max_depth": 5})
        wandb.log({"train_auc": 0.91})
        tracker.log_params({"learning_rate": 0.1})
        tracker.log_metrics({"loss": 0.5}, step=3)
        tracker.log_metrics({"loss": 0.25}, step=4)

    assert wandb.run is None
    assert metadata == {
        "wandb_run_id": "run-1-train",
        "wandb_mode": "offline",
        "wandb_run_name": "training-run-1-train",
        "wandb_project": "training",
        "wandb_group": "training-run-1",
        "wandb_run_dir": metadata["wandb_run_dir"],
    }
    run_dir = Path(metadata["wandb_run_dir"])
    assert run_dir.parent == tmp_path / "wb" / "wandb"
    assert run_dir.name.startswith("offline-run-") and run_dir.name.endswith("-run-1-train")
    run = finished(run_dir)
    assert run.config == {"n_estimators": 100, "max_depth": 5, "learning_rate": 0.1}
    assert run.metrics == {"train_auc": 0.91, "loss": 0.25}
    assert run.metric_history("loss") == [(3, 0.5), (4, 0.25)]
    assert (run.run_id, run.project, run.group, run.job_type, run.name, run.tags) == (
        "run-1-train",
        "training",
        "training-run-1",
        "train",
        "training-run-1-train",
        ["training"],
    )
    assert run.exit_code == 0
    assert run.offline is True


def test_each_step_run_is_its_own_wandb_run_grouped_by_pipeline_run(tmp_path):
    tracker = make_tracker(dir=str(tmp_path))

    with tracker.track_step(step_info("run-1", "load")) as load:
        wandb.log({"rows": 1000})
    with tracker.track_step(step_info("run-1", "train")) as train:
        wandb.log({"auc": 0.9})
    with tracker.track_step(step_info("run-2", "train")) as other:
        wandb.log({"auc": 0.8})

    runs = [finished(m["wandb_run_dir"]) for m in (load, train, other)]
    assert [r.run_id for r in runs] == ["run-1-load", "run-1-train", "run-2-train"]
    assert [r.group for r in runs] == ["training-run-1", "training-run-1", "training-run-2"]
    assert [r.job_type for r in runs] == ["load", "train", "train"]
    assert [r.metrics for r in runs] == [{"rows": 1000}, {"auc": 0.9}, {"auc": 0.8}]


def test_a_raising_step_finishes_its_run_with_exit_code_1_and_reraises(tmp_path):
    tracker = make_tracker(dir=str(tmp_path))
    seen: dict = {}

    with pytest.raises(RuntimeError, match="boom"):
        with tracker.track_step(step_info()) as metadata:
            seen.update(metadata)
            wandb.log({"before_failure": 1.0})
            raise RuntimeError("boom")

    assert wandb.run is None
    run = finished(seen["wandb_run_dir"])
    assert run.exit_code == 1
    assert run.metrics == {"before_failure": 1.0}
    # the next step opens its run normally
    with tracker.track_step(step_info(step_name="evaluate")) as metadata:
        wandb.log({"auc": 0.5})
    assert finished(metadata["wandb_run_dir"]).exit_code == 0


def test_a_step_that_finishes_its_run_itself_is_fine(tmp_path):
    tracker = make_tracker(dir=str(tmp_path))

    with tracker.track_step(step_info()) as metadata:
        wandb.log({"auc": 0.7})
        wandb.finish()

    assert wandb.run is None
    assert finished(metadata["wandb_run_dir"]).metrics == {"auc": 0.7}


@step(
    experiment_tracker="wb",
    settings={
        "experiment_tracker.wandb": WandbExperimentTrackerSettings(run_name="fit", tags=["nightly"])
    },
)
def fit() -> float:
    wandb.config.update({"alpha": 0.5})
    wandb.log({"loss": 0.125})
    return 0.9


@step(experiment_tracker="wb")
def check(score: float) -> None:
    wandb.log({"score": score})
    raise ValueError("score too low")


@pipeline(enable_cache=False)
def fit_and_check() -> None:
    check(fit())


def test_in_a_pipeline_each_step_run_gets_a_run_and_a_failing_step_exits_1(tmp_path):
    client = Client()
    client.create_stack_component("wb", "wandb", "experiment_tracker", {"dir": str(tmp_path)})
    client.create_stack(
        "wandb_stack",
        {"orchestrator": "default", "artifact_store": "default", "experiment_tracker": "wb"},
    )
    client.activate_stack("wandb_stack")

    with pytest.raises(PipelineRunFailedError, match="score too low"):
        fit_and_check()

    run = client.get_pipeline("fit_and_check").last_run
    fitted = finished(run.steps["fit"].run_metadata["wandb_run_dir"])
    checked = finished(run.steps["check"].run_metadata["wandb_run_dir"])
    assert (fitted.name, fitted.tags) == ("fit", ["fit_and_check", "nightly"])
    assert (fitted.config, fitted.metrics, fitted.exit_code) == ({"alpha": 0.5}, {"loss": 0.125}, 0)
    assert (checked.metrics, checked.exit_code) == ({"score": 0.9}, 1)
    assert fitted.group == checked.group == run.name
    assert fitted.run_id == str(run.steps["fit"].id)
    assert run.steps["check"].run_metadata["wandb_run_id"] == str(run.steps["check"].id)
    assert wandb.run is None


def test_config_and_settings_name_project_entity_run_name_tags_and_wandb_settings(tmp_path):
    tracker = make_tracker(dir=str(tmp_path), project_name="fraud", entity="team-a")
    settings = WandbExperimentTrackerSettings(
        run_name="my-train", tags=["baseline", "training"], settings={"console": "off"}
    ).model_dump()

    with tracker.track_step(step_info(settings=settings)) as metadata:
        console = wandb.run.settings.console

    assert console == "off"
    run = finished(metadata["wandb_run_dir"])
    assert (run.project, run.entity, run.name) == ("fraud", "team-a", "my-train")
    assert run.tags == ["training", "baseline"]  # pipeline name first, no duplicates
    assert metadata["wandb_project"] == "fraud"


def test_default_dir_is_stackwise_home(tmp_path):
    tracker = make_tracker()
    assert tracker.config.resolved_dir() == tmp_path / "home"

    with tracker.track_step(step_info()) as metadata:
        pass

    assert Path(metadata["wandb_run_dir"]).parent == tmp_path / "home" / "wandb"
    assert not (tmp_path / "wandb").exists()


def test_bad_settings_raise_a_config_error_naming_the_step_and_key(tmp_path):
    tracker = make_tracker(dir=str(tmp_path))
    cases = [
        ({"run_nme": "x"}, r"step 'train'.*unknown key 'run_nme'.*accepts: run_name, tags"),
        ({"settings": {"project": "p"}}, r"'project': set it with the tracker's project_name"),
        ({"settings": {"run_id": "x"}}, r"'run_id': set it with nothing: stackwise uses"),
        ({"settings": {"bogus": 1}}, r"W&B settings of step 'train'.*unknown key 'bogus'"),
        ({"settings": {"console": "nope"}}, r"key 'console': Input should be"),
        ({"tags": ["x" * 65]}, r"key 'tags'.*1 to 64 characters"),
    ]
    for settings, message in cases:
        with pytest.raises(ConfigError, match=message):
            with tracker.track_step(step_info(settings=settings)):
                pass
    assert wandb.run is None
    assert not (tmp_path / "wandb").exists() or not list((tmp_path / "wandb").glob("*run-*"))


def test_an_active_wandb_run_is_refused_and_left_intact(tmp_path):
    outer = wandb.init(project="mine", dir=str(tmp_path / "mine"), mode="offline")
    tracker = make_tracker(dir=str(tmp_path))

    with pytest.raises(
        ConfigError,
        match=rf"W&B run \({outer.id}\) is already active.*"
        r"wandb\.finish\(\)",
    ):
        with tracker.track_step(step_info()):
            pass

    assert wandb.run is outer
    wandb.log({"outer_metric": 1.0})
    outer_dir = Path(outer.dir).parent
    wandb.finish()
    assert finished(outer_dir).metrics == {"outer_metric": 1.0}


def test_disabled_mode_writes_nothing_and_bare_calls_still_work(tmp_path):
    tracker = make_tracker(dir=str(tmp_path), mode="disabled")

    with tracker.track_step(step_info()) as metadata:
        wandb.log({"auc": 0.5})
        tracker.log_params({"a": 1})

    assert metadata == {"wandb_run_id": "run-1-train", "wandb_mode": "disabled"}
    assert not (tmp_path / "wandb").exists()
    assert wandb.run is None


@pytest.mark.parametrize(
    ("mode", "env", "api_key", "expected"),
    [
        (None, None, None, "offline"),
        (None, None, "k" * 40, "online"),
        (None, "offline", "k" * 40, "offline"),
        (None, "dryrun", None, "offline"),
        (None, "disabled", None, "disabled"),
        (None, "online", None, "online"),
        ("offline", "online", "k" * 40, "offline"),
        ("online", "offline", None, "online"),
    ],
)
def test_mode_is_config_then_wandb_mode_then_online_only_with_an_api_key(
    monkeypatch, mode, env, api_key, expected
):
    if env is None:
        monkeypatch.delenv("WANDB_MODE", raising=False)
    else:
        monkeypatch.setenv("WANDB_MODE", env)
    config = WandbExperimentTrackerConfig(mode=mode, api_key=api_key)
    assert config.resolved_mode() == expected
    assert config.is_remote is (expected == "online")


def test_an_unknown_wandb_mode_env_var_is_a_config_error(monkeypatch):
    monkeypatch.setenv("WANDB_MODE", "sometimes")
    with pytest.raises(ConfigError, match=r"WANDB_MODE='sometimes' is not a W&B mode"):
        WandbExperimentTrackerConfig().resolved_mode()


def test_config_refuses_unknown_keys_and_modes():
    with pytest.raises(ConfigError, match=r"unknown key 'projet'"):
        make_tracker(projet="x")
    with pytest.raises(ConfigError, match=r"key 'mode'"):
        make_tracker(mode="shared")


def test_api_key_is_marked_secret_and_kept_out_of_repr():
    config = WandbExperimentTrackerConfig(api_key="s3cret-key")
    assert WandbExperimentTrackerConfig.model_fields["api_key"].json_schema_extra == {
        "secret": True
    }
    assert "s3cret-key" not in repr(config)


def test_tracker_logging_outside_a_step_is_an_error():
    tracker = make_tracker()
    with pytest.raises(
        ExperimentTrackerError, match=r"inside a step.*experiment_tracker='wandb_tracker'"
    ):
        tracker.log_metrics({"a": 1.0})
    with pytest.raises(ExperimentTrackerError, match=r"log_params needs an active W&B run"):
        tracker.log_params({"a": 1})


def test_public_import_paths_do_not_import_wandb():
    code = (
        "import sys\n"
        "import stackwise.integrations.wandb\n"
        "import stackwise.integrations.wandb.flavors\n"
        "from stackwise.integrations.wandb.experiment_trackers import WandbExperimentTracker\n"
        "import stackwise.integrations.wandb.offline_runs\n"
        "from stackwise.stack.flavor_registry import flavor_registry\n"
        "flavor_registry.get('experiment_tracker', 'wandb').implementation_class()\n"
        "assert 'wandb' not in sys.modules, 'wandb was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_without_wandb_installed_the_flavor_says_how_to_install_it():
    code = (
        "import sys\n"
        "sys.modules['wandb'] = None  # as if not installed\n"
        "from stackwise.exceptions import ConfigError\n"
        "from stackwise.stack.flavor_registry import flavor_registry\n"
        "flavor = flavor_registry.get('experiment_tracker', 'wandb')\n"
        "flavor.validate_config({'project_name': 'p'})\n"
        "try:\n"
        "    flavor.implementation_class()\n"
        "except ConfigError as error:\n"
        "    print(error)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "No module named 'wandb'" in result.stdout
    assert 'pip install "stackwise[wandb]"' in result.stdout


def _can_unshare_network() -> bool:
    if shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(
    not _can_unshare_network(), reason="needs `unshare -n` (root) to run without any network"
)
def test_an_offline_step_runs_in_a_process_that_has_no_network_at_all(tmp_path):
    # In a fresh network namespace nothing is reachable, not even loopback: if the tracker,
    # wandb or wandb-core needed the network, the step would fail or hang.
    script = tmp_path / "tracked_step.py"
    script.write_text(
        textwrap.dedent(
            """
        import sys, wandb
        from stackwise.experiment_trackers import StepRunInfo
        from stackwise.stack.flavor_registry import flavor_registry

        flavor = flavor_registry.get("experiment_tracker", "wandb")
        tracker = flavor.implementation_class()(
            id="t", name="t", flavor="wandb", config=flavor.validate_config({}))
        info = StepRunInfo(pipeline_name="p", run_id="r", run_name="p-r", step_name="s",
                           step_run_id="r-s")
        with tracker.track_step(info) as metadata:
            wandb.log({"auc": 0.75})
        print(metadata["wandb_run_dir"])
        """
        )
    )
    env = {k: v for k, v in os.environ.items() if k not in ("WANDB_MODE", "WANDB_SERVICE")}
    result = subprocess.run(
        ["unshare", "-n", sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    run = finished(result.stdout.strip().splitlines()[-1])
    assert run.metrics == {"auc": 0.75}
    assert run.offline is True
    assert run.exit_code == 0


# -- the offline run reader ------------------------------------------------------------------


def _logged_run(tmp_path: Path, rows: int) -> Path:
    run = wandb.init(project="p", dir=str(tmp_path), mode="offline")
    for i in range(rows):
        wandb.log({"loss": 1.0 / (i + 1), "note": "x" * 40})
    folder = Path(run.dir).parent
    wandb.finish()
    assert finished(folder).exit_code == 0
    return folder


def test_reader_follows_records_across_many_32k_blocks(tmp_path):
    folder = _logged_run(tmp_path, 2000)
    assert transaction_log(folder).stat().st_size > 10 * 32768

    run = read_offline_run(folder)

    assert len(run.history) == 2000
    assert run.metric_history("loss")[-1] == (1999, 1.0 / 2000)


def test_reader_refuses_a_corrupt_record_and_stops_at_a_cut_short_one(tmp_path):
    folder = _logged_run(tmp_path, 50)
    log = transaction_log(folder)
    data = bytearray(log.read_bytes())

    log.write_bytes(bytes(data[: len(data) - 5]))  # a run killed while writing
    assert len(read_offline_run(folder).history) == 50
    assert read_offline_run(folder, wait=0.2).exit_code is None  # waits, then gives up

    data[200] ^= 0xFF
    log.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=r"corrupt record at byte"):
        read_offline_run(folder)

    log.write_bytes(b"not a log at all")
    with pytest.raises(ValueError, match=r"not a W&B transaction log"):
        read_offline_run(folder)
    with pytest.raises(FileNotFoundError, match=r"not a W&B run folder"):
        read_offline_run(tmp_path)
