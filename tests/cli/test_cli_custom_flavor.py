"""A user's own flavor, registered by import path, then used like a built-in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from stackwise.cli.main import cli

FLAVOR_MODULE = """
from stackwise.enums import StackComponentType
from stackwise.stack.flavor import Flavor

FLAVOR = Flavor(StackComponentType.ORCHESTRATOR, "my_local",
                "stackwise.orchestrators.local_orchestrator:LocalOrchestrator",
                description="The local orchestrator under a team's own name.")
"""


@pytest.fixture
def flavor_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    (tmp_path / "team_flavors.py").write_text(FLAVOR_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    return "team_flavors:FLAVOR"


def test_registered_flavor_persists_and_runs_a_pipeline(
    flavor_module: str, stackwise_home: Path
) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["orchestrator", "flavor", "register", flavor_module])
    assert result.exit_code == 0, result.output
    assert "Registered orchestrator flavor 'my_local'" in result.output
    # a fresh process finds it through the global config, registers and uses a component
    script = (
        "from stackwise.client import Client\n"
        "c = Client()\n"
        "c.create_stack_component('mine', 'my_local', 'orchestrator', {})\n"
        "c.create_stack('team', {'orchestrator': 'mine', 'artifact_store': 'default'})\n"
        "print(c.get_stack('team').components['orchestrator'][0].flavor_name)\n"
    )
    # the fixture put the module's folder on PYTHONPATH, as a user's project would
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "STACKWISE_HOME": str(stackwise_home)},
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "my_local"


def test_wrong_type_and_unimportable_paths_are_refused(flavor_module: str) -> None:
    runner = CliRunner()
    wrong = runner.invoke(cli, ["artifact-store", "flavor", "register", flavor_module])
    assert wrong.exit_code == 1
    assert "of another type than artifact store" in wrong.stderr
    missing = runner.invoke(cli, ["orchestrator", "flavor", "register", "no_such_mod:F"])
    assert missing.exit_code == 1
    assert "Cannot import a flavor from 'no_such_mod:F'" in missing.stderr
