"""Step logs: what a step prints (stdout, stderr) and logs is kept per step, timestamped, in
the artifact store (local and S3), found through `step_run.log_collection`; a failing step's
traceback is in its log; `enable_step_logs=False` (step, pipeline, with_options, run config)
and STACKWISE_DISABLE_STEP_LOGS_STORAGE keep nothing; a running step's lines are stored while
it runs."""

from __future__ import annotations

import logging
import re
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import pytest

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.exceptions import PipelineRunFailedError
from stackwise.execution.log_reader import LogReader, logs_text
from stackwise.execution.step_logs import FLUSH_SECONDS, LogCapture
from stackwise.models.logs import LogsResponse

pytest_plugins = ["fixtures.s3_server"]

STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"


def step_log(run: Any, name: str) -> str:
    logs = run.steps[name].log_collection
    assert len(logs) == 1, f"step {name} kept no logs"
    return logs_text(logs[0], Client().store)


@step
def talker() -> int:
    print("talker prints")
    logging.getLogger("user.code").info("talker logs info")
    print("talker complains", file=sys.stderr)
    return 1


@step
def listener(x: int) -> int:
    print(f"listener got {x}")
    logging.getLogger("user.code").warning("listener warns")
    return x


@step
def breaks(x: int) -> None:
    print("about to break")
    raise ValueError("kaboom")


@pipeline(enable_cache=False)
def conversation() -> None:
    listener(talker())


def test_prints_logging_and_stderr_are_kept_per_step_with_timestamps() -> None:
    run = conversation()

    talker_log, listener_log = step_log(run, "talker"), step_log(run, "listener")
    assert re.search(rf"^{STAMP} \[stdout\] talker prints$", talker_log, re.M)
    assert re.search(rf"^{STAMP} \[INFO user.code\] talker logs info$", talker_log, re.M)
    assert re.search(rf"^{STAMP} \[stderr\] talker complains$", talker_log, re.M)
    assert re.search(rf"^{STAMP} \[WARNING user.code\] listener warns$", listener_log, re.M)
    assert "listener got 1" in listener_log
    assert "listener" not in talker_log and "talker" not in listener_log
    # the run's own capture (enable_pipeline_logs) holds what its steps printed too
    run_logs = run.log_collection
    assert [entry.source for entry in run_logs] == ["client"]
    assert "talker prints" in logs_text(run_logs[0], Client().store)


def test_log_collection_has_zenmls_shape() -> None:
    run = conversation()

    step_run = run.steps["talker"]
    (entry,) = step_run.log_collection
    assert isinstance(entry, LogsResponse)
    assert entry.source == "step"
    assert entry.step_run_id == step_run.id and entry.pipeline_run_id is None
    active_store = Client().active_stack_model.components["artifact_store"][0]
    assert entry.artifact_store_id == active_store.id
    assert entry.uri == step_run.config.logs_uri
    assert str(run.id) in entry.uri  # under the run's folder
    assert entry.log_store_id is None and entry.hook_invocation_id is None


def test_a_failing_steps_traceback_is_in_its_log() -> None:
    @pipeline(enable_cache=False)
    def broken() -> None:
        breaks(talker())

    with pytest.raises(PipelineRunFailedError):
        broken()
    run = Client().get_pipeline("broken").last_run
    text = step_log(run, "breaks")
    assert "about to break" in text
    assert "An exception has occurred." in text
    assert re.search(rf"^{STAMP} \[ERROR\] ValueError: kaboom$", text, re.M)
    assert 'raise ValueError("kaboom")' in text


@step(enable_step_logs=False)
def private() -> int:
    print("never stored")
    return 2


@step(enable_step_logs=True)
def public() -> int:
    print("always stored")
    return 3


def test_enable_step_logs_false_keeps_nothing_and_the_step_setting_wins() -> None:
    @pipeline(enable_cache=False, enable_step_logs=False)
    def mixed() -> None:
        private()
        public()
        talker()

    run = mixed()
    assert run.steps["private"].log_collection == []
    assert run.steps["private"].config.logs_uri is None
    assert run.steps["talker"].log_collection == []  # the pipeline's False
    assert "always stored" in step_log(run, "public")  # the step's True wins, as in ZenML
    root = Path(Client().active_stack.artifact_store.path) / "logs" / str(run.id)
    assert [p.name for p in root.iterdir()] == [str(run.steps["public"].log_collection[0].id)]


def test_with_options_and_run_config_turn_step_logs_off(tmp_path: Path) -> None:
    run = conversation.with_options(enable_step_logs=False)()
    assert run.steps["talker"].log_collection == []

    config = tmp_path / "run.yaml"
    config.write_text("enable_step_logs: false\nsteps:\n  listener:\n    enable_step_logs: true\n")
    run = conversation.with_options(config_path=str(config))()
    assert run.steps["talker"].log_collection == []
    assert "listener got 1" in step_log(run, "listener")

    @pipeline(enable_cache=False)
    def step_options() -> None:
        listener(talker.with_options(enable_step_logs=False)())

    run = step_options()
    assert run.steps["talker"].log_collection == []
    assert "listener got 1" in step_log(run, "listener")


def test_the_environment_variable_turns_every_steps_logs_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STACKWISE_DISABLE_STEP_LOGS_STORAGE", "true")
    run = conversation()
    assert all(s.log_collection == [] for s in run.steps.values())
    assert not (Path(Client().active_stack.artifact_store.path) / "logs" / str(run.id)).exists()
    assert run.log_collection  # the run's own logs have their own switch

    monkeypatch.setenv("STACKWISE_DISABLE_PIPELINE_LOGS_STORAGE", "1")
    assert conversation().log_collection == []


def test_a_running_capture_stores_its_lines_in_chunks(tmp_path: Path) -> None:
    """A reader sees a running step's lines within about FLUSH_SECONDS, as whole new chunks;
    unfinished lines are written at the end."""
    store = Client().active_stack.artifact_store
    uri = store.join(store.path, "logs", "test-capture")
    reader = LogReader(store, uri)
    with LogCapture(store, uri):
        print("first line")
        deadline = time.monotonic() + 10 * FLUSH_SECONDS
        seen = ""
        while "first line" not in seen and time.monotonic() < deadline:
            time.sleep(0.05)
            seen += reader.read_new()
        assert "first line" in seen
        print("second line")
        print("unfinished", end="")
    rest = reader.read_new()
    assert "first line" not in rest
    assert "[stdout] second line\n" in rest and rest.endswith("[stdout] unfinished\n")
    assert len(list(Path(uri).iterdir())) == 2


def test_a_quiet_step_writes_no_files() -> None:
    @step
    def silent() -> int:
        return 1

    @pipeline(enable_cache=False, enable_pipeline_logs=False)
    def hushed() -> None:
        silent()

    run = hushed()
    (entry,) = run.steps["silent"].log_collection
    assert not Path(entry.uri or "").exists()
    assert logs_text(entry, Client().store) == ""


def test_logs_go_to_an_s3_artifact_store(s3_store_config: dict[str, Any]) -> None:
    client = Client()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # test credentials in plain text
        client.create_stack_component("bucket", "s3", "artifact_store", s3_store_config)
    client.create_stack("on-s3", {"orchestrator": "default", "artifact_store": "bucket"})
    client.activate_stack("on-s3")

    run = conversation()
    (entry,) = run.steps["talker"].log_collection
    assert entry.uri is not None and entry.uri.startswith(s3_store_config["path"] + "/logs/")
    assert "talker prints" in step_log(run, "talker")
    client.activate_stack("default")  # read from the store it was written to, not the active
    assert "listener got 1" in step_log(run, "listener")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def test_the_processs_own_logging_setup_sees_what_it_saw_before() -> None:
    """The root logger's level is lowered to INFO while a step runs (so its INFO records are
    kept), but a handler the process set up on the root logger still gets only what passed
    its level before; afterwards the level is back."""
    root = logging.getLogger()
    mine = _Collect()
    level = root.level
    root.addHandler(mine)
    root.setLevel(logging.WARNING)
    try:
        run = conversation()
        assert root.level == logging.WARNING
    finally:
        root.removeHandler(mine)
        root.setLevel(level)
    assert "talker logs info" in step_log(run, "talker")
    assert "talker logs info" not in mine.messages
    assert "listener warns" in mine.messages
    assert mine.filters == []
