"""Secrets a stackwise server keeps: the client sends and receives values as a plain JSON
document (over the server's HTTPS), the server encrypts them at rest with its own key
(`stackwise.server.secrets`). For a caller whose role may not read values the server sends
the keys only, and reading a value raises AuthorizationException naming the role needed.

`ServerHeldValues` has `EncryptionKey`'s interface, so `SecretStore` uses either.
"""

from __future__ import annotations

import json
from typing import Any

from stackwise.exceptions import AuthorizationException, SecretDecryptionError


def wire_document(secret: str, values: dict[str, str] | None, keys: list[str]) -> str:
    """The document for `secret`: its values, or (values None) only its keys."""
    body: dict[str, Any] = {"secret": secret, "keys": sorted(keys), "values": values}
    return json.dumps(body, sort_keys=True)


def read_document(secret: str, token: str) -> dict[str, Any]:
    try:
        document = json.loads(token)
    except ValueError:
        document = None
    if not isinstance(document, dict) or document.get("secret") != secret:
        raise SecretDecryptionError(
            f"The server sent secret '{secret}' in a form this client does not read; run the "
            "same stackwise version as the server."
        )
    return document


class ServerHeldValues:
    """Values as the server holds them: encrypted there, in clear on the wire."""

    origin = "the stackwise server's secrets key"

    def encrypt(self, secret: str, values: dict[str, str]) -> str:
        return wire_document(secret, dict(values), list(values))

    def decrypt(self, secret: str, token: str) -> dict[str, str]:
        values = read_document(secret, token).get("values")
        if values is None:
            raise AuthorizationException(
                f"Your role on this server may not read the values of secret '{secret}' (only "
                "its keys); an editor or admin may."
            )
        return dict(values)

    def keys(self, secret: str, token: str) -> list[str]:
        return sorted(read_document(secret, token).get("keys") or [])
