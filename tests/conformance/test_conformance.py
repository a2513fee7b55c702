"""Every conformance program, run on stackwise (the ZenML side runs with
`scripts/conformance.sh --zenml`, which needs the reference install)."""

from __future__ import annotations

import sys

import pytest

from conformance.runner import programs, run_program


@pytest.mark.parametrize("program", programs(), ids=lambda p: p.stem)
def test_program_runs_on_stackwise(program) -> None:  # type: ignore[no-untyped-def]
    outcome = run_program(program, "stackwise", sys.executable)
    assert outcome.passed, f"{program.name} failed on stackwise:\n{outcome.output}"
