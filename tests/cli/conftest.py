"""Drive the CLI as a real `stackwise` process that inherits the test's STACKWISE_HOME and cwd
(the in-process `invoke`/`ok` fixtures live in tests/conftest.py, shared by every folder)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from tests.fixtures.peers import missing_peer

Invoke = Callable[..., Result]
Process = Callable[..., subprocess.CompletedProcess]


@pytest.fixture
def stackwise_process() -> Process:
    """`stackwise_process("stack", "get")` runs `python -m stackwise.cli.main stack get`."""

    def run(
        *args: str, extra_env: dict[str, str] | None = None, python_flags: tuple[str, ...] = ()
    ) -> subprocess.CompletedProcess:
        env = {**os.environ, **(extra_env or {})}
        return subprocess.run(
            [sys.executable, *python_flags, "-m", "stackwise.cli.main", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    return run


@pytest.fixture
def stackwise_script() -> Path:
    """The installed `stackwise` console script next to this interpreter."""
    script = Path(sys.executable).parent / "stackwise"
    if not script.exists():
        missing_peer("the stackwise console script is not installed next to this Python")
    return script
