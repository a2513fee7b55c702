"""Fixtures for the check tests: write sample modules into the test's own folder and check
them, and drive `stackwise check` through click's CliRunner."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from stackwise.checks import Finding, check_paths
from stackwise.cli.main import cli

Write = Callable[..., Path]
Check = Callable[..., list[Finding]]
Found = Callable[..., list[tuple[str, int]]]
Invoke = Callable[..., Result]


@pytest.fixture
def samples(tmp_path: Path) -> Path:
    folder = tmp_path / "samples"
    folder.mkdir()
    return folder


@pytest.fixture
def write(samples: Path) -> Write:
    """`write(source, name="x.py")` saves `source` (dedented, first newline dropped), so the
    lines a test asserts are the lines it shows."""
    counter = iter(range(1_000))

    def run(source: str, name: str | None = None) -> Path:
        path = samples / (name or f"sample_{next(counter)}.py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
        return path

    return run


@pytest.fixture
def check(write: Write) -> Check:
    """`check(source, **check_paths_options)` -> the findings in that source."""

    def run(source: str, **options: object) -> list[Finding]:
        return check_paths([write(source)], **options)  # type: ignore[arg-type]

    return run


@pytest.fixture
def found(check: Check) -> Found:
    """`found(source)` -> [(code, line), ...]: what most assertions compare."""

    def run(source: str, **options: object) -> list[tuple[str, int]]:
        return [(f.code, f.line) for f in check(source, **options)]

    return run


@pytest.fixture
def invoke() -> Invoke:
    """`invoke("check", PATH)` -> the click Result (stdout and stderr kept apart)."""
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(cli, list(args))

    return run
