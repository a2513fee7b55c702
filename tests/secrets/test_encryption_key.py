"""The key: a private file made on first write (or STACKWISE_SECRETS_KEY), refused when others
can read it; a wrong key is a clear error, never a cryptography traceback."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from stackwise.client import Client
from stackwise.exceptions import ConfigError, SecretDecryptionError
from stackwise.secrets import KEY_ENV, key_file_path, load_key

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")


def _write_key(path: Path, mode: int = 0o600) -> None:
    path.write_bytes(Fernet.generate_key())
    path.chmod(mode)


@posix_only
def test_the_key_file_is_made_on_the_first_write_with_mode_0600(stackwise_home: Path):
    client = Client()
    assert client.list_secrets().items == []
    assert not key_file_path().exists(), "reading must not create a key"

    client.create_secret("db", {"password": "pw"})

    path = key_file_path()
    assert path == stackwise_home / "secret.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    Fernet(path.read_bytes().strip())  # a valid key


@posix_only
def test_the_key_file_is_private_even_under_a_permissive_umask(stackwise_home: Path):
    old = os.umask(0)
    try:
        load_key(create=True)
    finally:
        os.umask(old)
    assert stat.S_IMODE(key_file_path().stat().st_mode) == 0o600


@posix_only
@pytest.mark.parametrize(
    "mode", [0o640, 0o604, 0o660], ids=["group-read", "other-read", "group-write"]
)
def test_a_key_file_others_can_read_is_refused_with_the_fix(stackwise_home: Path, mode: int):
    Client().create_secret("db", {"password": "pw"})
    path = key_file_path()
    path.chmod(mode)

    with pytest.raises(ConfigError) as info:
        Client().get_secret("db")

    message = str(info.value)
    assert str(path) in message and f"{mode:04o}" in message
    assert f"chmod 600 {path}" in message
    path.chmod(0o600)
    assert Client().get_secret("db").secret_values == {"password": "pw"}


def test_creating_the_key_twice_keeps_the_first(stackwise_home: Path):
    first = load_key(create=True)
    token = first.encrypt("s", {"k": "v"})
    assert load_key(create=True).decrypt("s", token) == {"k": "v"}


def test_a_wrong_key_file_is_a_clear_error_without_a_cryptography_traceback(stackwise_home: Path):
    Client().create_secret("db", {"password": "pw"})
    path = key_file_path()
    _write_key(path)

    with pytest.raises(SecretDecryptionError) as info:
        Client().get_secret("db")

    assert str(info.value).startswith(
        f"Cannot decrypt secret 'db': the key at {path} is not the one it was written with."
    )
    assert "stackwise secret delete db" in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    with pytest.raises(SecretDecryptionError, match="Cannot decrypt secret 'db'"):
        Client().list_secrets()


def test_a_missing_key_file_is_a_clear_error(stackwise_home: Path):
    Client().create_secret("db", {"password": "pw"})
    key_file_path().unlink()

    with pytest.raises(ConfigError, match=f"No secrets key: .*{KEY_ENV}"):
        Client().get_secret("db")
    assert not key_file_path().exists()


def test_the_environment_key_is_used_instead_of_the_file(
    stackwise_home: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv(KEY_ENV, Fernet.generate_key().decode())
    Client().create_secret("db", {"password": "pw"})
    assert not key_file_path().exists()
    assert Client().get_secret("db").secret_values == {"password": "pw"}

    monkeypatch.setenv(KEY_ENV, Fernet.generate_key().decode())
    with pytest.raises(
        SecretDecryptionError,
        match=f"the key in the environment variable {KEY_ENV} is not the one it was written with",
    ):
        Client().get_secret("db")


def test_an_invalid_environment_key_says_how_to_make_one(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(KEY_ENV, "not-a-key")
    with pytest.raises(
        ConfigError, match=f"{KEY_ENV} does not hold a valid secrets key.*Fernet.generate_key"
    ):
        Client().create_secret("db", {"password": "pw"})


def test_a_token_moved_to_another_secret_is_refused(stackwise_home: Path):
    import sqlite3

    client = Client()
    client.create_secret("a", {"k": "value-a"})
    client.create_secret("b", {"k": "value-b"})
    with sqlite3.connect(stackwise_home / "stackwise.db") as conn:
        conn.execute(
            "UPDATE secrets SET encrypted_values = (SELECT encrypted_values FROM "
            "secrets WHERE name = 'a') WHERE name = 'b'"
        )

    with pytest.raises(SecretDecryptionError, match="belong to another secret"):
        client.get_secret("b")


def test_a_secret_written_with_a_lost_key_can_still_be_deleted(stackwise_home: Path, ok):
    """The wrong-key error advises `stackwise secret delete`: it must work without the key."""
    Client().create_secret("db", {"password": "pw"})
    Client().create_secret("other", {"password": "pw"})
    _write_key(key_file_path())

    assert "Deleted secret 'db'." in ok("secret", "delete", "db", "-y").stdout
    Client().delete_secret("other")
    assert Client().list_secrets().items == []
