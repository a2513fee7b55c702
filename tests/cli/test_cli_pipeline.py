"""`stackwise pipeline run MODULE.PIPELINE` on a tiny pipeline written into the test's cwd, then
what `pipeline list`, `pipeline runs list/describe` and `artifact list/versions` show of it."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from stackwise.client import Client

PIPELINES = """
from stackwise import pipeline, step


@step
def make(n: int = 3) -> int:
    return n * 2


@step
def add(x: int, y: int = 1) -> int:
    return x + y


@step
def explode(x: int) -> int:
    raise ValueError(f"cannot handle {x}")


@step
def after(x: int) -> int:
    return x


@pipeline
def tiny(n: int = 3):
    add(make(n=n))


@pipeline
def broken():
    after(explode(make()))


not_a_pipeline = 42
"""


@pytest.fixture
def module() -> Iterator[str]:
    """A module of pipelines in the cwd, under a fresh name (sys.modules caches by name)."""
    name = f"user_pipelines_{uuid.uuid4().hex[:8]}"
    Path(f"{name}.py").write_text(PIPELINES)
    yield name
    sys.modules.pop(name, None)


@pytest.fixture
def run_yaml() -> Path:
    path = Path("run.yaml")
    path.write_text("run_name: tiny-from-cli\nparameters:\n  n: 5\n")
    return path


def test_run_with_config_then_inspect_everything(ok, module: str, run_yaml: Path) -> None:
    out = ok("pipeline", "run", f"{module}.tiny", "-c", str(run_yaml)).stdout
    assert "Running pipeline 'tiny' on stack 'default'." in out
    assert "Run 'tiny-from-cli' of pipeline 'tiny': completed." in out
    assert str(Path.cwd()) not in sys.path  # the cwd was on sys.path for this run only

    run = Client().get_pipeline_run("tiny-from-cli")
    assert run.steps["add"].output.load() == 11  # n=5 from run.yaml: 5 * 2 + 1

    runs = ok("pipeline", "runs", "list").stdout
    assert "tiny-from-cli" in runs and "completed" in runs and "(1 run)" in runs

    described = ok("pipeline", "runs", "describe", "tiny-from-cli").stdout
    for text in (
        "Pipeline run 'tiny-from-cli'",
        "pipeline",
        "tiny",
        "stack",
        "default",
        "make",
        "add",
        "completed",
        "output -> tiny::make::output (version 1)",
        "output -> tiny::add::output (version 1)",
    ):
        assert text in described

    pipelines = ok("pipeline", "list").stdout
    assert "tiny" in pipelines and "tiny-from-cli" in pipelines

    artifacts = ok("artifact", "list").stdout
    assert "tiny::make::output" in artifacts and "tiny::add::output" in artifacts

    versions = ok("artifact", "versions", "tiny::add::output").stdout
    assert "Artifact 'tiny::add::output'" in versions
    assert "builtins:int" in versions and "(1 version)" in versions


def test_module_colon_form_and_second_run_is_cached(ok, module: str) -> None:
    ok("pipeline", "run", f"{module}:tiny")
    ok("pipeline", "run", f"{module}.tiny")
    runs = Client().list_pipeline_runs(pipeline_name="tiny")
    assert runs.total == 2
    newest = runs.items[0]
    assert {str(s.status) for s in newest.steps.values()} == {"cached"}
    assert "cached" in ok("pipeline", "runs", "describe", newest.name).stdout


def test_failed_run_exits_1_and_describe_shows_the_exception(ok, invoke, module: str) -> None:
    result = invoke("pipeline", "run", f"{module}.broken")
    assert result.exit_code == 1
    assert "has failed due to failure in step(s): explode" in result.stderr
    assert "ValueError: cannot handle 6" in result.stderr
    assert "Traceback" not in result.output
    assert "of pipeline 'broken': failed." in result.stdout

    run = Client().list_pipeline_runs(pipeline_name="broken").items[0]
    assert "failed" in ok("pipeline", "runs", "list", "--status", "failed").stdout
    described = ok("pipeline", "runs", "describe", run.name).stdout
    assert "Step 'explode' failed: ValueError: cannot handle 6" in described
    assert "not run" in described  # `after` never ran
    assert "--traceback" in described
    full = ok("pipeline", "runs", "describe", run.name, "--traceback").stdout
    assert "Traceback (most recent call last)" in full and "raise ValueError" in full


def test_runs_list_filters(ok, invoke, module: str) -> None:
    ok("pipeline", "run", f"{module}.tiny")
    invoke("pipeline", "run", f"{module}.broken")
    only_tiny = ok("pipeline", "runs", "list", "--pipeline", "tiny").stdout
    assert "tiny-" in only_tiny and "broken-" not in only_tiny
    only_failed = ok("pipeline", "runs", "list", "--status", "failed").stdout
    assert "broken-" in only_failed and "tiny-" not in only_failed
    assert "No pipeline runs match." in ok("pipeline", "runs", "list", "--status", "cached").stdout
    unknown = invoke("pipeline", "runs", "list", "--pipeline", "tinny")
    assert unknown.exit_code == 1 and "Did you mean 'tiny'?" in unknown.stderr
    bad_status = invoke("pipeline", "runs", "list", "--status", "done")
    assert bad_status.exit_code == 2


def test_stack_option_applies_to_that_run_only(ok, invoke, module: str) -> None:
    ok("stack", "register", "other", "-o", "default", "-a", "default")
    out = ok("pipeline", "run", f"{module}.tiny", "--stack", "other").stdout
    assert "on stack 'other'" in out
    run = Client().list_pipeline_runs(pipeline_name="tiny").items[0]
    assert run.stack_id == Client().get_stack("other").id
    assert "STACKWISE_STACK" not in os.environ
    assert Client().active_stack_name == "default"

    unknown = invoke("pipeline", "run", f"{module}.tiny", "--stack", "othr")
    assert unknown.exit_code == 1 and "Did you mean 'other'?" in unknown.stderr


@pytest.mark.parametrize(
    ("source", "problem", "code"),
    [
        ("no_such_module.tiny", "Cannot import module 'no_such_module'", 1),
        ("{module}.tiyn", "has no attribute 'tiyn'. Did you mean 'tiny'?", 1),
        ("{module}.not_a_pipeline", "is a int, not a @pipeline", 1),
        ("tiny", "is not MODULE.PIPELINE", 2),
    ],
)
def test_run_source_mistakes(invoke, module: str, source: str, problem: str, code: int) -> None:
    result = invoke("pipeline", "run", source.format(module=module))
    assert result.exit_code == code
    assert problem in result.stderr
    assert "Traceback" not in result.output


def test_run_config_errors_are_clean(invoke, module: str) -> None:
    Path("bad.yaml").write_text("parameterz: {}\n")
    result = invoke("pipeline", "run", f"{module}.tiny", "-c", "bad.yaml")
    assert result.exit_code == 1
    assert "unknown key 'parameterz'" in result.stderr
    missing = invoke("pipeline", "run", f"{module}.tiny", "-c", "nope.yaml")
    assert missing.exit_code == 2 and "nope.yaml" in missing.stderr


def test_run_in_a_real_process(stackwise_process, module: str, run_yaml: Path) -> None:
    result = stackwise_process("pipeline", "run", f"{module}.tiny", "-c", str(run_yaml))
    assert result.returncode == 0, result.stderr
    assert "Run 'tiny-from-cli' of pipeline 'tiny': completed." in result.stdout
    failed = stackwise_process("pipeline", "run", f"{module}.broken")
    assert failed.returncode == 1
    assert "explode" in failed.stderr and "Traceback" not in failed.stderr


def test_empty_listings_say_what_to_do(ok) -> None:
    assert "No pipelines yet" in ok("pipeline", "list").stdout
    assert "No pipeline runs yet" in ok("pipeline", "runs", "list").stdout
    assert "No artifacts yet" in ok("artifact", "list").stdout


def test_unknown_artifact_and_run(invoke) -> None:
    for args in (("artifact", "versions", "nothing"), ("pipeline", "runs", "describe", "nope")):
        result = invoke(*args)
        assert result.exit_code == 1 and result.stderr.startswith("Error: No ")


def _seed_runs(count: int) -> None:
    """`count` finished runs of pipeline `bulk`, inserted in one statement."""
    from sqlalchemy import insert

    from stackwise.store import get_store
    from stackwise.store.sql import schema

    store = get_store()
    pipeline = store.get_or_create_pipeline("bulk")
    now = datetime(2024, 1, 1, 12, 0, 0)
    rows = [
        {
            "id": str(uuid.uuid4()),
            "name": f"bulk-{i:05d}",
            "pipeline_id": pipeline.id,
            "status": "completed",
            "spec": {"name": "bulk", "steps": {}},
            "config": {"parameters": {}},
            "stack_id": None,
            "created": now - timedelta(seconds=i),
            "end_time": now,
            "heartbeat": None,
            "resumed_from_id": None,
        }
        for i in range(count)
    ]
    with store.engine.begin() as conn:
        conn.execute(insert(schema.pipeline_runs), rows)


def test_runs_list_pages_in_sql_with_10000_runs(ok) -> None:
    # its time against the 0.5 s budget is measured by benchmarks/bench_client.py
    _seed_runs(10_000)
    out = ok("pipeline", "runs", "list").stdout
    assert "Page 1 of 500 (10000 runs)" in out  # ZenML's page size: 20
    assert "bulk-00000" in out and "bulk-00019" in out and "bulk-00020" not in out
    page = ok("pipeline", "runs", "list", "--page", "3", "--size", "10").stdout
    assert "bulk-00020" in page and "bulk-00029" in page and "bulk-00030" not in page
