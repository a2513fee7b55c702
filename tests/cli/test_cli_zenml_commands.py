"""ZenML's command tree on stackwise: `--version`, `status`, `clean`, the list options
(`--output`, `--columns`, filters, paging), component `get/copy/remove-attribute/logs/explain`
and labels, `stack delete --recursive`, `tag`, secret `--values/rename/export`, artifact and
pipeline commands, and the options refused with their reason."""

from __future__ import annotations

import csv
import io
import json
import logging
from pathlib import Path

import pytest
import yaml

from stackwise.client import Client
from stackwise.enums import StackComponentType

AS = StackComponentType.ARTIFACT_STORE

PIPELINES = """
from typing import Annotated

from stackwise import pipeline, step


@step
def make(n: int) -> Annotated[int, "x"]:
    return n


@pipeline
def produce(n: int = 1):
    make(n)
"""


@pytest.fixture
def produced(ok) -> str:
    """Three runs of `produce` (artifact `x` versions 1-3), run from a module in the cwd."""
    Path("zen_pipelines.py").write_text(PIPELINES)
    Path("params.json").write_text('{"n": 2}')
    for n in (1, 2, 3):
        Path("run.yaml").write_text(f"run_name: run_{n}\nparameters:\n  n: {n}\n")
        ok("pipeline", "run", "zen_pipelines.produce", "-c", "run.yaml")
    return "produce"


def as_json(result) -> dict:
    return json.loads(result.stdout)


# -- root ------------------------------------------------------------------------------------
def test_version_option_and_status(ok) -> None:
    import stackwise

    for flag in ("--version", "-v"):
        assert ok(flag).stdout == f"cli, version {stackwise.__version__}\n"
    out = ok("status").stdout
    assert "The active stack is: 'default' (from the built-in default)" in out
    assert "Connected to the local stackwise database: 'sqlite:///" in out


def test_clean_deletes_the_home_after_confirmation(ok, invoke, stackwise_home: Path) -> None:
    ok("stack", "register", "s", "-o", "default", "-a", "default")
    declined = ok("clean", input="n\n")
    assert "Aborting clean." in declined.stdout and stackwise_home.exists()
    out = ok("clean", "-y").stdout
    assert f"Deleted global stackwise config from {stackwise_home}." in out
    assert not stackwise_home.exists()
    assert [s.name for s in Client().list_stacks()] == ["default"]  # a fresh store


# -- list options ----------------------------------------------------------------------------
def test_list_output_formats_columns_and_filters(ok, invoke) -> None:
    ok(
        "artifact-store",
        "register",
        "blobs",
        "-f",
        "local",
        "--path=/tmp/blobs",
        "--label",
        "team=ml",
    )
    data = as_json(ok("artifact-store", "list", "-o", "json"))
    assert data["pagination"] == {"index": 1, "max_size": 20, "total_pages": 1, "total": 2}
    by_name = {c["name"]: c for c in data["items"]}
    assert by_name["default"]["active"] is True and by_name["blobs"]["active"] is False
    assert by_name["blobs"]["labels"] == {"team": "ml"}
    assert by_name["blobs"]["id"] == str(Client().get_stack_component(AS, "blobs").id)

    picked = as_json(
        ok("artifact-store", "list", "-o", "json", "--name", "startswith:bl", "-c", "flavor,name")
    )
    assert picked["items"] == [{"flavor": "local", "name": "blobs"}]
    table = ok("artifact-store", "list", "--columns", "name,nope")
    assert "BLOBS" not in table.stdout and "blobs" in table.stdout
    assert "Unknown column(s) ignored: nope" in table.stderr
    rows = list(csv.DictReader(io.StringIO(ok("stack", "list", "-o", "csv").stdout)))
    assert [(r["name"], r["artifact_store"]) for r in rows] == [("default", "default")]
    assert yaml.safe_load(ok("stack", "list", "-o", "yaml", "-c", "name").stdout)["items"] == [
        {"name": "default"}
    ]
    assert "\t" in ok("stack", "list", "--output", "tsv").stdout

    twice = invoke("stack", "list", "--name", "a", "--name", "b")
    assert twice.exit_code == 2 and "oneof:[a,b]" in twice.stderr
    bad = invoke("stack", "list", "--name", "oneof:x", "--sort_by", "desc:bogus")
    assert bad.exit_code == 1 and "cannot be sorted by 'bogus'" in bad.stderr


def test_default_output_comes_from_the_environment(ok) -> None:
    out = ok("stack", "list", env={"STACKWISE_DEFAULT_OUTPUT": "json"}).stdout
    assert json.loads(out)["items"][0]["name"] == "default"


# -- components ------------------------------------------------------------------------------
def test_component_get_copy_labels_and_remove_attribute(ok, invoke) -> None:
    assert ok("orchestrator", "get").stdout == "Active orchestrator: 'default'\n"
    assert (
        "No experiment tracker set for active stack ('default')"
        in ok("experiment-tracker", "get").stderr
    )
    ok(
        "experiment-tracker",
        "register",
        "t",
        "-f",
        "mlflow",
        "--tracking_uri=http://a:1",
        "--nested=true",
        "-l",
        "team=ml",
    )
    ok("experiment-tracker", "copy", "t", "t2")
    copy = Client().get_stack_component("experiment_tracker", "t2")
    assert copy.configuration == {"tracking_uri": "http://a:1", "nested": True}
    assert copy.labels == {"team": "ml"}

    ok("experiment-tracker", "update", "t2", "--label", "env=dev")
    ok("experiment-tracker", "remove-attribute", "t2", "--nested", "-l", "team")
    copy = Client().get_stack_component("experiment_tracker", "t2")
    assert copy.configuration == {"tracking_uri": "http://a:1"} and copy.labels == {"env": "dev"}
    missing = invoke("experiment-tracker", "remove-attribute", "t2", "--nested")
    assert missing.exit_code == 1 and "has no nested" in missing.stderr
    described = as_json(ok("experiment-tracker", "describe", "t2", "-o", "json"))
    assert described["flavor"] == "mlflow" and described["labels"] == {"env": "dev"}

    assert (
        "Unable to find log file for experiment tracker 't'"
        in ok("experiment-tracker", "logs", "t").stderr
    )
    assert "mlflow" in ok("experiment-tracker", "explain").stdout
    bad_label = invoke("experiment-tracker", "update", "t", "-l", "novalue")
    assert bad_label.exit_code == 2 and "key=value" in bad_label.stderr


def test_component_update_without_a_name_changes_the_active_one(ok, tmp_path: Path) -> None:
    ok("artifact-store", "update", f"--path={tmp_path / 'new'}")
    assert Client().get_stack_component(AS, "default").configuration["path"] == str(
        tmp_path / "new"
    )


@pytest.mark.parametrize(
    "args",
    [
        ("orchestrator", "register", "o", "-f", "local", "--secret", "s"),
        ("orchestrator", "register", "o", "-f", "local", "--env", "A=1"),
        ("orchestrator", "update", "default", "--remove-secret", "s"),
        ("stack", "register", "s", "-o", "default", "-a", "default", "--secret", "x"),
        ("stack", "update", "default", "--env", "A=1"),
    ],
)
def test_component_secrets_and_environment_are_refused(invoke, args: tuple[str, ...]) -> None:
    result = invoke(*args)
    assert result.exit_code == 1
    assert "is not supported" in result.stderr and "{{secret_name.key}}" in result.stderr


@pytest.mark.parametrize("flag", ["-an", "-D", "-l", "-sb"])
def test_component_types_stackwise_lacks_are_refused(invoke, flag: str) -> None:
    result = invoke("stack", "register", "s", "-o", "default", "-a", "default", flag, "x")
    assert result.exit_code == 1 and "stackwise does not support" in result.stderr


def test_flavor_delete_refuses_a_built_in(invoke) -> None:
    result = invoke("orchestrator", "flavor", "delete", "local")
    assert result.exit_code == 1 and "built in" in result.stderr


# -- stacks ----------------------------------------------------------------------------------
def test_stack_delete_recursive_and_describe_json(ok) -> None:
    ok("artifact-store", "register", "mine", "-f", "local", "--path=/tmp/mine")
    ok("stack", "register", "s", "-o", "default", "-a", "mine")
    described = as_json(ok("stack", "describe", "s", "--output", "json"))
    assert described["components"]["artifact_store"][0]["name"] == "mine"
    assert described["active"] is False
    ok("stack", "delete", "s", "-y", "--recursive")
    names = [c.name for c in Client().list_stack_components(type=AS)]
    assert names == ["default"]  # `mine` went; the shared default stayed


def test_stack_import_takes_zenmls_form_too(ok, tmp_path: Path) -> None:
    ok("stack", "register", "s", "-o", "default", "-a", "default")
    ok("stack", "export", "s")  # default file: s.yaml
    assert Path("s.yaml").is_file()
    out = ok("stack", "import", "s2", "-f", "s.yaml").stdout
    assert "Imported stack 's2' from s.yaml." in out


# -- tags ------------------------------------------------------------------------------------
def test_tags(ok, invoke) -> None:
    assert "red" in ok("tag", "register", "-n", "shiny", "-c", "red").stdout
    assert invoke("tag", "register", "-n", "shiny").exit_code == 1
    assert invoke("tag", "register", "-n", "x", "-c", "mauve").exit_code == 2
    ok("tag", "update", "shiny", "-n", "shinier", "--exclusive")
    tag = Client().get_tag("shinier")
    assert tag.exclusive is True and str(tag.color) == "red"
    listed = as_json(ok("tag", "list", "-o", "json", "--exclusive", "true", "-c", "name"))
    assert listed["items"] == [{"name": "shinier"}]
    assert invoke("tag", "update", "shinier").exit_code == 2
    assert "Delete tag 'shinier'?" in invoke("tag", "delete", "shinier", input="n\n").stdout
    ok("tag", "delete", "shinier", "-y")
    assert "No tags found." in ok("tag", "list").stdout


# -- secrets ---------------------------------------------------------------------------------
def test_secret_values_rename_and_export(ok, invoke, tmp_path: Path) -> None:
    values = tmp_path / "values.json"
    values.write_text('{"user": "me", "pw": "007"}')
    ok("secret", "create", "db", "--values", f"@{values}", "--host=@@literal")
    assert Client().get_secret("db").secret_values == {
        "user": "me",
        "pw": "007",
        "host": "@literal",
    }
    ok("secret", "update", "db", "-v", "pw: '008'", "-r", "host")
    assert Client().get_secret("db").secret_values == {"user": "me", "pw": "008"}
    ok("secret", "rename", "db", "-n", "db2")
    ok("secret", "export", "db2", "-f", str(tmp_path / "out.yaml"))
    assert yaml.safe_load((tmp_path / "out.yaml").read_text()) == {"user": "me", "pw": "008"}
    assert (tmp_path / "out.yaml").stat().st_mode & 0o077 == 0
    private = invoke("secret", "create", "p", "--k=v", "--private")
    assert private.exit_code == 1 and "Private secrets need users" in private.stderr
    ok("experiment-tracker", "register", "t", "-f", "mlflow", "--tracking_password={{db2.pw}}")
    refused = invoke("secret", "rename", "db2", "-n", "db3")
    assert refused.exit_code == 1 and "experiment tracker 't'" in refused.stderr
    listed = as_json(ok("secret", "list", "-o", "json"))
    assert listed["items"][0]["keys"] == ["pw", "user"] and "008" not in json.dumps(listed)


def test_secret_interactive(ok) -> None:
    ok("secret", "create", "i", "-i", input="token\ns3cr3t\nn\n")
    assert Client().get_secret("i").secret_values == {"token": "s3cr3t"}


# -- artifacts and pipelines -----------------------------------------------------------------
def test_artifact_commands(ok, invoke, produced: str) -> None:
    ok("artifact", "update", "x", "-t", "gold")
    ok("artifact", "version", "update", "x", "-v", "2", "-t", "champ")
    versions = as_json(ok("artifact", "version", "list", "--tags", "champ", "-o", "json"))
    assert [v["version"] for v in versions["items"]] == ["2"]
    assert versions["items"][0]["artifact"] == "x"
    table = ok("artifact", "version", "list", "--artifact", "x").stdout
    assert "(3 versions)" in table
    described = ok("artifact", "version", "describe", "x", "-v", "2").stdout
    assert "Artifact version 'x' (version: 2)" in described and "champ" in described
    from stackwise import save_artifact

    save_artifact(1, "loose")
    save_artifact(2, "loose")
    used = Client().get_artifact_version("x", "1")
    refused = invoke("artifact", "version", "delete", str(used.id), "-y")
    assert refused.exit_code == 1 and "delete those runs first" in refused.stderr
    loose = Client().get_artifact_version("loose", "1")
    ok("artifact", "version", "delete", str(loose.id), "-y", "--delete-data")
    assert not Path(loose.uri).exists()
    assert Client().list_artifact_versions(artifact="loose").total == 1
    ok("artifact", "update", "x", "-n", "y")
    assert Client().get_artifact("y").name == "y"
    assert "All unused artifacts" in ok("artifact", "prune", "-y").stdout
    assert [a.name for a in Client().list_artifacts()] == ["y"]


def test_prune_deletes_unused_versions(ok) -> None:
    from stackwise import save_artifact

    save_artifact(1, "loose")
    refused = ok("artifact", "prune", input="n\n")
    assert "Found 1 unused artifact versions." in refused.stdout
    assert "Artifact deletion canceled." in refused.stdout
    out = ok("artifact", "prune", "-y").stdout
    assert "All unused artifacts and artifact versions deleted." in out
    assert Client().list_artifacts().total == 0


def test_pipeline_commands(ok, invoke, produced: str) -> None:
    runs = as_json(ok("pipeline", "runs", "list", "-o", "json", "--sort_by", "asc:created"))
    assert [(r["name"], r["pipeline"], r["stack"]) for r in runs["items"]] == [
        (f"run_{n}", "produce", "default") for n in (1, 2, 3)
    ]
    only = as_json(
        ok(
            "pipeline",
            "runs",
            "list",
            "-o",
            "json",
            "--in_progress",
            "false",
            "--status",
            "oneof:[completed]",
            "-c",
            "name",
            "--size",
            "1",
        )
    )
    assert only["pagination"]["total"] == 3 and len(only["items"]) == 1
    assert invoke("pipeline", "runs", "list", "--in_progress", "maybe").exit_code == 2

    assert "run_2: completed" in ok("pipeline", "runs", "refresh", "run_2").stdout.replace(
        "pipeline run '", ""
    ).replace("'", "")
    ok("pipeline", "runs", "delete", "run_1", "-y")
    assert invoke("pipeline", "runs", "delete", "run_1", "-y").exit_code == 1
    pipes = as_json(ok("pipeline", "list", "-o", "json"))
    assert pipes["items"][0]["latest_run_status"] == "completed"
    ok("pipeline", "delete", produced, "-y")
    assert Client().list_pipeline_runs().total == 0
    assert (
        "Registered pipeline 'produce'."
        in ok("pipeline", "register", "zen_pipelines.produce", "-p", "params.json").stdout
    )
    assert [p.name for p in Client().list_pipelines()] == ["produce"]


# -- integrations and the logger -------------------------------------------------------------
def test_integration_requirements(ok, tmp_path: Path) -> None:
    assert "mlflow>=" in ok("integration", "requirements", "mlflow").stdout
    target = tmp_path / "reqs.txt"
    ok("integration", "export-requirements", "mlflow", "wandb", "-i", "wandb", "-o", str(target))
    assert target.read_text().startswith("mlflow>=") and "wandb" not in target.read_text()


def test_get_logger_is_under_the_stackwise_logger(monkeypatch: pytest.MonkeyPatch) -> None:
    from stackwise.logger import get_logger, get_logging_level

    assert get_logger("__main__").name == "stackwise.__main__"
    assert get_logger("stackwise.cli").name == "stackwise.cli"
    assert isinstance(get_logger("x"), logging.Logger)
    monkeypatch.setenv("STACKWISE_LOGGING_VERBOSITY", "debug")
    assert get_logging_level() == logging.DEBUG
    monkeypatch.setenv("STACKWISE_LOGGING_VERBOSITY", "loud")
    with pytest.raises(KeyError, match="not a logging level"):
        get_logging_level()
