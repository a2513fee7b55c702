"""Secrets tests drive the Client and the CLI; the CLI helpers mirror tests/cli/conftest.py
(conftests of sibling folders are not shared)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import CliRunner, Result

from stackwise.cli.main import cli

Invoke = Callable[..., Result]


@pytest.fixture(autouse=True)
def no_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests choose their key: the file in the test's STACKWISE_HOME unless they set one."""
    monkeypatch.delenv("STACKWISE_SECRETS_KEY", raising=False)
    monkeypatch.delenv("COLUMNS", raising=False)  # tables read by tests must not wrap
    monkeypatch.delenv("LINES", raising=False)


@pytest.fixture
def invoke() -> Invoke:
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Result:
        return runner.invoke(cli, list(args), input=input)

    return run


@pytest.fixture
def ok(invoke: Invoke) -> Invoke:
    def run(*args: str, **kwargs: object) -> Result:
        result = invoke(*args, **kwargs)
        assert result.exit_code == 0, (
            f"stackwise {' '.join(args)} exited {result.exit_code}\n"
            f"stdout: {result.stdout}\nstderr: {result.stderr}\n{result.exception!r}"
        )
        return result

    return run
