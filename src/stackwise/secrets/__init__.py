"""Secrets: credentials kept encrypted in the metadata store and referenced from component
configurations as `{{name.key}}`, resolved only when the component is built for use.

Layering: below `stack` (which resolves references), above `store` (which holds the encrypted
values). `cryptography` is imported only when a value is encrypted or decrypted.
"""

from stackwise.secrets.encryption_key import KEY_ENV, EncryptionKey, key_file_path, load_key
from stackwise.secrets.plaintext import plaintext_secret_warnings, warn_plaintext_secrets
from stackwise.secrets.references import (
    SecretReference,
    find_references,
    has_references,
    referenced_secrets,
    resolve_references,
)
from stackwise.secrets.secret_store import SecretInfo, SecretStore

__all__ = [
    "KEY_ENV",
    "EncryptionKey",
    "SecretInfo",
    "SecretReference",
    "SecretStore",
    "find_references",
    "has_references",
    "key_file_path",
    "load_key",
    "plaintext_secret_warnings",
    "referenced_secrets",
    "resolve_references",
    "warn_plaintext_secrets",
]
