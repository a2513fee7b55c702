"""What the CLI shows of runs: `pipeline run` prints the run's progress (`--quiet`: only the
outcome), the runs table keeps each run on one line at 80 columns (`--wide` shows whole names
and ids), and statuses are coloured on a terminal."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from stackwise.client import Client

PIPELINES = """
from stackwise import pipeline, step


@step
def make() -> int:
    return 2


@step
def explode(x: int) -> int:
    raise ValueError("nope")


@pipeline
def a_pipeline_with_a_rather_long_descriptive_name():
    make()


@pipeline
def broken_one():
    explode(make())
"""


@pytest.fixture
def module() -> Iterator[str]:
    name = f"progress_pipelines_{uuid.uuid4().hex[:8]}"
    Path(f"{name}.py").write_text(PIPELINES)
    yield name
    sys.modules.pop(name, None)


LONG = "a_pipeline_with_a_rather_long_descriptive_name"


def table_rows(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("│")]


def test_run_prints_progress_and_quiet_only_the_outcome(ok, module: str) -> None:
    out = ok("pipeline", "run", f"{module}.{LONG}").stdout
    assert f"Running pipeline '{LONG}' on stack 'default'." in out
    assert "Step make has started." in out and "Step make has finished in " in out
    assert "Inspect it: stackwise pipeline runs describe " in out
    assert "┃ STEP" not in out  # the progress already listed every step
    assert f"of pipeline '{LONG}': completed." in out

    quiet = ok("pipeline", "run", f"{module}.{LONG}", "--quiet").stdout
    assert quiet.splitlines() == [
        f"Run '{Client().list_pipeline_runs(pipeline_name=LONG).items[0].name}' of pipeline "
        f"'{LONG}': completed."
    ]


def test_quiet_failed_run_still_says_why(invoke, module: str) -> None:
    result = invoke("pipeline", "run", f"{module}.broken_one", "-q")
    assert result.exit_code == 1
    assert "Step " not in result.stdout
    assert "ValueError: nope" in result.stderr


def test_verbosity_warn_keeps_the_step_table(ok, module: str) -> None:
    out = ok(
        "pipeline", "run", f"{module}.{LONG}", env={"STACKWISE_LOGGING_VERBOSITY": "WARN"}
    ).stdout
    assert "Step make has started." not in out
    assert "┃ STEP" in out and "make" in out


def test_runs_table_never_wraps_at_80_columns(ok, module: str) -> None:
    for _ in range(3):
        ok("pipeline", "run", f"{module}.{LONG}", "-q")
    runs = Client().list_pipeline_runs(pipeline_name=LONG).items
    assert len(runs[0].name) > 60  # far too long for its column at 80

    out = ok("pipeline", "runs", "list", env={"COLUMNS": "80"}).stdout
    table = [line for line in out.splitlines() if line[:1] in "┏┃┡│└"]
    assert all(len(line) <= 80 for line in table), out
    rows = table_rows(out)
    assert len(rows) == 3, out  # one line per run
    for run, row in zip(runs, rows, strict=True):
        assert str(run.id)[:8] in row  # a short id `runs describe` takes
        assert run.name[:5] in row and run.name[-6:] in row and "…" in row
        assert "completed" in row
    assert out.splitlines()[-1].endswith("--wide: whole names.")
    described = ok("pipeline", "runs", "describe", str(runs[0].id)[:8]).stdout
    assert runs[0].name in described


def test_wide_shows_whole_names_and_ids(ok, module: str) -> None:
    ok("pipeline", "run", f"{module}.{LONG}", "-q")
    run = Client().list_pipeline_runs(pipeline_name=LONG).items[0]
    out = ok("pipeline", "runs", "list", "--wide", env={"COLUMNS": "250"}).stdout
    assert run.name in out and str(run.id) in out
    assert "--wide" not in out
    folded = ok("pipeline", "runs", "list", "--wide", env={"COLUMNS": "80"}).stdout
    assert run.name.replace("_", "") in "".join(
        line.split("│")[2].strip() for line in table_rows(folded)
    ).replace("_", "")


def test_short_names_are_left_whole(ok, module: str) -> None:
    ok("pipeline", "run", f"{module}.{LONG}", "-q")
    run = Client().list_pipeline_runs(pipeline_name=LONG).items[0]
    out = ok("pipeline", "runs", "list", env={"COLUMNS": "200"}).stdout
    assert run.name in out and "…" not in out


def test_statuses_are_coloured_on_a_terminal(ok, invoke, module: str) -> None:
    ok("pipeline", "run", f"{module}.{LONG}", "-q")
    invoke("pipeline", "run", f"{module}.broken_one", "-q")
    coloured = ok("pipeline", "runs", "list", env={"FORCE_COLOR": "1", "COLUMNS": "120"}).stdout
    assert "\x1b[32mcompleted" in coloured and "\x1b[31mfailed" in coloured
    plain = ok("pipeline", "runs", "list", env={"COLUMNS": "120"}).stdout
    assert "\x1b[" not in plain  # piped: no escape codes
    run = Client().list_pipeline_runs(pipeline_name="broken_one").items[0]
    described = ok("pipeline", "runs", "describe", run.name, env={"FORCE_COLOR": "1"}).stdout
    assert "\x1b[31mfailed" in described
