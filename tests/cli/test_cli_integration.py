"""`stackwise integration list / install`: the catalog agrees with the flavors integrations
announce, installed-or-not comes from find_spec, and install runs pip in this Python (once for
real, on a requirement that is already satisfied, with no index)."""

from __future__ import annotations

import shlex
import sys

import pytest

from stackwise.integrations import catalog
from stackwise.integrations.catalog import (
    Integration,
    get_integration,
    install_command,
    list_integrations,
)
from stackwise.stack.flavor_registry import flavor_registry


@pytest.fixture
def offline_pip(monkeypatch: pytest.MonkeyPatch) -> None:
    """pip may not reach an index nor check for its own updates."""
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_DISABLE_PIP_VERSION_CHECK", "1")


def table_rows(out: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    last = None
    for line in out.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if len(cells) != 4:
            continue
        if cells[0]:
            last = cells[0]
            found[last] = cells[1:]
        elif last:  # a wrapped cell continues on the next line
            found[last] = [f"{a}\n{b}".strip() for a, b in zip(found[last], cells[1:], strict=True)]
    return found


def test_the_catalog_finds_every_integration_package() -> None:
    integrations = list_integrations()
    names = [i.name for i in integrations]
    assert names == sorted(names) and {"mlflow", "wandb"} <= set(names)
    for integration in integrations:
        assert integration.requirements, integration.name
        assert integration.flavors, f"{integration.name}.flavors.FLAVORS is empty"
        assert integration.extra == f"stackwise[{integration.name}]"
    mlflow = get_integration("mlflow")
    assert mlflow.requirements == ("mlflow>=2.12",)
    assert mlflow.library == "mlflow"
    assert mlflow.description.startswith("The MLflow integration")
    assert mlflow.flavors == [
        ("experiment_tracker", "mlflow"),
        ("model_deployer", "mlflow"),
        ("model_registry", "mlflow"),
    ]
    assert get_integration("wandb").flavors == [("experiment_tracker", "wandb")]


@pytest.mark.parametrize("name", ["mlflow", "wandb"])
def test_the_catalog_matches_the_flavors_announced_through_entry_points(name: str) -> None:
    announced = {(str(f.type), f.name) for f in flavor_registry.list() if f.integration == name}
    assert set(get_integration(name).flavors) == announced


def test_the_install_command_uses_this_python_and_each_requirement_once() -> None:
    mlflow, wandb = get_integration("mlflow"), get_integration("wandb")
    assert install_command([mlflow, wandb, mlflow]) == [
        sys.executable,
        "-m",
        "pip",
        "install",
        "mlflow>=2.12",
        "wandb>=0.19",
    ]


def test_list(ok) -> None:
    out = ok("integration", "list").stdout
    rows = table_rows(out)
    assert rows["mlflow"] == [
        "experiment_tracker mlflow\nmodel_deployer mlflow\nmodel_registry mlflow",
        "yes",
        "mlflow>=2.12",
    ]
    assert rows["wandb"] == ["experiment_tracker wandb", "yes", "wandb>=0.19"]
    assert (
        'Install one: stackwise integration install NAME (or pip install "stackwise[NAME]").' in out
    )


def test_list_says_what_is_not_installed(ok, monkeypatch: pytest.MonkeyPatch) -> None:
    mlflow = get_integration("mlflow")
    missing = Integration("wandb", ("wandb>=0.19",), "stackwise_no_such_library")
    monkeypatch.setattr(catalog, "list_integrations", lambda: [mlflow, missing])
    rows = table_rows(ok("integration", "list").stdout)
    assert rows["wandb"][1] == "no"
    assert rows["mlflow"][1] == "yes"


def test_install_an_unknown_integration_suggests_the_close_one(invoke) -> None:
    result = invoke("integration", "install", "mlfow", "-y")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: No integration named 'mlfow'. Did you mean 'mlflow'? Known: "
    )
    assert "'mlflow'" in result.stderr and "'wandb'" in result.stderr


def test_install_dry_run_prints_the_pip_command(ok) -> None:
    out = ok("integration", "install", "mlflow", "wandb", "mlflow", "--dry-run").stdout
    assert (
        out
        == shlex.join([sys.executable, "-m", "pip", "install", "mlflow>=2.12", "wandb>=0.19"])
        + "\n"
    )


def test_install_asks_first(invoke) -> None:
    result = invoke("integration", "install", "mlflow", input="n\n")
    assert result.exit_code == 1
    command = shlex.join([sys.executable, "-m", "pip", "install", "mlflow>=2.12"])
    assert result.stdout == (
        "mlflow: mlflow>=2.12 (installed already; pip checks its version)\n"
        f"Run `{command}`? [y/N]: n\n"
    )
    assert "Aborted" in result.stderr
    assert "Requirement" not in result.stdout  # pip never ran


def test_install_runs_pip_in_this_python(ok, offline_pip: None) -> None:
    out = ok("integration", "install", "mlflow", "-y").stdout
    assert "Requirement already satisfied: mlflow>=2.12" in out
    assert "Installed mlflow." in out
    assert (
        "Use mlflow: `stackwise experiment-tracker register NAME --flavor=mlflow`; "
        "`stackwise model-deployer register NAME --flavor=mlflow`; "
        "`stackwise model-registry register NAME --flavor=mlflow`."
    ) in out


def test_a_failing_pip_is_an_error(
    invoke, offline_pip: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = Integration(
        "broken", ("stackwise-no-such-package==0.0.1",), "stackwise_no_such_library"
    )
    monkeypatch.setattr(catalog, "list_integrations", lambda: [broken])
    result = invoke("integration", "install", "broken", "-y")
    assert result.exit_code == 1
    command = shlex.join(
        [sys.executable, "-m", "pip", "install", "stackwise-no-such-package==0.0.1"]
    )
    assert result.stderr.endswith(
        f"Error: pip exited with code 1; see its output above. The command was: {command}\n"
    )
    assert "stackwise-no-such-package" in result.stdout  # pip's own words, shown
