"""Reading pipelines, runs and step runs through `Client`, as ZenML users do after a run:
`get_pipeline(name).last_run`, filtered/sorted/paged run listings, runs by name or id, and their
steps. Unknown names raise `KeyError` with a "did you mean" hint."""

from __future__ import annotations

from typing import Annotated

import pytest

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.enums import ExecutionStatus
from stackwise.exceptions import EntityNotFoundError, PipelineRunFailedError


@step
def produce(start: int = 1) -> Annotated[int, "number"]:
    return start


@step
def double(value: int, fail: bool = False) -> Annotated[int, "doubled"]:
    if fail:
        raise ValueError("asked to fail")
    return value * 2


@pipeline(enable_cache=False)
def numbers(start: int = 1, fail: bool = False):
    double(produce(start=start), fail=fail)


@pipeline(enable_cache=False)
def other_pipeline():
    produce()


def _run(name: str, *, start: int = 1, fail: bool = False):
    configured = numbers.with_options(run_name=name)
    if fail:
        with pytest.raises(PipelineRunFailedError):
            configured(start=start, fail=True)
        return Client().get_pipeline_run(name)
    return configured(start=start)


@pytest.fixture
def three_runs():
    """Runs b-run (completed), a-run (failed), c-run (completed), created in that order."""
    return [_run("b-run", start=1), _run("a-run", start=2, fail=True), _run("c-run", start=3)]


# -- pipelines and last_run -------------------------------------------------------------------
def test_last_run_is_the_newest_run(three_runs):
    last = Client().get_pipeline("numbers").last_run
    assert last.name == "c-run"
    assert last.id == three_runs[-1].id
    assert last.status == "completed"
    assert last.steps["double"].output.load() == 6


def test_get_pipeline_by_id_equals_by_name(three_runs):
    by_name = Client().get_pipeline("numbers")
    assert Client().get_pipeline(by_name.id).name == "numbers"


def test_last_run_without_runs_is_an_error():
    from stackwise.store import get_store

    get_store().get_or_create_pipeline("never_run")
    with pytest.raises(RuntimeError, match="'never_run' has no runs"):
        Client().get_pipeline("never_run").last_run  # noqa: B018


def test_list_pipelines_counts_each_pipeline_once(three_runs):
    other_pipeline()
    page = Client().list_pipelines()
    assert page.total == 2
    assert sorted(p.name for p in page) == ["numbers", "other_pipeline"]


def test_unknown_pipeline_is_a_key_error_with_a_hint(three_runs):
    with pytest.raises(KeyError) as info:
        Client().get_pipeline("numbrs")
    assert isinstance(info.value, EntityNotFoundError)
    assert "No pipeline named 'numbrs'" in str(info.value)
    assert "Did you mean 'numbers'?" in str(info.value)


# -- listing runs -----------------------------------------------------------------------------
def test_list_runs_filters_by_pipeline_name(three_runs):
    other_pipeline.with_options(run_name="other-run")()
    page = Client().list_pipeline_runs(pipeline_name="numbers")
    assert page.total == 3
    assert {r.name for r in page} == {"a-run", "b-run", "c-run"}
    other = Client().list_pipeline_runs(pipeline_name="other_pipeline")
    assert [r.name for r in other] == ["other-run"]


def test_list_runs_filters_by_status(three_runs):
    failed = Client().list_pipeline_runs(pipeline_name="numbers", status="failed")
    assert [r.name for r in failed] == ["a-run"]
    assert failed.total == 1
    completed = Client().list_pipeline_runs(status=ExecutionStatus.COMPLETED)
    assert sorted(r.name for r in completed) == ["b-run", "c-run"]
    assert all(r.status == "completed" for r in completed)


def test_list_runs_sorted_newest_first(three_runs):
    page = Client().list_pipeline_runs(sort_by="desc:created")
    assert [r.name for r in page] == ["c-run", "a-run", "b-run"]


def test_list_runs_sorted_by_name_ascending(three_runs):
    page = Client().list_pipeline_runs(sort_by="asc:name")
    assert [r.name for r in page] == ["a-run", "b-run", "c-run"]


def test_list_runs_sorted_oldest_first(three_runs):
    page = Client().list_pipeline_runs(sort_by="asc:created")
    assert [r.name for r in page] == ["b-run", "a-run", "c-run"]


def test_list_runs_pages_with_total(three_runs):
    first = Client().list_pipeline_runs(sort_by="asc:name", size=2, page=1)
    second = Client().list_pipeline_runs(sort_by="asc:name", size=2, page=2)
    assert [r.name for r in first] == ["a-run", "b-run"]
    assert [r.name for r in second] == ["c-run"]
    assert first.total == second.total == 3
    assert first.total_pages == 2
    with pytest.raises(ValueError, match=r"Page 3 is beyond the last page \(2\) of 3 item"):
        Client().list_pipeline_runs(size=2, page=3)  # as ZenML: a ValueError, not an empty page


def test_list_runs_rejects_an_unknown_sort_column(three_runs):
    with pytest.raises(ValueError, match="cannot be sorted by 'colour'"):
        Client().list_pipeline_runs(sort_by="asc:colour")


def test_list_runs_of_unknown_pipeline_name_is_empty(three_runs):
    """A filter, as in ZenML: no run matches (get_pipeline is the lookup that raises)."""
    assert Client().list_pipeline_runs(pipeline_name="numbres").total == 0
    with pytest.raises(KeyError, match="Did you mean 'numbers'"):
        Client().get_pipeline("numbres")


# -- one run ----------------------------------------------------------------------------------
def test_get_pipeline_run_by_name_and_by_id(three_runs):
    by_name = Client().get_pipeline_run("b-run")
    by_id = Client().get_pipeline_run(by_name.id)
    assert by_id.name == "b-run"
    assert by_name.id == three_runs[0].id
    assert by_name.pipeline_name == "numbers"
    assert by_name.config.parameters == {"start": 1, "fail": False}


def test_failed_run_records_the_failed_step(three_runs):
    run = Client().get_pipeline_run("a-run")
    assert run.status == "failed"
    assert run.steps["produce"].status == "completed"
    assert run.steps["double"].status == "failed"
    assert "asked to fail" in run.steps["double"].exception_info["message"]


def test_unknown_run_is_a_key_error_with_a_hint(three_runs):
    with pytest.raises(KeyError) as info:
        Client().get_pipeline_run("c-rum")
    assert "No pipeline run named 'c-rum'" in str(info.value)
    assert "Did you mean 'c-run'?" in str(info.value)


# -- steps ------------------------------------------------------------------------------------
def test_list_run_steps_in_execution_order(three_runs):
    run = Client().get_pipeline_run("c-run")
    steps = Client().list_run_steps(pipeline_run_id=run.id)
    assert [s.name for s in steps] == ["produce", "double"]
    assert all(s.status == "completed" for s in steps)
    assert steps[1].inputs["value"].id == steps[0].outputs["number"][0].id


def test_list_run_steps_accepts_the_run_id(three_runs):
    steps = Client().list_run_steps(pipeline_run_id=str(three_runs[0].id))
    assert [s.name for s in steps] == ["produce", "double"]


def test_get_run_step_by_id(three_runs):
    listed = Client().list_run_steps(pipeline_run_id=three_runs[0].id)[1]
    fetched = Client().get_run_step(listed.id)
    assert fetched.name == "double"
    assert fetched.pipeline_run_id == three_runs[0].id
    assert fetched.output.load() == 2
    assert fetched.config.parameters == {"fail": False}


def test_unknown_step_run_is_a_key_error(three_runs):
    with pytest.raises(KeyError, match="No step run"):
        Client().get_run_step("00000000-0000-0000-0000-000000000000")


def test_unknown_artifact_is_a_key_error_with_a_hint(three_runs):
    with pytest.raises(KeyError, match="Did you mean 'doubled'"):
        Client().get_artifact_version("doubeld")
    with pytest.raises(KeyError, match="version of artifact 'doubled'"):
        Client().get_artifact_version("doubled", "99")


def test_get_artifact_lists_its_versions(three_runs):
    artifact = Client().get_artifact("doubled")
    # b-run and c-run completed; the failed a-run registered nothing for `doubled`
    assert list(artifact.versions) == ["1", "2"]
    assert artifact.latest_version.load() == 6
    assert Client().get_artifact_version("doubled", 1).load() == 2
