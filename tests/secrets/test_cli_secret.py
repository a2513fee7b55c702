"""`stackwise secret create/get/list/update/delete` through CliRunner, refusals included."""

from __future__ import annotations

from pathlib import Path

from stackwise.client import Client

VALUE = "hunter2-Wq8zT"


def test_create_get_list_update_delete(ok, invoke):
    out = ok("secret", "create", "mlflow", "--user=alice", "--password", VALUE).stdout
    assert "Created secret 'mlflow' with key(s) password, user." in out
    assert "{{mlflow.KEY}}" in out
    assert Client().get_secret("mlflow").secret_values == {"user": "alice", "password": VALUE}

    got = ok("secret", "get", "mlflow").stdout
    assert "Secret 'mlflow'" in got and "password" in got and "****" in got
    assert VALUE not in got and "alice" not in got and "--reveal" in got
    revealed = ok("secret", "get", "mlflow", "--reveal").stdout
    assert VALUE in revealed and "alice" in revealed

    listed = ok("secret", "list").stdout
    assert "mlflow" in listed and "password, user" in listed and VALUE not in listed

    out = ok(
        "secret", "update", "mlflow", "--password=new-one", "--port=5000", "--remove-key", "user"
    ).stdout
    assert (
        "Updated secret 'mlflow': set password, port; removed user. Keys now: password, "
        "port." in out
    )
    assert Client().get_secret("mlflow").secret_values == {"password": "new-one", "port": "5000"}

    refused = invoke("secret", "delete", "mlflow", input="n\n")
    assert refused.exit_code == 1 and Client().list_secrets().total == 1
    out = ok("secret", "delete", "mlflow", input="y\n").stdout
    assert "Deleted secret 'mlflow'." in out
    assert "No secrets yet" in ok("secret", "list").stdout


def test_values_are_kept_as_typed(ok):
    ok("secret", "create", "odd", "--pin=007", "--flag=yes", "--url=http://x?a=b", "--e=")
    assert Client().get_secret("odd").secret_values == {
        "pin": "007",
        "flag": "yes",
        "url": "http://x?a=b",
        "e": "",
    }


def test_values_file(ok, tmp_path: Path):
    path = tmp_path / "values.yaml"
    path.write_text("user: alice\npassword: 'from-file'\npin: 007\nflag: no\n")
    ok("secret", "create", "db", "--values-file", str(path), "--password=from-flag")
    assert Client().get_secret("db").secret_values == {
        "user": "alice",
        "password": "from-flag",
        "pin": "007",
        "flag": "no",
    }

    path.write_text("host: db.internal\n")
    ok("secret", "update", "db", "--values-file", str(path))
    assert Client().get_secret("db").secret_values["host"] == "db.internal"


def test_a_values_file_that_is_not_a_flat_mapping_is_refused(invoke, tmp_path: Path):
    path = tmp_path / "values.yaml"
    for text in ("- a\n- b\n", "nested:\n  k: v\n", f"password: '{VALUE}\n"):
        path.write_text(text)
        result = invoke("secret", "create", "db", "--values-file", str(path))
        assert result.exit_code == 2, result.output
        assert str(path) in result.stderr and VALUE not in result.output


def test_delete_warns_about_components_that_reference_the_secret(ok):
    ok("secret", "create", "mlflow", f"--password={VALUE}")
    ok(
        "experiment-tracker",
        "register",
        "tracker",
        "--flavor=mlflow",
        "--tracking_password={{mlflow.password}}",
    )
    result = ok("secret", "delete", "mlflow", "-y")
    assert "Referenced by: experiment tracker 'tracker'" in result.stderr


def test_errors_are_one_line_with_exit_code_1(ok, invoke):
    ok("secret", "create", "mlflow", "--password=pw")
    cases = {
        ("secret", "create", "mlflow", "--password=pw"): "A secret named 'mlflow' already exists",
        ("secret", "get", "mlfow"): "No secret named 'mlfow'. Did you mean 'mlflow'?",
        ("secret", "delete", "mlfow", "-y"): "No secret named 'mlfow'.",
        ("secret", "update", "mlflow", "--remove-key", "pasword"): "Did you mean 'password'?",
        ("secret", "update", "mlflow"): "Nothing to change in secret 'mlflow'",
        ("secret", "create", "a.b", "--k=v"): "'a.b' cannot name a secret",
    }
    for args, expected in cases.items():
        result = invoke(*args)
        assert result.exit_code == 1, (args, result.output)
        assert result.stderr.startswith("Error: ") and expected in result.stderr, args
        assert "Traceback" not in result.output


def test_usage_mistakes_exit_2(invoke):
    for args, expected in {
        ("secret", "create", "db"): "A secret needs values",
        ("secret", "create", "db", "positional"): "Unexpected argument",
        ("secret", "create", "db", "--k"): "--k needs a value",
        ("secret", "create", "db", "--k=1", "--k=2"): "given twice",
    }.items():
        result = invoke(*args)
        assert result.exit_code == 2 and expected in result.stderr, (args, result.output)


def test_secret_is_in_the_root_help(ok):
    assert "secret" in ok("--help").stdout
