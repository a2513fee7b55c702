"""`stackwise stack export / import / copy / verify` as a user types them: what each prints,
each refusal with its reason, and exit codes."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import yaml

from stackwise.client import Client
from stackwise.config.global_config import GlobalConfig

SEED = Path(__file__).parents[2] / "examples" / "fraud_detection" / "stacks" / "local-mlflow.yaml"


@pytest.fixture
def dev(ok, tmp_path: Path) -> str:
    ok("orchestrator", "register", "local_orchestrator", "--flavor=local")
    ok(
        "artifact-store",
        "register",
        "local_store",
        "--flavor=local",
        f"--path={tmp_path / 'artifacts'}",
    )
    ok(
        "experiment-tracker",
        "register",
        "tracker",
        "--flavor=mlflow",
        "--tracking_uri=http://mlflow.internal:5000",
        "--tracking_token={{mlflow.token}}",
    )
    ok("stack", "register", "dev", "-o", "local_orchestrator", "-a", "local_store", "-e", "tracker")
    return "dev"


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_help_lists_the_new_commands(ok) -> None:
    out = ok("stack", "--help").stdout
    for command in ("export", "import", "copy", "verify"):
        assert f"  {command} " in out


# -- export ----------------------------------------------------------------------------------
def test_export_to_a_file_then_to_stdout(ok, dev: str, tmp_path: Path) -> None:
    target = tmp_path / "stacks" / "dev.yaml"
    result = ok("stack", "export", "dev", str(target))
    assert result.stdout == (
        f"Exported stack 'dev' to {target}.\n"
        f"Register it elsewhere with: stackwise stack import {target} "
        "[NAME]\n"
    )
    written = target.read_text()
    assert "tracking_token: '{{mlflow.token}}'" in written  # the reference, not a value
    assert ok("stack", "export", "dev", "-").stdout == written
    assert yaml.safe_load(written)["components"]["experiment_tracker"]["name"] == "tracker"


def test_export_refuses_to_overwrite_unless_asked(ok, invoke, dev: str, tmp_path: Path) -> None:
    target = tmp_path / "dev.yaml"
    target.write_text("mine")
    result = invoke("stack", "export", "dev", str(target))
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {target} exists already; pass --overwrite to replace it, or choose another file.\n"
    )
    assert target.read_text() == "mine"
    ok("stack", "export", "dev", str(target), "--overwrite")
    assert "stackwise_version" in target.read_text()


def test_export_of_an_unknown_stack(invoke, dev: str, tmp_path: Path) -> None:
    result = invoke("stack", "export", "deb", str(tmp_path / "x.yaml"))
    assert result.exit_code == 1
    assert "Error: No stack named 'deb'" in result.stderr
    assert "Did you mean 'dev'?" in result.stderr


# -- import ----------------------------------------------------------------------------------
def test_import_the_seed_file(ok) -> None:
    result = ok("stack", "import", str(SEED))
    assert result.stdout.splitlines() == [
        f"Imported stack 'local-mlflow' from {SEED}.",
        "  registered artifact store 'local_artifact_store' (flavor local)",
        "  registered orchestrator 'local_orchestrator' (flavor local)",
        "  registered experiment tracker 'mlflow_tracker' (flavor mlflow)",
        "  registered model deployer 'mlflow_deployer' (flavor mlflow)",
        "Make it active with: stackwise stack set local-mlflow",
        "Check that it reaches its services: stackwise stack verify local-mlflow",
    ]
    assert GlobalConfig().active_stack().name == "default"
    listed = ok("stack", "list").stdout
    assert "local-mlflow" in listed and "mlflow_tracker" in listed


def test_import_under_a_name_and_set_it(ok, dev: str, tmp_path: Path) -> None:
    target = tmp_path / "dev.yaml"
    ok("stack", "export", "dev", str(target))
    out = ok("stack", "import", str(target), "dev2", "--set").stdout
    assert "  reused experiment tracker 'tracker' (registered already, identical)" in out
    assert "Active stack set to 'dev2'" in out
    assert GlobalConfig().active_stack().name == "dev2"
    again = tmp_path / "dev2.yaml"
    ok("stack", "export", "dev2", str(again))
    assert yaml.safe_load(again.read_text()) == yaml.safe_load(target.read_text())


def test_import_refusals_list_every_problem(invoke, dev: str, tmp_path: Path) -> None:
    file = tmp_path / "dev.yaml"
    file.write_text(
        yaml.safe_dump(
            {
                "stackwise_version": "0.1.0",
                "components": {
                    "orchestrator": {"type": "sagemaker", "name": "v"},
                    "artifact_store": {
                        "type": "local",
                        "name": "local_store",
                        "configuration": {"path": "/elsewhere"},
                    },
                },
            }
        )
    )
    result = invoke("stack", "import", str(file))
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[1].startswith(
        "  1. components.orchestrator (orchestrator 'v'): No "
        "orchestrator flavor named 'sagemaker'. Available: "
    )
    assert lines[:1] + lines[2:] == [
        f"Error: Cannot import stack 'dev' from {file}; nothing was changed (3 problems):",
        f"  2. Artifact store 'local_store' is registered already with a different configuration "
        f"(path: '{tmp_path / 'artifacts'}' registered, '/elsewhere' in {file}); import never "
        f"changes a registered component. Rename it in {file}, or rename the registered one: "
        "`stackwise artifact-store rename local_store NEW_NAME`.",
        f"  3. A stack named 'dev' exists already. Import under another name: `stackwise stack "
        f"import {file} NEW_NAME`.",
    ]
    assert "Traceback" not in result.stderr


def test_import_of_a_zenml_file_notes_it(ok, tmp_path: Path) -> None:
    file = tmp_path / "zen.yaml"
    file.write_text(
        SEED.read_text().replace('stackwise_version: "0.1.0"', 'zenml_version: "0.55.0"')
    )
    result = ok("stack", "import", str(file))
    assert result.stderr == (
        f"{file} was written for ZenML 0.55.0 (zenml_version); reading it "
        "as a stackwise stack file (components by type, each with type, "
        "name and configuration).\n"
    )
    assert "Imported stack 'zen'" in result.stdout


def test_import_of_a_missing_file(invoke, tmp_path: Path) -> None:
    result = invoke("stack", "import", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


# -- copy ------------------------------------------------------------------------------------
def test_copy_and_its_refusal(ok, invoke, dev: str) -> None:
    out = ok("stack", "copy", "dev", "staging").stdout
    assert out == (
        "Copied stack 'dev' to 'staging'.\nMake it active with: stackwise stack set staging\n"
    )
    client = Client()
    assert client.get_stack("staging").component_ids == client.get_stack("dev").component_ids
    refused = invoke("stack", "copy", "dev", "staging")
    assert refused.exit_code == 1
    assert refused.stderr == (
        "Error: A stack named 'staging' exists already; choose another "
        "name for the copy of 'dev'.\n"
    )


# -- verify ----------------------------------------------------------------------------------
def rows(out: str) -> dict[str, list[str]]:
    """Table rows by component type: [name, flavor, result]."""
    found = {}
    for line in out.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if len(cells) == 4 and cells[0]:
            found[cells[0]] = cells[1:]
    return found


def test_verify_the_active_default_stack(ok) -> None:
    out = ok("stack", "verify").stdout
    assert out.startswith("Stack 'default'\n")
    assert rows(out) == {
        "orchestrator": ["default", "local", "OK"],
        "artifact store": ["default", "local", "OK"],
    }
    assert out.endswith("Stack 'default' is ready: every check passed.\n")


def test_verify_a_stack_with_a_local_mlflow_store(ok, tmp_path: Path) -> None:
    database = tmp_path / "mlflow" / "mlflow.db"
    ok(
        "experiment-tracker",
        "register",
        "local_tracker",
        "--flavor=mlflow",
        f"--tracking_uri=sqlite:///{database}",
    )
    ok("stack", "register", "tracked", "-o", "default", "-a", "default", "-e", "local_tracker")
    out = ok("stack", "verify", "tracked").stdout
    assert rows(out)["experiment tracker"] == ["local_tracker", "mlflow", "OK"]
    assert database.exists()  # created, as the first tracked step would


def test_verify_fails_with_each_reason(invoke, ok, tmp_path: Path) -> None:
    port = unused_port()
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    ok("artifact-store", "register", "blocked", "--flavor=local", f"--path={blocker / 'x'}")
    ok(
        "experiment-tracker",
        "register",
        "gone",
        "--flavor=mlflow",
        f"--tracking_uri=http://127.0.0.1:{port}",
    )
    ok("stack", "register", "shaky", "-o", "default", "-a", "blocked", "-e", "gone")

    result = invoke("stack", "verify", "shaky", env={"COLUMNS": "400"})
    assert result.exit_code == 1
    found = rows(result.stdout)
    assert found["orchestrator"] == ["default", "local", "OK"]
    assert found["artifact store"][2].startswith(
        f"Artifact store 'blocked' cannot write to its folder {blocker / 'x'}: Not a directory"
    )
    assert found["experiment tracker"][2] == (  # the quick probe runs first (runs make it too)
        f"Experiment tracker 'gone' gets no answer from http://127.0.0.1:{port}: [Errno 111] "
        "Connection refused. Check that the server is up and that the experiment tracker "
        "points at it: `stackwise experiment-tracker update gone ...`."
    )
    assert result.stderr == ("Error: stack 'shaky' failed verification: 2 components failing.\n")


def test_verify_lists_the_pre_run_problems_too(invoke, ok) -> None:
    from stackwise.store import get_store

    store = get_store()
    Client().list_stacks()  # the default components
    tracker = store.create_component(
        name="t", type="experiment_tracker", flavor="mlflow", configuration={"bogus": 1}
    )
    store.create_stack("broken", [store.get_component("orchestrator", "default").id, tracker.id])
    result = invoke("stack", "verify", "broken")
    assert result.exit_code == 1
    assert result.stdout.startswith(
        "Stack 'broken' cannot run pipelines (2 problems):\n"
        "  1. Stack 'broken' has no artifact_store. Add one: `stackwise stack update broken "
        "--artifact-store NAME`.\n"
        "  2. Component 't' (experiment_tracker): Invalid configuration for experiment_tracker "
        "flavor 'mlflow': unknown key 'bogus'. `stackwise experiment-tracker flavor describe "
        "mlflow` lists its keys.\n"
    )
    assert rows(result.stdout)["experiment tracker"][2].startswith(
        "not tried: the component cannot be built"
    )
    assert result.stderr == (
        "Error: stack 'broken' failed verification: 2 problems, 1 component failing.\n"
    )


def test_verify_unknown_stack(invoke) -> None:
    result = invoke("stack", "verify", "nope")
    assert result.exit_code == 1
    assert "Error: No stack named 'nope'" in result.stderr
