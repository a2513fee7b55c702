"""A stackwise error that ends a user's program shows the user's lines, not stackwise's
insides; STACKWISE_DEBUG=1 shows everything; other errors and other hooks are left alone.
Each case is a real `python script.py` process, as a user runs one."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import stackwise

PACKAGE_DIR = str(Path(stackwise.__file__).parent)

BAD_PARAMETER = """
    from stackwise import pipeline, step

    @step
    def add(x: int) -> int:
        return x + 1

    @pipeline
    def adder():
        add(x="three")

    def main():
        adder()

    main()
"""


def run_script(tmp_path: Path, source: str, **env: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "user_script.py"
    script.write_text(textwrap.dedent(source))
    environment = {k: v for k, v in os.environ.items() if k != "STACKWISE_DEBUG"}
    environment.update(STACKWISE_QUIET="1", **env)
    return subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=120,
    )


def frames(stderr: str) -> list[str]:
    return [line.strip() for line in stderr.splitlines() if line.strip().startswith("File ")]


def test_a_validation_error_shows_only_the_users_frames(tmp_path: Path) -> None:
    result = run_script(tmp_path, BAD_PARAMETER)
    assert result.returncode == 1
    shown = frames(result.stderr)
    lines = textwrap.dedent(BAD_PARAMETER).splitlines()
    calls = [f"line {lines.index(call) + 1}" for call in ("main()", "    adder()")]
    assert [f.split(", ")[1] for f in shown] == calls
    assert all("user_script.py" in f for f in shown), result.stderr
    assert PACKAGE_DIR not in result.stderr
    assert "PipelineCompilationError: Pipeline 'adder' cannot be compiled" in result.stderr
    assert "Step 'add' parameter 'x' expects int but was given 'three'" in result.stderr
    assert "stackwise-internal frames hidden; STACKWISE_DEBUG=1 shows them." in result.stderr


def test_stackwise_debug_keeps_every_frame(tmp_path: Path) -> None:
    result = run_script(tmp_path, BAD_PARAMETER, STACKWISE_DEBUG="1")
    assert result.returncode == 1
    assert any(PACKAGE_DIR in f for f in frames(result.stderr)), result.stderr
    assert "frames hidden" not in result.stderr


def test_other_errors_keep_their_whole_traceback(tmp_path: Path) -> None:
    """A bug (not a stackwise error) needs stackwise's frames to be reported and fixed."""
    result = run_script(
        tmp_path,
        """
        import stackwise

        def user():
            raise ValueError("the user's own error")

        user()
        """,
    )
    assert result.returncode == 1
    assert "ValueError: the user's own error" in result.stderr
    assert "frames hidden" not in result.stderr


def test_a_hook_the_user_installed_first_still_gets_the_error(tmp_path: Path) -> None:
    result = run_script(
        tmp_path,
        """
        import sys

        def mine(kind, error, tb):
            files = []
            while tb is not None:
                files.append(tb.tb_frame.f_code.co_filename)
                tb = tb.tb_next
            print("MINE", kind.__name__, len(files), all("user_script" in f for f in files))

        sys.excepthook = mine
        from stackwise.client import Client

        Client().get_stack("no-such-stack")
        """,
    )
    assert result.returncode == 1
    assert "MINE KeyError" not in result.stdout  # the error is stackwise's, by its own class
    line = next(line for line in result.stdout.splitlines() if line.startswith("MINE"))
    kind, count, only_user = line.split()[1:]
    assert kind.endswith("Error") and int(count) == 1 and only_user == "True", result.stdout
