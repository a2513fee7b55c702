"""Secrets on a server: encrypted at rest with the SERVER's key, values sent only to callers
whose role may read them, never logged.

Clients send and receive secret values as plain documents (`stackwise.secrets.server_held`);
`SecretsAtRest.view(reveal)` is the store as one request sees it: its secret methods encrypt
what comes in and decrypt what goes out, stripping the values when `reveal` is False (a
viewer gets names and keys). Everything else passes through to the store.

The key is `--secrets-key` / STACKWISE_SERVER_SECRETS_KEY, else the key file in the server's
home (`STACKWISE_HOME/secret.key`, 0600, made on first use): the same file a client on that
machine uses, so a database a local client wrote secrets into stays readable by
`stackwise login --local`'s server.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from stackwise.secrets.encryption_key import EncryptionKey, key_from_text, load_key
from stackwise.secrets.server_held import read_document, wire_document
from stackwise.store.base import Store

SECRETS_KEY_ENV = "STACKWISE_SERVER_SECRETS_KEY"


def server_key(given: str | None = None) -> EncryptionKey:
    """The server's secrets key: given, else from the environment, else the key file."""
    if given:
        return key_from_text(given, "the key given with --secrets-key")
    from_env = os.environ.get(SECRETS_KEY_ENV)
    if from_env:
        return key_from_text(from_env, f"the key in the environment variable {SECRETS_KEY_ENV}")
    return load_key(create=True)


class SecretsAtRest:
    def __init__(self, store: Store, key: EncryptionKey | None = None) -> None:
        self.store, self._key = store, key

    @property
    def key(self) -> EncryptionKey:
        """The server's key, read (or made) on first use."""
        if self._key is None:
            self._key = server_key()
        return self._key

    def view(self, reveal: bool) -> Any:
        """The store as a caller sees it: with secret values (`reveal`) or without."""
        return _View(self, reveal)

    def to_wire(self, row: dict[str, Any], reveal: bool) -> dict[str, Any]:
        values = self.key.decrypt(row["name"], row["encrypted_values"])
        document = wire_document(row["name"], values if reveal else None, list(values))
        return {**row, "encrypted_values": document}

    def from_wire(self, name: str, document: str) -> str:
        values = read_document(name, document).get("values")
        if not isinstance(values, dict):
            raise ValueError(f"Secret '{name}' arrived without values.")
        return self.key.encrypt(name, values)


class _View:
    def __init__(self, secrets: SecretsAtRest, reveal: bool) -> None:
        self._secrets, self._reveal = secrets, reveal

    def __getattr__(self, name: str) -> Any:
        return getattr(self._secrets.store, name)

    def create_secret(self, name: str, encrypted_values: str) -> dict[str, Any]:
        s = self._secrets
        row = s.store.create_secret(name, s.from_wire(name, encrypted_values))
        return s.to_wire(row, self._reveal)

    def get_secret(self, name: str) -> dict[str, Any]:
        return self._secrets.to_wire(self._secrets.store.get_secret(name), self._reveal)

    def list_secrets(self) -> list[dict[str, Any]]:
        s = self._secrets
        return [s.to_wire(row, self._reveal) for row in s.store.list_secrets()]

    def update_secret(
        self, name: str, change: Callable[[str], str], new_name: str | None = None
    ) -> dict[str, Any]:
        """`change` works on the plain document; what it returns is encrypted again."""
        s = self._secrets

        def at_rest(token: str) -> str:
            plain = s.to_wire({"name": name, "encrypted_values": token}, True)
            return s.from_wire(new_name or name, change(plain["encrypted_values"]))

        return s.to_wire(s.store.update_secret(name, at_rest, new_name), self._reveal)
