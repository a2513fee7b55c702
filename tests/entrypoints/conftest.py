"""Remote runs played by the test: a project folder with a pipeline module, a stack whose
orchestrator hands its tasks over in a file (remote_engine.py), and the engine's side — each
task's command in a process of its own, in an empty folder, with stackwise from the working
tree (PYTHONPATH) and the user's code only from the run's archive."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from stackwise.client import Client
from stackwise.stack.flavor_registry import flavor_registry

SRC = Path(__file__).parents[2] / "src"

FLOW = """
import os
from pathlib import Path

from stackwise import pipeline, step
from stackwise.config.retry_config import StepRetryConfig


@step
def make() -> int:
    return 3


@step
def double(x: int) -> int:
    return 2 * x


@step
def boom(x: int) -> int:
    raise RuntimeError("boom goes the step")


@step(retry=StepRetryConfig(max_retries=1))
def flaky(x: int) -> int:
    marker = Path(os.environ["FLAKY_MARKER"])
    if not marker.exists():
        marker.write_text("failed once")
        raise RuntimeError("the first attempt fails")
    return x + 1


@pipeline(enable_cache=False)
def chain():
    double(make())


@pipeline(enable_cache=False)
def failing():
    x = make()
    double(boom(x), id="after_boom")
    double(x, id="beside")


@pipeline(enable_cache=False)
def retrying():
    flaky(make())


@pipeline(enable_cache=False)
def fan():
    x = make()
    double(x, id="left")
    double(x, id="right")
"""


@dataclass
class Engine:
    """Runs a submitted run's tasks as processes, as a remote engine does."""

    tasks_file: Path
    workdir: Path
    home: Path
    env: dict[str, str]

    def handed(self) -> dict[str, Any]:
        return json.loads(self.tasks_file.read_text())  # type: ignore[no-any-return]

    def task(self, invocation_id: str) -> dict[str, Any]:
        [found] = [t for t in self.handed()["tasks"] if t["invocation_id"] == invocation_id]
        return found

    def environment(self, task: dict[str, Any]) -> dict[str, str]:
        return {
            "PATH": os.environ["PATH"],
            "STACKWISE_HOME": str(self.home),
            "PYTHONPATH": str(SRC),
            **self.env,
            **self.handed()["credentials"],
            **task["environment"],
        }

    def start(self, invocation_id: str) -> subprocess.Popen[str]:
        task = self.task(invocation_id)
        return subprocess.Popen(
            [sys.executable, *task["command"][1:]],
            cwd=self.workdir,
            env=self.environment(task),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, invocation_id: str) -> subprocess.CompletedProcess[str]:
        process = self.start(invocation_id)
        out, err = process.communicate(timeout=120)
        return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A user's project folder holding `flow.py`, importable in this process."""
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "flow.py").write_text(FLOW)
    monkeypatch.syspath_prepend(str(folder))
    yield folder
    sys.modules.pop("flow", None)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    from tests.entrypoints.remote_engine import FLAVOR, FLAVOR_PATH

    workdir = tmp_path / "engine-workdir"
    workdir.mkdir()
    tasks_file = tmp_path / "tasks.json"
    client = Client()
    client.create_flavor(FLAVOR_PATH, "orchestrator")
    client.create_stack_component(
        "engine",
        "task_file",
        "orchestrator",
        {"tasks_file": str(tasks_file), "runs_on_this_machine": True},
    )
    client.create_stack("remote", {"orchestrator": "engine", "artifact_store": "default"})
    client.activate_stack("remote")
    yield Engine(tasks_file, workdir, tmp_path / "engine-home", {})
    flavor_registry.unregister(FLAVOR.type, FLAVOR.name)


Launch = Callable[..., Any]
