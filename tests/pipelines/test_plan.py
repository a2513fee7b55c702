"""`plan_pipeline` / `Client().plan`: for each step, `cached` or `will run` and why — no earlier
run, caching disabled, an upstream step runs, deleted outputs, or which parts of the cache key
changed (code, parameters, inputs, artifact store) — while nothing is run or recorded."""

from __future__ import annotations

import dataclasses
import importlib
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import pytest

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.models.artifact_config import ExternalArtifact
from stackwise.pipelines.plan import PipelinePlan, part_digests, plan_pipeline

CALLS: list[str] = []


@pytest.fixture(autouse=True)
def _reset() -> Iterator[None]:
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
def fresh(values: list) -> int:
    CALLS.append("fresh")
    return len(values)


@pipeline(run_name="chain-{time}")
def chain(rows: int = 3, factor: int = 2):
    report(transform(load(rows=rows), factor=factor))


@pipeline
def with_fresh():
    fresh(load())


@pipeline
def external(values: list):
    report(ExternalArtifact(value=values))


def decisions(plan: PipelinePlan) -> dict[str, str]:
    return {p.invocation_id: f"{p.decision}: {p.reason}" for p in plan}


def only_run() -> str:
    return Client().get_pipeline("chain").last_run.name


def test_before_any_run_every_step_will_run() -> None:
    assert decisions(plan_pipeline(chain)) == {
        "load": "will run: no earlier completed run of this step",
        "transform": "will run: upstream 'load' runs",
        "report": "will run: upstream 'transform' runs",
    }


def test_after_a_run_every_step_is_cached_and_nothing_is_recorded() -> None:
    chain()
    name = only_run()
    runs_before = Client().list_pipeline_runs().total

    plan = Client().plan(chain)

    assert decisions(plan) == {
        s: f"cached: outputs of run '{name}'" for s in ("load", "transform", "report")
    }
    assert plan.will_run == [] and plan.stack_name == "default"
    assert plan["load"].cache_key == Client().get_pipeline_run(name).steps["load"].cache_key
    assert CALLS == ["load", "transform", "report"]  # the run's calls only
    assert Client().list_pipeline_runs().total == runs_before


def test_a_changed_parameter_is_named() -> None:
    chain()

    plan = plan_pipeline(chain, factor=5)

    assert decisions(plan) == {
        "load": f"cached: outputs of run '{only_run()}'",
        "transform": f"will run: parameters (factor) changed since run '{only_run()}'",
        "report": "will run: upstream 'transform' runs",
    }


def test_caching_disabled_and_deleted_outputs_are_reasons() -> None:
    with_fresh()
    run = Client().get_pipeline("with_fresh").last_run
    Client().active_stack.artifact_store.rmtree(run.steps["load"].output.uri)

    assert decisions(plan_pipeline(with_fresh)) == {
        "load": f"will run: the cached outputs of run '{run.name}' were deleted",
        "fresh": "will run: caching disabled",
    }


def test_an_external_artifact_is_planned_by_its_content() -> None:
    external(values=[1, 2])

    assert plan_pipeline(external, values=[1, 2])["report"].decision == "cached"
    changed = plan_pipeline(external, values=[1, 2, 3])["report"]
    assert changed.will_run and changed.reason.startswith("inputs changed since run")


def test_another_artifact_store_is_named(tmp_path: Path) -> None:
    chain()
    client = Client()
    client.create_stack_component(
        "elsewhere", "local", "artifact_store", {"path": str(tmp_path / "elsewhere")}
    )
    client.create_stack("elsewhere", {"orchestrator": "default", "artifact_store": "elsewhere"})
    client.activate_stack("elsewhere")

    load_plan = Client().plan(chain)["load"]

    assert load_plan.reason == f"artifact store changed since run '{only_run()}'"


# -- code -----------------------------------------------------------------------------------------
STEP_MODULE = """
from typing import Annotated
from stackwise import step


@step
def produce() -> Annotated[list, "produced"]:
    {body}
"""


@pytest.fixture
def editable_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[str], Any]]:
    """A module on disk holding step `produce`, and a function that rewrites its body."""
    name = f"sw_plan_{tmp_path.name.replace('-', '_')}"
    path = tmp_path / f"{name}.py"
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)

    def write(body: str) -> Any:
        path.write_text(textwrap.dedent(STEP_MODULE).format(body=body))
        importlib.invalidate_caches()
        if name in sys.modules:
            return importlib.reload(sys.modules[name])
        return importlib.import_module(name)

    yield write
    sys.modules.pop(name, None)


def edited(module: Any) -> Any:
    @pipeline(name="edited")
    def edited_pipeline():
        report(transform(module.produce()))

    return edited_pipeline


def test_changed_code_is_named(editable_step: Callable[[str], Any]) -> None:
    first = edited(editable_step("return [1]"))()

    plan = plan_pipeline(edited(editable_step("return [1, 2]")))

    assert decisions(plan)["produce"] == f"will run: code changed since run '{first.name}'"


def test_recorded_cache_parts_are_compared_directly() -> None:
    """With `cache_parts` in a step run's config (what the StepRunner will record), the plan
    compares those digests instead of rebuilding the parts."""
    from stackwise.pipelines import plan as plan_module

    chain()
    run = Client().get_pipeline("chain").last_run
    record = run.steps["load"].record
    spec = dataclasses.replace(
        plan_module.PipelineSpec.from_dict(run.spec).steps["load"], parameters={"rows": 4}
    )
    history = plan_module._History(
        Client().store, "chain", {"load"}, Client().active_stack.artifact_store
    )
    parts = plan_module.cache_key_parts(spec, {}, Client().active_stack.artifact_store.id)
    recorded = {**part_digests(parts), "code": "0" * 12}
    history.latest["load"] = (
        run.record,
        dataclasses.replace(record, config={**record.config, "cache_parts": recorded}),
    )

    assert history.why(spec, parts, {}) == f"code changed since run '{run.name}'"
