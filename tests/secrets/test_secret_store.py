"""Client secret methods: values round-trip, are encrypted at rest, and every misuse is an
error that names the secret or key and what to do (never the value)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackwise.client import Client
from stackwise.exceptions import ConfigError, EntityExistsError, EntityNotFoundError
from stackwise.models import SecretResponse
from stackwise.secrets import key_file_path

VALUE = "hunter2-Wq8zT"


def test_values_round_trip(client: Client):
    info = client.create_secret("mlflow", {"username": "alice", "password": VALUE})

    assert info.name == "mlflow" and info.keys == ["password", "username"]
    assert client.get_secret("mlflow").secret_values == {"username": "alice", "password": VALUE}
    assert Client().get_secret("mlflow").secret_values == {"username": "alice", "password": VALUE}


def test_values_keep_their_exact_text(client: Client):
    values = {
        "pin": "007",
        "flag": "yes",
        "empty": "",
        "unicode": "pässwörd ✓",
        "braces": "{{not.a.ref}}",
        "multi": "line1\nline2",
    }
    client.create_secret("odd", values)
    assert client.get_secret("odd").secret_values == values


def test_list_shows_names_keys_and_dates_never_values(client: Client):
    client.create_secret("b_secret", {"token": VALUE})
    client.create_secret("a_secret", {"user": "u", "password": "p"})

    infos = client.list_secrets(sort_by="asc:name")

    assert [i.name for i in infos] == ["a_secret", "b_secret"]
    assert infos[0].keys == ["password", "user"]
    assert all(isinstance(i, SecretResponse) and i.created <= i.updated for i in infos)
    assert VALUE not in repr(infos)
    assert all(not i.secret_values for i in infos), "listing never loads values"


def test_the_database_files_never_hold_the_plaintext(client: Client, stackwise_home: Path):
    client.create_secret("mlflow", {"tracking_password": VALUE})
    client.update_secret("mlflow", add_or_update_values={"other_key_name": VALUE + "-2"})
    assert client.get_secret("mlflow").secret_values["tracking_password"] == VALUE

    files = [p for p in stackwise_home.rglob("*") if p.is_file() and p != key_file_path()]
    assert any(p.name == "stackwise.db" for p in files)
    for path in files:  # the database, its WAL and shared-memory files, the config
        data = path.read_bytes()
        assert VALUE.encode() not in data, path
        assert b"other_key_name" not in data, f"{path}: key names are encrypted too"


def test_a_taken_name_is_refused(client: Client):
    client.create_secret("db", {"password": "one"})
    with pytest.raises(
        EntityExistsError, match="A secret named 'db' already exists.*stackwise secret update db"
    ):
        client.create_secret("db", {"password": "two"})
    assert client.get_secret("db").secret_values == {"password": "one"}


@pytest.mark.parametrize("call", ["get", "update", "delete"])
def test_an_unknown_name_is_a_key_error_with_did_you_mean(client: Client, call: str):
    client.create_secret("mlflow", {"password": "pw"})
    with pytest.raises(KeyError) as info:
        if call == "get":
            client.get_secret("mlfow")
        elif call == "update":
            client.update_secret("mlfow", add_or_update_values={"password": "x"})
        else:
            client.delete_secret("mlfow")
    assert isinstance(info.value, EntityNotFoundError)
    assert str(info.value) == "No secret named 'mlfow'. Did you mean 'mlflow'? Known: 'mlflow'."


def test_update_sets_and_removes_keys(client: Client):
    created = client.create_secret("db", {"user": "u", "password": "old", "host": "h"})

    info = client.update_secret(
        "db", add_or_update_values={"password": "new", "port": "5432"}, remove_values=["host"]
    )

    assert info.keys == ["password", "port", "user"]
    assert info.created == created.created and info.updated >= created.updated
    assert client.get_secret("db").secret_values == {"user": "u", "password": "new", "port": "5432"}


def test_update_refusals_change_nothing(client: Client):
    client.create_secret("db", {"user": "u", "password": "pw"})

    with pytest.raises(
        KeyError,
        match="Secret 'db' has no key 'pasword'. Did you mean "
        "'password'\\? Its keys: password, user.",
    ):
        client.update_secret("db", remove_values=["pasword"])
    with pytest.raises(ConfigError, match="without keys; delete it instead"):
        client.update_secret("db", remove_values=["user", "password"])
    with pytest.raises(ConfigError, match="Nothing to change in secret 'db'"):
        client.update_secret("db")
    with pytest.raises(ConfigError, match="both set and removed"):
        client.update_secret("db", add_or_update_values={"user": "x"}, remove_values=["user"])

    assert client.get_secret("db").secret_values == {"user": "u", "password": "pw"}


def test_delete(client: Client):
    client.create_secret("db", {"password": "pw"})
    client.delete_secret("db")
    assert client.list_secrets().items == []
    with pytest.raises(KeyError):
        client.get_secret("db")


@pytest.mark.parametrize("name", ["a.b", "", "with space", "{{x}}"])
def test_names_a_reference_cannot_spell_are_refused(client: Client, name: str):
    with pytest.raises(ConfigError, match="cannot name a secret"):
        client.create_secret(name, {"k": "v"})


def test_bad_keys_and_values_are_reported_together_without_the_values(client: Client):
    with pytest.raises(ConfigError) as info:
        client.create_secret("db", {"a.b": "v", "port": 5432, "ok": "fine"})  # type: ignore[dict-item]
    message = str(info.value)
    assert "(2 problems)" in message
    assert "key 'a.b'" in message and "key 'port': values are strings, got int" in message
    assert "5432" not in message
    with pytest.raises(ConfigError, match="needs at least one key"):
        client.create_secret("db", {})
