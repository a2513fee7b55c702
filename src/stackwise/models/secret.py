"""Secrets as the Client returns them: name and keys always; values only when the caller
asked for them (`get_secret`), wrapped in pydantic's SecretStr so they never print."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from stackwise.models.base import BaseResponse

if TYPE_CHECKING:
    from stackwise.store.base import Store


class SecretResponse(BaseResponse):
    name: str
    private: bool = False
    values: dict[str, SecretStr | None] = {}

    @classmethod
    def from_parts(
        cls,
        store: Store | None,
        *,
        id: Any,
        name: str,
        created: Any,
        updated: Any,
        keys: list[str],
        values: dict[str, str] | None = None,
    ) -> SecretResponse:
        shown: dict[str, SecretStr | None] = {
            k: (SecretStr(values[k]) if values is not None and k in values else None) for k in keys
        }
        return cls.make(store, id=id, name=name, created=created, updated=updated, values=shown)

    @property
    def secret_values(self) -> dict[str, str]:
        """The plain values (only those that were loaded)."""
        return {k: v.get_secret_value() for k, v in self.values.items() if v is not None}

    @property
    def keys(self) -> list[str]:
        return list(self.values)

    @property
    def has_missing_values(self) -> bool:
        return any(v is None for v in self.values.values())

    def add_secret(self, key: str, value: str) -> None:
        self.values[key] = SecretStr(value)

    def remove_secret(self, key: str) -> None:
        del self.values[key]

    def remove_secrets(self) -> None:
        self.values = {}

    def set_secrets(self, values: dict[str, str]) -> None:
        self.values = {k: SecretStr(v) for k, v in values.items()}

    def __repr__(self) -> str:
        return f"SecretResponse(name={self.name!r}, keys={list(self.values)!r})"

    __str__ = __repr__


__all__ = ["SecretResponse"]
