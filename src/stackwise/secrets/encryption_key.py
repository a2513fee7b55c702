"""The key secrets are encrypted with, and the encryption itself.

The key is `STACKWISE_SECRETS_KEY` when set (CI, servers: keep it in the platform's secret
store), else the file `STACKWISE_HOME/secret.key`, created with mode 0600 when the first secret
is written. Like ssh with its private keys, a key file other users can read is refused: the
encryption would protect nothing. A secret's values are one JSON document encrypted with Fernet
(AES-128-CBC + HMAC-SHA256), so a wrong key is detected, never decrypted into garbage.
"""

from __future__ import annotations

import json
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from stackwise.exceptions import ConfigError, SecretDecryptionError

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

KEY_ENV = "STACKWISE_SECRETS_KEY"
KEY_FILE_NAME = "secret.key"
_GENERATE_HINT = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


def key_file_path() -> Path:
    from stackwise.config.global_config import stackwise_home

    return stackwise_home() / KEY_FILE_NAME


@dataclass(frozen=True)
class EncryptionKey:
    """A Fernet key plus where it came from, so errors can say which key failed."""

    fernet: Fernet
    origin: str  # "the key at /home/me/.stackwise/secret.key", "the key in STACKWISE_..."

    def encrypt(self, secret: str, values: dict[str, str]) -> str:
        """One ASCII token for all the values. The secret's name is sealed in with them, so
        a token copied onto another secret's row is refused instead of read as that secret."""
        document = json.dumps({"secret": secret, "values": values}, sort_keys=True)
        return self.fernet.encrypt(document.encode()).decode("ascii")

    def decrypt(self, secret: str, token: str) -> dict[str, str]:
        from cryptography.fernet import InvalidToken

        try:
            document = json.loads(self.fernet.decrypt(token.encode("ascii")))
        except (InvalidToken, ValueError):
            raise SecretDecryptionError(
                f"Cannot decrypt secret '{secret}': {self.origin} is not the one it was written "
                f"with. Restore that key (or set {KEY_ENV} to it), or delete the secret and "
                f"create it again: `stackwise secret delete {secret}`."
            ) from None
        if not isinstance(document, dict) or document.get("secret") != secret:
            raise SecretDecryptionError(
                f"The stored values of secret '{secret}' belong to another secret: the metadata "
                f"store was altered. Create it again: `stackwise secret delete {secret}` then "
                f"`stackwise secret create {secret} ...`."
            )
        return dict(document["values"])

    def keys(self, secret: str, token: str) -> list[str]:
        return sorted(self.decrypt(secret, token))


def key_from_text(key: str, origin: str) -> EncryptionKey:
    """A key given as text (a server's --secrets-key); `origin` says where it came from."""
    return EncryptionKey(_fernet(key.strip().encode(), origin), origin)


def load_key(*, create: bool = False) -> EncryptionKey:
    """The key from `STACKWISE_SECRETS_KEY` or the key file; `create=True` makes the key file
    when neither exists (writing a secret does, reading one never does)."""
    from_env = os.environ.get(KEY_ENV)
    if from_env:
        return EncryptionKey(
            _fernet(from_env.strip().encode(), KEY_ENV),
            f"the key in the environment variable {KEY_ENV}",
        )
    path = key_file_path()
    if not path.exists():
        if not create:
            raise ConfigError(
                f"No secrets key: {path} does not exist and {KEY_ENV} is not set, so the stored "
                f"secrets cannot be decrypted. Restore the key file the secrets were written "
                f"with, or set {KEY_ENV} to that key."
            )
        _create_key_file(path)
    return EncryptionKey(_fernet(_read_key_file(path), str(path)), f"the key at {path}")


def _create_key_file(path: Path) -> None:
    """Create the key file with mode 0600 from the start: O_EXCL makes the creation atomic, so
    two processes racing here agree on one key and no other user ever sees it readable."""
    from cryptography.fernet import Fernet

    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return  # another process created it meanwhile; _read_key_file waits for its content
    with os.fdopen(fd, "wb") as f:
        f.write(Fernet.generate_key() + b"\n")


def _read_key_file(path: Path) -> bytes:
    _refuse_shared(path)
    for _ in range(50):  # a concurrent creator may not have written the key yet
        key = path.read_bytes().strip()
        if key:
            return key
        time.sleep(0.02)
    raise ConfigError(
        f"The secrets key file {path} is empty. Restore it from a backup, or (losing every "
        f"stored secret) delete it so that a new one is made."
    )


def _refuse_shared(path: Path) -> None:
    if os.name == "nt":  # POSIX modes say nothing on Windows; the user profile's ACL applies
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(
            f"The secrets key file {path} can be read or changed by other users (mode "
            f"{mode:04o}), so it protects nothing; stackwise refuses to use it. Make it "
            f"private: chmod 600 {path}"
        )


def _fernet(key: bytes, where: str) -> Fernet:
    from cryptography.fernet import Fernet

    try:
        return Fernet(key)
    except ValueError:
        raise ConfigError(
            f"{where} does not hold a valid secrets key (32 url-safe base64-encoded bytes). "
            f"Restore the key the secrets were written with; a new key is made by: "
            f"{_GENERATE_HINT}"
        ) from None
