"""Caching as ZenML users rely on it: an identical re-run executes nothing and reuses the same
artifact versions; a change re-runs exactly the steps it affects."""

import importlib
import shutil
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import pytest

from stackwise import pipeline, step
from stackwise.client import Client

CALLS: list[str] = []


@pytest.fixture(autouse=True)
def _reset_calls() -> Iterator[None]:
    CALLS.clear()
    yield
    CALLS.clear()


@step
def load(rows: int = 3) -> Annotated[list, "rows"]:
    CALLS.append("load")
    return list(range(rows))


@step
def transform(rows: list, factor: int = 2) -> Annotated[list, "transformed"]:
    CALLS.append("transform")
    return [r * factor for r in rows]


@step
def report(values: list) -> Annotated[dict, "report"]:
    CALLS.append("report")
    return {"total": sum(values)}


@step(enable_cache=False)
def always_fresh(values: list) -> int:
    CALLS.append("always_fresh")
    return len(values)


@step(enable_cache=True)
def insists_on_cache(values: list) -> int:
    CALLS.append("insists_on_cache")
    return max(values)


@step(enable_cache=False)
def uncached_constant() -> dict:
    CALLS.append("uncached_constant")
    return {"threshold": 0.5, "labels": ["a", "b"]}


@step
def uses_constant(config: dict) -> float:
    CALLS.append("uses_constant")
    return config["threshold"] * 2


@pipeline
def chain(rows: int = 3, factor: int = 2):
    data = load(rows=rows)
    report(transform(data, factor=factor))


@pipeline
def with_uncached_step():
    data = load()
    always_fresh(data)
    report(data)


@pipeline(enable_cache=False)
def pipeline_cache_off():
    data = load()
    insists_on_cache(data)


@pipeline
def content_hash_pipeline():
    uses_constant(uncached_constant())


def _output_ids(run) -> dict[str, list[str]]:
    return {inv: sorted(v[0].id for v in s.outputs.values()) for inv, s in run.steps.items()}


def test_identical_rerun_is_fully_cached_and_reuses_the_same_artifact_versions():
    first = chain()
    versions_before = Client().list_artifact_versions().total
    CALLS.clear()

    second = chain()

    assert second.status == "completed"
    assert {inv: s.status for inv, s in second.steps.items()} == {
        "load": "cached",
        "transform": "cached",
        "report": "cached",
    }
    assert CALLS == []
    assert _output_ids(second) == _output_ids(first)
    assert Client().list_artifact_versions().total == versions_before == 3
    assert second.steps["report"].output.load() == {"total": 6}
    for inv, step_run in second.steps.items():
        assert step_run.original_step_run_id == first.steps[inv].id


def test_changed_parameter_reruns_that_step_and_downstream_but_not_upstream():
    first = chain(factor=2)
    CALLS.clear()

    second = chain(factor=3)

    assert second.steps["load"].status == "cached"
    assert second.steps["transform"].status == "completed"
    assert second.steps["report"].status == "completed"
    assert CALLS == ["transform", "report"]
    assert second.steps["load"].output.id == first.steps["load"].output.id
    assert second.steps["report"].output.load() == {"total": 9}


def test_changed_upstream_parameter_reruns_everything_downstream():
    chain(rows=3)
    CALLS.clear()

    run = chain(rows=4)

    assert {s.status for s in run.steps.values()} == {"completed"}
    assert CALLS == ["load", "transform", "report"]


def test_going_back_to_an_earlier_parameter_hits_the_cache_again():
    first = chain(factor=2)
    chain(factor=3)
    CALLS.clear()

    third = chain(factor=2)

    assert {s.status for s in third.steps.values()} == {"cached"}
    assert CALLS == []
    assert _output_ids(third) == _output_ids(first)


def test_step_with_enable_cache_false_always_reruns():
    with_uncached_step()
    CALLS.clear()

    run = with_uncached_step()

    assert run.steps["always_fresh"].status == "completed"
    assert run.steps["load"].status == "cached"
    assert run.steps["report"].status == "cached"
    assert CALLS == ["always_fresh"]
    assert (
        Client().list_artifact_versions(name="with_uncached_step::always_fresh::output").total == 2
    )


def test_step_enable_cache_true_beats_pipeline_enable_cache_false():
    pipeline_cache_off()
    CALLS.clear()

    run = pipeline_cache_off()

    assert run.steps["load"].status == "completed"
    assert run.steps["insists_on_cache"].status == "cached"
    assert CALLS == ["load"]


def test_pipeline_with_options_enable_cache_false_reruns_everything():
    chain()
    CALLS.clear()

    run = chain.with_options(enable_cache=False)()

    assert {s.status for s in run.steps.values()} == {"completed"}
    assert CALLS == ["load", "transform", "report"]


def test_deleted_cached_output_makes_the_step_run_again():
    first = chain()
    shutil.rmtree(first.steps["transform"].output.uri)
    CALLS.clear()

    second = chain()

    assert second.steps["load"].status == "cached"
    assert second.steps["transform"].status == "completed"
    assert second.steps["transform"].output.id != first.steps["transform"].output.id
    assert second.steps["transform"].output.load() == [0, 2, 4]
    # the re-created output has the same content: its consumer still hits the cache
    assert second.steps["report"].status == "cached"
    assert CALLS == ["transform"]


def test_identical_output_of_a_reexecuted_upstream_lets_downstream_hit_the_cache():
    first = content_hash_pipeline()
    CALLS.clear()

    second = content_hash_pipeline()

    assert second.steps["uncached_constant"].status == "completed"
    assert second.steps["uncached_constant"].output.id != first.steps["uncached_constant"].output.id
    assert second.steps["uses_constant"].status == "cached"
    assert CALLS == ["uncached_constant"]
    assert second.steps["uses_constant"].output.id == first.steps["uses_constant"].output.id


# -- editing a step's code -------------------------------------------------------------------
STEP_MODULE = """
from stackwise import step


@step
def produce() -> int:
    {body}
"""


@pytest.fixture
def editable_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """A module on disk holding step `produce`, and a function that rewrites its body."""
    name = f"sw_editable_{tmp_path.name.replace('-', '_')}"
    path = tmp_path / f"{name}.py"
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)

    def write(body: str) -> object:
        path.write_text(textwrap.dedent(STEP_MODULE).format(body=body))
        importlib.invalidate_caches()
        if name in sys.modules:
            return importlib.reload(sys.modules[name])
        return importlib.import_module(name)

    yield write
    sys.modules.pop(name, None)


@step
def consume(value: int) -> int:
    CALLS.append("consume")
    return value + 1


def _edit_pipeline(module: object):
    @pipeline(name="edited")
    def edited():
        consume(module.produce())

    return edited


def test_editing_a_step_body_reruns_it_and_its_consumer_when_the_output_changes(editable_step):
    first = _edit_pipeline(editable_step("return 1"))()
    CALLS.clear()

    second = _edit_pipeline(editable_step("return 1000"))()

    assert second.steps["produce"].status == "completed"
    assert second.steps["consume"].status == "completed"
    assert second.steps["consume"].output.load() == 1001
    assert CALLS == ["consume"]
    assert first.steps["produce"].cache_key != second.steps["produce"].cache_key


def test_editing_a_step_body_without_changing_its_output_keeps_the_consumer_cached(editable_step):
    _edit_pipeline(editable_step("return 1"))()
    CALLS.clear()

    run = _edit_pipeline(editable_step("value = 1  # computed differently now\n    return value"))()

    assert run.steps["produce"].status == "completed"
    assert run.steps["consume"].status == "cached"
    assert CALLS == []


def test_unchanged_step_module_reloaded_stays_cached(editable_step):
    _edit_pipeline(editable_step("return 1"))()

    run = _edit_pipeline(editable_step("return 1"))()

    assert {s.status for s in run.steps.values()} == {"cached"}
