"""What a user sees of a failed run: one paragraph (the run, each failed step with its
exception's type and message and the line of the user's own code it came from, how to resume,
where the full traceback is), not the chain of library frames under it. A plain `python
script.py` that does not catch the error prints just that paragraph under a few frames of its
own; the full traceback stays on the step run. ZenML code catching `Exception` still does."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.exceptions import PipelineRunFailedError
from stackwise.pipelines.run_failure import user_frame

SCRIPT = """
import json

from stackwise import pipeline, step


@step
def load() -> int:
    return 1


@step
def parse(x: int) -> dict:
    return json.loads("{not json")  # the user's line


@pipeline
def parsing():
    parse(load())


if __name__ == "__main__":
    {call}
"""


def run_script(tmp_path: Path, call: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "train.py"
    script.write_text(textwrap.dedent(SCRIPT).replace("{call}", call))
    env = {**os.environ, "STACKWISE_HOME": str(tmp_path / "home")}
    return subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        text=True,
        capture_output=True,
        timeout=120,
        check=False,
    )


def test_an_uncaught_run_failure_prints_the_summary_not_the_library_traceback(
    tmp_path: Path,
) -> None:
    result = run_script(tmp_path, "parsing()")

    assert result.returncode == 1
    script = tmp_path / "train.py"
    line = next(
        i for i, text in enumerate(script.read_text().splitlines(), 1) if "the user's line" in text
    )
    error = result.stderr[result.stderr.index("Traceback (most recent call last)") :]
    assert "json/decoder.py" not in error and "site-packages" not in error
    assert "The above exception was the direct cause" not in error
    assert "During handling of the above exception" not in error
    assert len(error.splitlines()) <= 15, error
    assert "stackwise.exceptions.PipelineRunFailedError: Pipeline run 'parsing-" in error
    assert "has failed due to failure in step(s): parse." in error
    assert "  parse: JSONDecodeError: Expecting property name enclosed in double quotes" in error
    assert f"    at {script}:{line} in parse" in error
    assert "`stackwise pipeline runs resume parsing-" in error
    assert "--traceback`." in error


def test_a_script_catching_exception_still_catches_it(tmp_path: Path) -> None:
    result = run_script(
        tmp_path,
        textwrap.dedent("""
        try:
            parsing()
        except Exception as error:  # what ZenML users write
            print("caught", type(error).__name__, isinstance(error, RuntimeError))
    """)
        .strip()
        .replace("\n", "\n    "),
    )

    assert result.returncode == 0, result.stderr
    assert "caught PipelineRunFailedError True" in result.stdout


@step
def fails_in_user_code() -> int:
    values: dict[str, int] = {}
    return values["missing"]  # the failing line


@pipeline(enable_cache=False)
def user_code_failure():
    fails_in_user_code()


def test_the_summary_names_the_user_frame_and_the_full_traceback_stays_on_the_step_run() -> None:
    with pytest.raises(PipelineRunFailedError) as raised:
        user_code_failure()

    run = Client().get_pipeline("user_code_failure").last_run
    lines = str(raised.value).splitlines()
    assert lines[0] == (
        f"Pipeline run '{run.name}' has failed due to failure in step(s): fails_in_user_code."
    )
    assert lines[1] == "  fails_in_user_code: KeyError: 'missing'"
    assert lines[2].startswith(f"    at {__file__}:") and lines[2].endswith(
        " in fails_in_user_code"
    )
    assert lines[3] == (
        "Fix the cause, then resume the run (steps that succeeded are reused): "
        f"`stackwise pipeline runs resume {run.name}`. Full traceback: "
        f"`stackwise pipeline runs describe {run.name} --traceback`."
    )
    assert len(lines) == 4
    info = run.steps["fails_in_user_code"].exception_info
    assert "step_runner.py" in info["traceback"]  # the full traceback, stackwise's frames too
    assert 'return values["missing"]  # the failing line' in info["traceback"]


def test_a_long_message_is_cut_in_the_summary_but_kept_whole_on_the_step_run() -> None:
    with pytest.raises(PipelineRunFailedError) as raised:
        long_message()

    summary = str(raised.value)
    assert "x" * 2000 not in summary and "(cut: the full message is in `runs describe`)" in summary
    run = Client().get_pipeline("long_message").last_run
    assert run.steps["shouts"].exception_info["message"] == "x" * 2000


@step
def shouts() -> int:
    raise RuntimeError("x" * 2000)


@pipeline(enable_cache=False)
def long_message():
    shouts()


def test_user_frame_skips_stackwise_the_standard_library_and_installed_packages() -> None:
    import json

    import stackwise

    stdlib = os.path.dirname(json.__file__)
    own = os.path.dirname(stackwise.__file__)
    text = (
        f'  File "/home/me/project/run.py", line 3, in <module>\n'
        f'  File "{own}/execution/step_runner.py", line 300, in _execute\n'
        f'  File "/home/me/project/steps.py", line 12, in train\n'
        f'  File "{stdlib}/decoder.py", line 337, in decode\n'
        f'  File "<frozen importlib._bootstrap>", line 1, in _load\n'
    )
    assert user_frame(text) == "/home/me/project/steps.py:12 in train"
    assert user_frame(f'  File "{own}/x.py", line 1, in f\n') is None
