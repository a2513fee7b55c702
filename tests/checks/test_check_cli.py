"""`stackwise check` as users and tools see it: the lines, the summary, the exit codes, the JSON,
and the metadata store read only for SW004."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from stackwise.client import Client

CLEAN = """
from typing import Annotated
from stackwise import step

@step
def train(x: int) -> Annotated[int, "model"]:
    return x
"""
BROKEN = """
import boto3
from stackwise import step

@step
def save(df):
    boto3.client("s3")
    df.to_parquet("/tmp/features.parquet")
    return df
"""
TRACKED = """
from stackwise import step

@step(experiment_tracker="mlflow_tracker")
def train() -> None:
    pass
"""


def test_clean_code_exits_0_with_a_summary(invoke, write) -> None:
    path = write(CLEAN)
    result = invoke("check", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout == "No problems found in 1 file.\n"


def test_findings_are_one_line_each_then_a_count_and_exit_1(invoke, write) -> None:
    path = write(BROKEN)
    write(CLEAN)
    result = invoke("check", str(path.parent))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [line.split(" step ")[0] for line in lines[:-1]] == [
        f"{path}:5:1: SW003",
        f"{path}:6:5: SW001",
        f"{path}:7:19: SW002",
    ]
    assert lines[-1] == "Found 3 problems (SW001: 1, SW002: 1, SW003: 1) in 2 files."
    assert result.stderr == ""


def test_the_current_folder_is_the_default(
    invoke, write, samples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(BROKEN, "pkg/steps.py")
    write(BROKEN, ".venv/lib/site.py")
    monkeypatch.chdir(samples)
    result = invoke("check")
    assert result.exit_code == 1
    assert all(line.startswith("pkg/steps.py:") for line in result.stdout.splitlines()[:-1])


def test_json_is_for_machines(invoke, write) -> None:
    path = write(BROKEN)
    result = invoke("check", "--format", "json", str(path))
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["files_checked"] == 1
    assert report["counts"] == {"SW001": 1, "SW002": 1, "SW003": 1}
    assert report["sw004"] == "not needed"
    assert report["findings"][0] == {
        "path": str(path),
        "line": 5,
        "col": 1,
        "code": "SW003",
        "severity": "error",
        "message": report["findings"][0]["message"],
    }
    assert invoke("check", "--format", "json", str(write(CLEAN))).exit_code == 0


def test_a_missing_path_is_a_usage_error(invoke) -> None:
    result = invoke("check", "nowhere.py")
    assert result.exit_code == 2
    assert "'nowhere.py' does not exist" in result.stderr


def test_sw004_reads_the_registered_trackers(invoke, write) -> None:
    path = write(TRACKED)
    missing = invoke("check", str(path))
    assert missing.exit_code == 1
    assert missing.stdout.startswith(
        f"{path}:3:26: SW004 step 'train' uses experiment_tracker='mlflow_tracker', but no "
        "experiment tracker of that name is registered (registered: none)"
    )
    assert "`stackwise stack update default -e mlflow_tracker`" in missing.stdout

    client = Client()
    client.create_stack_component("mlflow_tracker", "mlflow", "experiment_tracker", {})
    note = invoke("check", str(path))
    assert note.exit_code == 0, note.output
    assert note.stdout.splitlines() == [
        f"{path}:3:26: SW004 note: step 'train' uses experiment_tracker='mlflow_tracker', but "
        "the active stack 'default' has no experiment tracker of that name, so a run on it "
        "fails. Add it: `stackwise stack update default -e mlflow_tracker`.",
        "No problems found in 1 file, 1 note.",
    ]

    client.create_stack(
        "demo",
        {
            "orchestrator": "default",
            "artifact_store": "default",
            "experiment_tracker": "mlflow_tracker",
        },
    )
    client.activate_stack("demo")
    clean = invoke("check", str(path))
    assert (clean.exit_code, clean.stdout) == (0, "No problems found in 1 file.\n")


def test_offline_skips_sw004(invoke, write) -> None:
    result = invoke("check", "--offline", str(write(TRACKED)))
    assert result.exit_code == 0
    assert result.stdout == "No problems found in 1 file; SW004 skipped (--offline).\n"
    path = str(write(TRACKED))
    report = json.loads(invoke("check", "--offline", "--format", "json", path).stdout)
    assert (report["sw004"], report["findings"]) == ("skipped", [])
    assert json.loads(invoke("check", "--format", "json", path).stdout)["sw004"] == "checked"


def test_the_store_is_not_opened_unless_a_step_names_a_tracker(
    invoke, write, stackwise_home: Path
) -> None:
    assert invoke("check", str(write(BROKEN))).exit_code == 1
    assert not stackwise_home.exists()


def test_an_unreadable_store_exits_2_and_says_how_to_check_anyway(
    invoke, write, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STACKWISE_STORE_URL", "nosuchdb://nowhere")
    result = invoke("check", str(write(TRACKED)))
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "Error: Could not read the experiment trackers from the metadata store for SW004 ("
    )
    assert result.stderr.rstrip().endswith("skip SW004: `stackwise check --offline`.")


def test_help_lists_the_rules(invoke) -> None:
    out = invoke("check", "--help").stdout
    for code in ("SW000", "SW001", "SW002", "SW003", "SW004"):
        assert f"  {code}  " in out
    assert "check " in invoke("--help").stdout


def test_a_real_process_imports_nothing_heavy(write) -> None:
    """The check reads source only: no store, ORM, validation or table library is loaded."""
    path = write(BROKEN)
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "stackwise.cli.main", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    imported = {
        line.rsplit("|", 1)[-1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    for heavy in ("sqlalchemy", "pydantic", "rich", "stackwise.client", "stackwise.store"):
        assert not any(m == heavy or m.startswith(heavy + ".") for m in imported), heavy
