"""SecretStore: named secrets, each a few string values, encrypted before they reach the
metadata store and decrypted only for whoever holds the key.

The Client's secret methods and secret-reference resolution both go through here. Values are
never logged and never put in an error message; names and keys are (they are not secret, and
errors must say which one is wrong).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from stackwise.exceptions import (
    ConfigError,
    EntityNotFoundError,
    ProblemCollector,
    did_you_mean,
)
from stackwise.secrets.encryption_key import load_key
from stackwise.secrets.references import NAME_PATTERN, is_valid_name
from stackwise.secrets.server_held import ServerHeldValues

if TYPE_CHECKING:
    from stackwise.secrets.encryption_key import EncryptionKey
    from stackwise.store.base import Store

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SecretInfo:
    """What may be shown about a secret: everything but its values."""

    name: str
    keys: list[str]
    created: datetime
    updated: datetime
    id: str = ""


class SecretStore:
    """Encrypted secrets in one metadata store. Cheap to create; the key is read when a value
    is encrypted or decrypted, and the key file is made when the first secret is written."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _key(self, *, create: bool = False) -> EncryptionKey | ServerHeldValues:
        """This client's key; for a store that encrypts secrets itself (a server), values
        travel as they are and the server's key applies."""
        if self.store.encrypts_secrets:
            return ServerHeldValues()
        return load_key(create=create)

    def create(self, name: str, values: Mapping[str, str]) -> SecretInfo:
        _check_name(name)
        checked = _checked_values(values, f"secret '{name}'")
        if not checked:
            raise ConfigError(
                f"Secret '{name}' needs at least one key: "
                f"`stackwise secret create {name} --KEY=VALUE`."
            )
        token = self._key(create=True).encrypt(name, checked)
        row = self.store.create_secret(name, token)
        logger.debug("Created secret '%s' with keys %s.", name, ", ".join(sorted(checked)))
        return _info(row, checked)

    def get(self, name: str) -> dict[str, str]:
        """The decrypted values; an unknown name raises EntityNotFoundError (a KeyError)."""
        row = self.store.get_secret(name)
        return self._key().decrypt(name, row["encrypted_values"])

    def list_all(self) -> list[SecretInfo]:
        rows = self.store.list_secrets()
        if not rows:
            return []
        key = self._key()
        return [_info(r, key.keys(r["name"], r["encrypted_values"])) for r in rows]

    def update(
        self, name: str, values: Mapping[str, str] | None = None, remove_keys: Iterable[str] = ()
    ) -> SecretInfo:
        """Set the given keys (others keep their values) and drop `remove_keys`."""
        checked = _checked_values(values or {}, f"secret '{name}'")
        removed = list(
            dict.fromkeys([remove_keys] if isinstance(remove_keys, str) else remove_keys)
        )
        if not checked and not removed:
            raise ConfigError(
                f"Nothing to change in secret '{name}': give --KEY=VALUE to set "
                "a key or --remove-key KEY to drop one."
            )
        both = sorted(set(checked).intersection(removed))
        if both:
            raise ConfigError(
                f"Key(s) {', '.join(both)} of secret '{name}' are both set and "
                "removed; give each key once."
            )
        result: dict[str, str] = {}

        def change(token: str) -> str:  # runs once the row is found (an unknown name: KeyError)
            key = self._key()
            current = key.decrypt(name, token)
            for k in removed:
                if k not in current:
                    raise EntityNotFoundError(
                        f"Secret '{name}' has no key '{k}'.{did_you_mean(k, current)} Its keys: "
                        f"{', '.join(sorted(current))}."
                    )
                del current[k]
            current.update(checked)
            if not current:
                raise ConfigError(
                    f"Removing {', '.join(removed)} would leave secret '{name}' "
                    f"without keys; delete it instead: "
                    f"`stackwise secret delete {name}`."
                )
            result.update(current)
            return key.encrypt(name, current)

        row = self.store.update_secret(name, change)
        logger.debug(
            "Updated secret '%s': set %s, removed %s.",
            name,
            ", ".join(sorted(checked)) or "-",
            ", ".join(removed) or "-",
        )
        return _info(row, result)

    def rename(self, name: str, new_name: str) -> SecretInfo:
        """Give a secret another name: its values are encrypted anew under it (the name is
        part of what the token authenticates). References to the old name stop resolving."""
        _check_name(new_name)
        result: dict[str, str] = {}

        def change(token: str) -> str:
            key = self._key()
            values = key.decrypt(name, token)
            result.update(values)
            return key.encrypt(new_name, values)

        row = self.store.update_secret(name, change, new_name=new_name)
        logger.debug("Renamed secret '%s' to '%s'.", name, new_name)
        return _info(row, result)

    def delete(self, name: str) -> None:
        self.store.delete_secret(name)
        logger.debug("Deleted secret '%s'.", name)


def _info(row: Mapping[str, Any], values: Iterable[str]) -> SecretInfo:
    return SecretInfo(
        name=row["name"],
        keys=sorted(values),
        created=row["created"],
        updated=row["updated"],
        id=row["id"],
    )


def _check_name(name: str) -> None:
    if not isinstance(name, str) or not is_valid_name(name):
        raise ConfigError(
            f"'{name}' cannot name a secret: references spell it as {{{{name.key}}}}, so a "
            f"name is letters, digits, '_' and '-' ({NAME_PATTERN}), without dots."
        )


def _checked_values(values: Mapping[str, Any], owner: str) -> dict[str, str]:
    """The values as a plain dict; every bad key or non-string value reported at once (the
    value itself never appears in the message)."""
    if not isinstance(values, Mapping):
        raise ConfigError(
            f"The values of {owner} must be a mapping of key to string, got "
            f"{type(values).__name__}."
        )
    problems = ProblemCollector()
    for k, v in values.items():
        if not isinstance(k, str) or not is_valid_name(k):
            problems.add(
                f"key '{k}': a key is letters, digits, '_' and '-' ({NAME_PATTERN}), "
                "so that {{name.key}} can reference it"
            )
        elif not isinstance(v, str):
            problems.add(f"key '{k}': values are strings, got {type(v).__name__}; pass str(value)")
    problems.raise_if_any(ConfigError, f"Invalid values for {owner}")
    return dict(values)
