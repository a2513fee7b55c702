"""The orchestrator conformance suite: every orchestrator flavor runs the same pipelines with the
same outcome — DAG order (data edges and `after=`), fan-out and fan-in, caching, retries, hooks,
ZenML's continue-on-failure, and the same results and metadata as `local`.

The steps live in `conformance_steps` (importable by worker processes); they log events to a
file, since orchestrators may run them in other processes.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conformance_steps import (
    Event,
    cacheable,
    count_events,
    diamond,
    failing,
    hooked,
    read_events,
    retrying,
    with_metadata,
)

from stackwise.client import Client
from stackwise.exceptions import PipelineRunFailedError
from stackwise.store import reset_store_cache

pytest_plugins = ["fixtures.dask_cluster"]  # the `dask` orchestrator's scheduler and workers

# The orchestrators under test: flavor -> factory of its component configuration. To run
# another flavor through the whole suite, add it here. The factory gets pytest's `request`, so
# it can start what the orchestrator needs through a fixture, e.g. a Dask scheduler and workers:
#     "dask": lambda request: {"address": request.getfixturevalue("dask_cluster").address},
ORCHESTRATORS: dict[str, Callable[[pytest.FixtureRequest], dict[str, Any]]] = {
    "local": lambda request: {},
    "local_parallel": lambda request: {"max_workers": 2},
    "dask": lambda request: request.getfixturevalue("dask_orchestrator_config"),
}


# ...and these also with the store behind a real stackwise server (RestStore over HTTP)
THROUGH_SERVER = ("local", "local_parallel", "dask")


@pytest.fixture(
    params=[*ORCHESTRATORS, *(f"{flavor}-server" for flavor in THROUGH_SERVER)],
)
def orchestrator(request: pytest.FixtureRequest, use_orchestrator: Callable[..., None]) -> str:
    """The active stack runs on each orchestrator in turn (`<flavor>-server`: its store is a
    stackwise server); the test gets its flavor."""
    flavor, _, through = str(request.param).partition("-")
    if through:
        request.getfixturevalue("server_store")
    use_orchestrator(flavor, ORCHESTRATORS[flavor](request))
    return flavor


def _spans(events: list[Event]) -> dict[str, tuple[float, float]]:
    starts = {e.what.split(" ", 1)[1]: e.at for e in events if e.what.startswith("start ")}
    ends = {e.what.split(" ", 1)[1]: e.at for e in events if e.what.startswith("end ")}
    return {name: (starts[name], ends[name]) for name in starts}


def test_dag_order_fan_out_fan_in_and_after(orchestrator: str) -> None:
    run = diamond()

    assert run.status == "completed"
    assert {n: str(s.status) for n, s in run.steps.items()} == dict.fromkeys(
        ["source", "square", "square_2", "square_3", "square_4", "add_four", "audit"], "completed"
    )
    assert run.steps["add_four"].output.load() == sum(3 * 3 + i for i in range(4))
    spans = _spans(read_events())
    edges = [(up, inv) for inv, step in run.spec["steps"].items() for up in step["upstream"]]
    assert ("add_four", "audit") in edges  # the after= edge
    for upstream, downstream in edges:
        assert spans[upstream][1] <= spans[downstream][0], f"{downstream} before {upstream}"


def test_identical_rerun_is_all_cached(orchestrator: str) -> None:
    client = Client()
    first = cacheable()
    versions_before = client.list_artifact_versions().total
    second = cacheable()

    assert {str(s.status) for s in first.steps.values()} == {"completed"}
    assert {str(s.status) for s in second.steps.values()} == {"cached"}
    for name, cached in second.steps.items():
        assert cached.original_step_run_id == first.steps[name].id
        assert cached.output.id == first.steps[name].output.id
    assert client.list_artifact_versions().total == versions_before


def test_retries_keep_each_failed_attempt(orchestrator: str) -> None:
    with pytest.raises(PipelineRunFailedError, match="hopeless: ConnectionError: never works"):
        retrying()

    run = Client().get_pipeline("retrying").last_run
    attempts: dict[str, list[str]] = {}
    for step_run in run.step_attempts:
        attempts.setdefault(step_run.name, []).append(str(step_run.status))
    assert attempts == {
        "flaky": ["retried", "retried", "completed"],
        "hopeless": ["retried", "failed"],
    }
    assert run.steps["flaky"].output.load() == 3
    assert count_events("attempt flaky") == 3
    assert count_events("attempt hopeless") == 2
    assert count_events("hook on_failure hopeless ConnectionError: never works") == 1


def test_hooks_run_where_the_step_ran(orchestrator: str) -> None:
    with pytest.raises(PipelineRunFailedError, match="hooked_bad"):
        hooked()

    assert count_events("hook on_success hooked_ok") == 1
    assert count_events("hook on_failure hooked_bad ValueError: bad value 1") == 1
    run = Client().get_pipeline("hooked").last_run
    assert run.steps["hooked_ok"].status == "completed"
    assert run.steps["hooked_bad"].status == "failed"


def test_failure_skips_downstream_and_independent_branch_completes(orchestrator: str) -> None:
    with pytest.raises(PipelineRunFailedError, match="failure in step\\(s\\): explode") as raised:
        failing()

    assert isinstance(raised.value.errors["explode"], ValueError)
    assert "kaboom" in str(raised.value.errors["explode"])
    run = Client().get_pipeline("failing").last_run
    assert run.status == "failed"
    exploded = run.steps["explode"]
    assert exploded.status == "failed"
    assert exploded.exception_info["type"].endswith("ValueError")
    assert exploded.exception_info["message"] == "kaboom: the data is bad"
    assert "in explode" in exploded.exception_info["traceback"]
    assert "after_explode" not in run.steps
    assert count_events("ran after_explode") == 0
    assert run.steps["independent"].status == "completed"
    assert run.steps["independent"].output.load() == 10


def _describe(run: Any) -> dict[str, Any]:
    """What must not depend on the orchestrator: statuses, inputs, outputs (names, versions,
    types, materializers, metadata, values) and metadata."""
    steps = {}
    for name, step_run in run.steps.items():
        steps[name] = {
            "status": str(step_run.status),
            "metadata": step_run.run_metadata,
            "inputs": {n: (v.name, v.version) for n, v in step_run.inputs.items()},
            "outputs": {
                n: [
                    (
                        v.name,
                        v.version,
                        v.data_type,
                        v.materializer,
                        str(v.type),
                        v.tags,
                        v.save_type,
                        v.run_metadata,
                        v.load(),
                    )
                    for v in versions
                ]
                for n, versions in step_run.outputs.items()
            },
        }
    return {"status": str(run.status), "metadata": run.run_metadata, "steps": steps}


def test_same_results_and_metadata_as_local(
    orchestrator: str,
    tmp_path: Path,
    stackwise_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    use_orchestrator: Callable[..., None],
) -> None:
    """The reference: the same pipeline on `local`, in a SQLite store of its own (same
    versions)."""
    server_url = os.environ.get("STACKWISE_STORE_URL")
    monkeypatch.delenv("STACKWISE_STORE_URL", raising=False)
    monkeypatch.setenv("STACKWISE_HOME", str(tmp_path / "reference-home"))
    reset_store_cache()
    use_orchestrator("local")
    expected = _describe(with_metadata())
    monkeypatch.setenv("STACKWISE_HOME", str(stackwise_home))
    if server_url:
        monkeypatch.setenv("STACKWISE_STORE_URL", server_url)
    reset_store_cache()

    assert _describe(with_metadata()) == expected


def test_a_run_with_a_model_links_every_output_to_its_version(orchestrator: str) -> None:
    """Steps in worker processes (local_parallel, dask) link their outputs to the run's model
    version, recorded when the run started, as in-process steps do."""
    from stackwise import Model

    run = diamond.with_options(model=Model(name=f"model_on_{orchestrator}"))()
    assert run.status == "completed" and run.model_version.number == 1
    produced = {(v.name, v.version) for v in run.produced_artifact_versions}
    linked = {
        (name, version)
        for name, versions in run.model_version.data_artifact_ids.items()
        for version in versions
    }
    assert produced and produced == linked
    assert list(run.model_version.pipeline_run_ids) == [run.name]
