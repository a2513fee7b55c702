"""Every test gets its own STACKWISE_HOME (a fresh SQLite store and artifact folder) and runs
in its own working directory, so no test sees another's state or the developer's."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from tests.fixtures.store_server import server_store  # noqa: F401 - a fixture

from stackwise.cli.main import cli
from stackwise.store import reset_store_cache

Invoke = Callable[..., Result]

# the PostgreSQL server (started only when a test asks for it), the backends list that
# tests/store and tests/client run over, and no secret value in any log line
pytest_plugins = ["fixtures.postgres_server", "fixtures.store_backends", "fixtures.secret_logs"]


@pytest.fixture(autouse=True)
def stackwise_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "stackwise-home"
    monkeypatch.setenv("STACKWISE_HOME", str(home))
    for var in (
        "STACKWISE_STACK",
        "STACKWISE_STORE_URL",
        "STACKWISE_STRICT_MATERIALIZERS",
        "STACKWISE_STORE_API_KEY",
        "STACKWISE_STORE_USERNAME",
        "STACKWISE_STORE_PASSWORD",
    ):
        monkeypatch.delenv(var, raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    reset_store_cache()
    yield home
    reset_store_cache()


@pytest.fixture(autouse=True)
def no_warm_processes_left() -> Iterator[None]:
    """Worker processes (and a Dask LocalCluster) a run keeps warm for the process's next run
    are stopped after each test: none outlives the test that started it."""
    yield
    from stackwise.execution.warm_processes import release_warm_processes

    release_warm_processes()


@pytest.fixture(autouse=True)
def stackwise_logger_restored() -> Iterator[None]:
    """A run or a verbosity setting in one test leaves the `stackwise` logger's level and
    console handler as it set them; the next test starts from what it was."""
    logger = logging.getLogger("stackwise")
    level, handlers = logger.level, list(logger.handlers)
    yield
    logger.setLevel(level)
    logger.handlers[:] = handlers


@pytest.fixture
def client() -> object:
    from stackwise.client import Client

    return Client()


def pytest_configure(config: pytest.Config) -> None:
    # MLflow and others read these at import; keep them off the network and quiet.
    os.environ.setdefault("MLFLOW_ENABLE_ASYNC_LOGGING", "false")
    os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")


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
