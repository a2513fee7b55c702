"""Every orchestrator keeps each step's prints, stderr and log records in that step's own log,
none mixed into another's, also when steps run at the same time in worker processes or on
Dask workers.

The steps live in this module, which the Dask workers import from their PYTHONPATH."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.execution.log_reader import logs_text

pytest_plugins = ["fixtures.dask_cluster"]

ORCHESTRATORS: dict[str, Callable[[pytest.FixtureRequest], dict[str, Any]]] = {
    "local": lambda request: {},
    "local_parallel": lambda request: {"max_workers": 2},
    "dask": lambda request: request.getfixturevalue("dask_orchestrator_config"),
}


@pytest.fixture(params=list(ORCHESTRATORS))
def orchestrator(request: pytest.FixtureRequest, use_orchestrator: Callable[..., None]) -> str:
    flavor: str = request.param
    use_orchestrator(flavor, ORCHESTRATORS[flavor](request))
    return flavor


@step
def speaker(name: str) -> str:
    for i in range(3):
        print(f"{name} says {i}")
        logging.getLogger("speaker").warning("%s warns %d", name, i)
        print(f"{name} errs {i}", file=sys.stderr)
        time.sleep(0.05)  # the two speakers overlap where steps run in parallel
    return name


@pipeline(enable_cache=False)
def two_speakers() -> None:
    speaker(name="alice", id="alice")
    speaker(name="bob", id="bob")


def test_each_steps_output_is_kept_in_its_own_log(orchestrator: str) -> None:
    run = two_speakers()

    store = Client().store
    for name, other in (("alice", "bob"), ("bob", "alice")):
        (entry,) = run.steps[name].log_collection
        text = logs_text(entry, store)
        for i in range(3):
            assert f"[stdout] {name} says {i}\n" in text
            assert f"[stderr] {name} errs {i}\n" in text
            assert f"[WARNING speaker] {name} warns {i}\n" in text
        assert other not in text
