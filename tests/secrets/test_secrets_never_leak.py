"""A secret value appears in no output and no log record: every secret command, the component
and stack commands around it, a component built with it and the error paths run with logging
at DEBUG (SQLAlchemy's statement log included) and stdout/stderr captured. Only
`secret get --reveal` prints it, by design."""

from __future__ import annotations

import logging

import pytest
from cryptography.fernet import Fernet
from tests.fixtures.peers import require_module

from stackwise.client import Client
from stackwise.secrets import key_file_path
from stackwise.stack.active_stack import load_stack

VALUE = "hunter2-Wq8zT-never-shown"
USER_VALUE = "alice-Kj3-never-shown"
SECRETS = (VALUE, USER_VALUE)


def _assert_hidden(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"a secret value leaked into {where}:\n{text}"


def test_no_command_prints_or_logs_a_value(
    ok,
    invoke,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
    tmp_path,
    request: pytest.FixtureRequest,
):
    require_module("mlflow", 'pip install -e ".[dev]"')
    caplog.set_level(logging.DEBUG)
    # A run earlier in this process leaves the `stackwise` logger at its console level (INFO);
    # SQLAlchemy quietens itself on import, and mlflow gives `sqlalchemy.engine` a handler of
    # its own that does not propagate: record its statements (and parameters) here too.
    for noisy in ("stackwise", "sqlalchemy", "sqlalchemy.engine"):
        caplog.set_level(logging.DEBUG, logger=noisy)
    sql_logger = logging.getLogger("sqlalchemy.engine")
    sql_logger.addHandler(caplog.handler)
    request.addfinalizer(lambda: sql_logger.removeHandler(caplog.handler))
    values_file = tmp_path / "values.yaml"
    values_file.write_text(f"user: {USER_VALUE}\n")
    outputs: list[tuple[str, str]] = []

    def run(*args: str, succeed: bool = True, input: str | None = None) -> None:
        result = (ok if succeed else invoke)(*args, input=input)
        if not succeed:
            assert result.exit_code != 0, args
        outputs.append((" ".join(args), result.output + result.stderr))

    run("secret", "create", "mlflow", f"--password={VALUE}", "--values-file", str(values_file))
    run("secret", "get", "mlflow")
    run("secret", "list")
    run("secret", "update", "mlflow", f"--password={VALUE}", "--token=t")
    run("secret", "update", "mlflow", "--remove-key", "token")
    run("secret", "update", "mlflow", "--remove-key", "nope", succeed=False)
    run("--debug", "secret", "update", "mlflow", "--remove-key", "nope", succeed=False)
    run("secret", "create", "mlflow", f"--password={VALUE}", succeed=False)
    run(
        "experiment-tracker",
        "register",
        "tracker",
        "--flavor=mlflow",
        "--tracking_uri=https://{{mlflow.user}}@mlflow.example.com",
        "--tracking_password={{mlflow.password}}",
    )
    run("experiment-tracker", "describe", "tracker")
    run("experiment-tracker", "list")
    run("experiment-tracker", "update", "tracker", "--tracking_username={{mlflow.user}}")
    run("stack", "register", "tracked", "-o", "default", "-a", "default", "-e", "tracker", "--set")
    run("stack", "describe")
    run("stack", "describe", "tracked")
    run("stack", "list")

    tracker = load_stack(Client().store, "tracked").experiment_tracker  # resolved, at DEBUG
    assert tracker.config.tracking_password == VALUE
    assert USER_VALUE in tracker.config.tracking_uri
    outputs.append(("(repr of the built component)", repr(tracker)))
    # Fields the flavor marks secret keep out of the config's repr; a secret embedded in an
    # ordinary field (tracking_uri here) is that field's value and shows like the rest of it.
    assert VALUE not in repr(tracker.config)

    good_key = key_file_path().read_bytes()
    key_file_path().write_bytes(Fernet.generate_key())
    run("secret", "get", "mlflow", succeed=False)
    run("secret", "list", succeed=False)
    key_file_path().write_bytes(good_key)

    run("secret", "delete", "mlflow", input="n\n", succeed=False)
    run("secret", "delete", "mlflow", "-y")

    for command, output in outputs:
        _assert_hidden(output, f"the output of `stackwise {command}`")
    captured = capfd.readouterr()
    _assert_hidden(captured.out + captured.err, "the process's stdout/stderr")
    assert {r.name for r in caplog.records} >= {
        "stackwise.secrets.secret_store",
        "sqlalchemy.engine.Engine",
    }
    for record in caplog.records:
        _assert_hidden(record.getMessage(), f"log record {record.name}")

    ok("secret", "create", "again", f"--password={VALUE}")
    assert VALUE in ok("secret", "get", "again", "--reveal").stdout  # the one exception
    for record in caplog.records:
        _assert_hidden(record.getMessage(), f"log record {record.name}")


def test_the_secret_module_logs_keys_but_not_values(
    client: Client, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG, logger="stackwise.secrets")
    client.create_secret("db", {"password": VALUE})
    client.update_secret("db", add_or_update_values={"password": USER_VALUE})
    client.delete_secret("db")

    messages = [r.getMessage() for r in caplog.records if r.name.startswith("stackwise.secrets")]
    assert messages == [
        "Created secret 'db' with keys password.",
        "Updated secret 'db': set password, removed -.",
        "Deleted secret 'db'.",
    ]
