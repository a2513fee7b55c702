"""What a run prints while it runs, off a terminal: one plain line per step start and end, as
ZenML prints them ("Step train has started.", "Step train has finished in 0.042s.", "Using
cached version of step load."), then a summary line with the command that inspects the run.
Each test runs a real script in a subprocess and reads its stdout and stderr; the live view
drawn on a terminal is tested in tests/ui."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from stackwise.client import Client

SCRIPT = """
import os
from stackwise import pipeline, step


@step
def load() -> int:
    print("hello from load")
    return 3


@step(enable_cache=False)
def train(x: int) -> int:
    if os.environ.get("FAIL_TRAIN"):
        raise ValueError("the data is bad")
    return x * 2


@step
def evaluate(x: int) -> int:
    return x + 1


@step(enable_cache=False)
def report(model: int, score: int) -> None:
    print("report", model, score)


@pipeline
def progress_demo():
    data = load()
    model = train(data)
    score = evaluate(data)
    report(model, score)


if __name__ == "__main__":
    progress_demo()
"""

DURATION = r"\d+\.\d{3}s"


def run_script(tmp: Path, **env: str) -> subprocess.CompletedProcess[str]:
    script = tmp / "progress_demo.py"
    script.write_text(SCRIPT)
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("STACKWISE_QUIET", "STACKWISE_LOGGING"))
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp,
        timeout=120,
    )


def assert_lines(stdout: str, patterns: list[str]) -> None:
    """Each pattern matches a whole line of `stdout`, in this order (other lines between)."""
    lines = stdout.splitlines()
    at = 0
    for pattern in patterns:
        while at < len(lines) and not re.fullmatch(pattern, lines[at]):
            at += 1
        assert at < len(lines), f"no line matching {pattern!r} (in order) in:\n{stdout}"
        at += 1


def test_executed_cached_and_failed_steps_each_get_their_lines(tmp_path: Path) -> None:
    first = run_script(tmp_path)
    assert first.returncode == 0, first.stderr
    run = Client().list_pipeline_runs(pipeline_name="progress_demo").items[0]
    assert_lines(
        first.stdout,
        [
            r"Running pipeline 'progress_demo' on stack 'default'\.",
            r"Step load has started\.",
            r"hello from load",  # the step's own output, between its lines
            rf"Step load has finished in {DURATION}\.",
            r"Step train has started\.",
            rf"Step train has finished in {DURATION}\.",
            r"Step evaluate has started\.",
            rf"Step evaluate has finished in {DURATION}\.",
            r"Step report has started\.",
            r"report 6 4",
            rf"Step report has finished in {DURATION}\.",
            rf"Pipeline run '{re.escape(run.name)}' has finished in {DURATION}\.",
            rf"Inspect it: stackwise pipeline runs describe {re.escape(run.name)}",
        ],
    )
    assert first.stderr == ""

    second = run_script(tmp_path, FAIL_TRAIN="1")
    assert second.returncode == 1
    failed = Client().list_pipeline_runs(pipeline_name="progress_demo").items[0]
    assert_lines(
        second.stdout,
        [
            r"Using cached version of step load\.",
            r"Step train has started\.",
            rf"Step train has failed after {DURATION}: ValueError: the data is bad",
            r"Using cached version of step evaluate\.",
            rf"Pipeline run '{re.escape(failed.name)}' has failed after {DURATION} \(failed: "
            r"train; not run: report\)\.",
            rf"Inspect it: stackwise pipeline runs describe {re.escape(failed.name)}",
        ],
    )
    assert "Step load has started" not in second.stdout  # a cache hit does not "start"
    assert "hello from load" not in second.stdout
    assert "Skipping step 'report': upstream step 'train' did not succeed." in second.stderr


def test_all_steps_cached_says_so(tmp_path: Path) -> None:
    script = tmp_path / "cached.py"
    script.write_text(SCRIPT.replace("@step(enable_cache=False)", "@step"))
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=120
        )
        assert result.returncode == 0, result.stderr
    assert "All steps of the pipeline run were cached." in result.stdout
    assert "has started" not in result.stdout


def test_local_parallel_workers_report_to_the_parent(tmp_path: Path) -> None:
    client = Client()
    client.create_stack_component("par", "local_parallel", "orchestrator", {"max_workers": 2})
    client.create_stack("par", {"orchestrator": "par", "artifact_store": "default"})
    result = run_script(tmp_path, STACKWISE_STACK="par", FAIL_TRAIN="1")
    assert result.returncode == 1
    # the lines come from the workers' events; the steps' prints are sent through the
    # parent too, so they stay between their step's lines
    assert_lines(
        result.stdout,
        [
            r"Running pipeline 'progress_demo' on stack 'par'\.",
            r"Step load has started\.",
            r"hello from load",
            rf"Step load has finished in {DURATION}\.",
        ],
    )
    assert re.search(
        rf"^Step train has failed after {DURATION}: ValueError: the data is bad$",
        result.stdout,
        re.MULTILINE,
    ), result.stdout
    assert re.search(
        rf"^Step evaluate has finished in {DURATION}\.$", result.stdout, re.MULTILINE
    ), result.stdout
    assert "(failed: train; not run: report)." in result.stdout


@pytest.mark.parametrize(
    "env",
    [
        {"STACKWISE_LOGGING_VERBOSITY": "WARN"},
        {"STACKWISE_LOGGING_VERBOSITY": "error"},
        {"STACKWISE_QUIET": "1"},
    ],
)
def test_verbosity_above_info_and_quiet_print_no_progress(
    tmp_path: Path, env: dict[str, str]
) -> None:
    result = run_script(tmp_path, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "hello from load\nreport 6 4\n"  # the steps' own output only
    assert result.stderr == ""


def test_warnings_still_show_when_quiet(tmp_path: Path) -> None:
    result = run_script(tmp_path, STACKWISE_QUIET="1", FAIL_TRAIN="1")
    assert result.returncode == 1
    assert "Step " not in result.stdout
    assert "Skipping step 'report'" in result.stderr


def test_debug_verbosity_adds_stackwise_debug_logs(tmp_path: Path) -> None:
    result = run_script(tmp_path, STACKWISE_LOGGING_VERBOSITY="DEBUG")
    assert result.returncode == 0, result.stderr
    assert "Running pipeline 'progress_demo' as run 'progress_demo-" in result.stdout
    assert "Step load has started." in result.stdout


def test_an_unknown_verbosity_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    result = run_script(tmp_path, STACKWISE_LOGGING_VERBOSITY="LOUD")
    assert result.returncode == 0, result.stderr
    assert "STACKWISE_LOGGING_VERBOSITY=LOUD is not a logging level" in result.stderr
    assert "Step load has started." in result.stdout


def test_dynamic_pipeline_steps_appear_as_they_are_called(tmp_path: Path) -> None:
    script = tmp_path / "dynamic_demo.py"
    script.write_text("""
from stackwise import pipeline, step


@step
def numbers() -> list[int]:
    return [1, 2]


@step
def double(x: int) -> int:
    print("doubling", x)
    return 2 * x


@pipeline(dynamic=True, enable_cache=False)
def dynamic_demo():
    double.map(numbers())


if __name__ == "__main__":
    dynamic_demo()
""")
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert_lines(
        result.stdout,
        [
            r"Running pipeline 'dynamic_demo' on stack 'default'\.",
            r"Step numbers has started\.",
            rf"Step numbers has finished in {DURATION}\.",
            r"Step map:double:0 has started\.",
            r"doubling 1",
            rf"Step map:double:0 has finished in {DURATION}\.",
            r"Step map:double:1 has started\.",
            r"doubling 2",
            rf"Step map:double:1 has finished in {DURATION}\.",
            rf"Pipeline run 'dynamic_demo-.*' has finished in {DURATION}\.",
        ],
    )


def test_in_process_runs_print_to_the_current_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    from stackwise import pipeline, step

    @step
    def answer() -> int:
        return 42

    @pipeline(enable_cache=False)
    def in_process():
        answer()

    in_process()
    out = capsys.readouterr().out
    assert "Step answer has started." in out
    assert re.search(rf"Step answer has finished in {DURATION}\.", out)
