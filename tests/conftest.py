"""Every test gets its own STACKWISE_HOME (a fresh SQLite store and artifact folder) and runs
in its own working directory, so no test sees another's state or the developer's."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from stackwise.store import reset_store_cache


@pytest.fixture(autouse=True)
def stackwise_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "stackwise-home"
    monkeypatch.setenv("STACKWISE_HOME", str(home))
    for var in ("STACKWISE_STACK", "STACKWISE_STORE_URL", "STACKWISE_STRICT_MATERIALIZERS"):
        monkeypatch.delenv(var, raising=False)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    reset_store_cache()
    yield home
    reset_store_cache()


@pytest.fixture
def client() -> object:
    from stackwise.client import Client

    return Client()


def pytest_configure(config: pytest.Config) -> None:
    # MLflow and others read these at import; keep them off the network and quiet.
    os.environ.setdefault("MLFLOW_ENABLE_ASYNC_LOGGING", "false")
    os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")
