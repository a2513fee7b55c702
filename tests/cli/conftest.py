"""Drive the CLI as a user would: in-process through click's CliRunner (stdout and stderr kept
apart), or as a real `stackwise` process that inherits the test's STACKWISE_HOME and cwd."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from stackwise.cli.main import cli

Invoke = Callable[..., Result]
Process = Callable[..., subprocess.CompletedProcess]


@pytest.fixture(autouse=True)
def no_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    """pytest-xdist workers get COLUMNS=80, which would wrap tables the tests read; users'
    piped output is not wrapped either."""
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)


@pytest.fixture
def invoke() -> Invoke:
    """`invoke("stack", "list")` -> the click Result; exceptions stay inside the Result, so
    a test sees what a user would (exit code, stdout, stderr)."""
    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
        return runner.invoke(cli, list(args), env=env, input=input)

    return run


@pytest.fixture
def ok(invoke: Invoke) -> Invoke:
    """Like `invoke`, but the command must succeed."""

    def run(*args: str, **kwargs: object) -> Result:
        result = invoke(*args, **kwargs)
        assert result.exit_code == 0, (
            f"stackwise {' '.join(args)} exited {result.exit_code}\n"
            f"stdout: {result.stdout}\nstderr: {result.stderr}\n{result.exception!r}"
        )
        return result

    return run


@pytest.fixture
def stackwise_process() -> Process:
    """`stackwise_process("stack", "get")` runs `python -m stackwise.cli.main stack get`."""

    def run(*args: str, extra_env: dict[str, str] | None = None,
            python_flags: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
        env = {**os.environ, **(extra_env or {})}
        return subprocess.run([sys.executable, *python_flags, "-m", "stackwise.cli.main", *args],
                              capture_output=True, text=True, env=env, timeout=120)

    return run


@pytest.fixture
def stackwise_script() -> Path:
    """The installed `stackwise` console script next to this interpreter."""
    script = Path(sys.executable).parent / "stackwise"
    if not script.exists():
        pytest.skip("the stackwise console script is not installed next to this Python")
    return script
