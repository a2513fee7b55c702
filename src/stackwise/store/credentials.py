"""Passwords and API keys as the store keeps them: hashes only.

Passwords are hashed with Argon2id (argon2-cffi, the `serving` extra): slow on purpose, since
people pick guessable ones. API keys are 256 random bits, so a plain SHA-256 of the key is as
safe as a slow hash and costs nothing per login. A key reads `swk_<lookup>_<secret>`: the
`lookup` part finds its row without scanning every hash.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from stackwise.exceptions import ConfigError

KEY_PREFIX = "swk_"
ROLES = ("admin", "editor", "viewer")
MIN_PASSWORD_LENGTH = 8


def _hasher() -> Any:
    try:
        from argon2 import PasswordHasher
    except ImportError:  # pragma: no cover - the serving extra installs it
        raise ConfigError(
            "Users with passwords need argon2-cffi: pip install 'stackwise[serving]'."
        ) from None
    return PasswordHasher()


def hash_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ConfigError(
            f"A password needs at least {MIN_PASSWORD_LENGTH} characters; choose a longer one."
        )
    return str(_hasher().hash(password))


def password_matches(password_hash: str | None, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    if not password_hash:
        _hasher().hash("x" * MIN_PASSWORD_LENGTH)  # same cost whether or not the user exists
        return False
    try:
        return bool(_hasher().verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def new_api_key(lookup: str | None = None) -> tuple[str, str]:
    """(lookup, key): a new key and the part of it that finds its row (a rotated key keeps
    its entry's lookup)."""
    lookup = lookup or secrets.token_hex(6)
    return lookup, f"{KEY_PREFIX}{lookup}_{secrets.token_urlsafe(32)}"


def key_lookup(key: str) -> str | None:
    """The lookup part of something that looks like an API key, else None."""
    if not key.startswith(KEY_PREFIX):
        return None
    lookup, sep, rest = key[len(KEY_PREFIX) :].partition("_")
    return lookup if sep and rest and len(lookup) == 12 else None


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_matches(key_hash: str | None, key: str) -> bool:
    return bool(key_hash) and hmac.compare_digest(str(key_hash), hash_api_key(key))


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ConfigError(f"Unknown role '{role}'; a role is one of: {', '.join(ROLES)}.")
    return role
