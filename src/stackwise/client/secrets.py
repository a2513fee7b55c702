"""Client methods for secrets: encrypted at rest, values returned only by `get_secret`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from uuid import UUID

from stackwise.client.base import ClientBase, NoMatch, check_owner, empty_page, given
from stackwise.exceptions import ConfigError
from stackwise.models.base import Page
from stackwise.models.secret import SecretResponse

if TYPE_CHECKING:
    from stackwise.secrets.secret_store import SecretInfo, SecretStore


def _refuse_private(private: bool | None) -> None:
    if private:
        raise ConfigError(
            "Private secrets need users, which arrive with the stackwise server; "
            "on a local store every secret is the default user's. Leave "
            "private= unset or False."
        )


class SecretsMixin(ClientBase):
    @property
    def _secrets(self) -> SecretStore:
        from stackwise.secrets.secret_store import SecretStore

        return SecretStore(self.store)

    def _response(self, info: SecretInfo, values: dict[str, str] | None) -> SecretResponse:
        return SecretResponse.from_parts(
            self.store,
            id=info.id,
            name=info.name,
            created=info.created,
            updated=info.updated,
            keys=list(info.keys),
            values=values,
        )

    def _secret_name(self, name_id_or_prefix: str | UUID, allow_partial: bool = True) -> str:
        """A secret's name from its name, id, or a unique prefix of either."""
        text = str(name_id_or_prefix)
        names = {str(row["name"]): str(row["id"]) for row in self.store.list_secrets()}
        if text in names:
            return text
        for name, secret_id in names.items():
            if secret_id == text:
                return name
        if allow_partial:
            matches = [n for n, i in names.items() if i.startswith(text) or n.startswith(text)]
            if len(matches) == 1:
                return matches[0]
        return text  # the store's lookup raises the not-found error with suggestions

    def create_secret(
        self, name: str, values: Mapping[str, str], private: bool = False
    ) -> SecretResponse:
        """Store `values` (key -> string) encrypted under `name`; components reference them
        as `{{name.key}}`. A taken name raises EntityExistsError."""
        _refuse_private(private)
        info = self._secrets.create(name, values)
        return self._response(info, dict(values))

    def get_secret(
        self,
        name_id_or_prefix: str | UUID,
        private: bool | None = None,
        allow_partial_name_match: bool = True,
        allow_partial_id_match: bool = True,
        hydrate: bool = True,
    ) -> SecretResponse:
        """The secret with its decrypted values (`.secret_values`); unknown: KeyError."""
        _refuse_private(private)
        name = self._secret_name(
            name_id_or_prefix, allow_partial_name_match or allow_partial_id_match
        )
        values = self._secrets.get(name)
        info = next(i for i in self._secrets.list_all() if i.name == name)
        return self._response(info, values)

    def get_secret_by_name_and_private_status(
        self, name: str, private: bool | None = None, hydrate: bool = True
    ) -> SecretResponse:
        return self.get_secret(
            name, private=private, allow_partial_name_match=False, allow_partial_id_match=False
        )

    def list_secrets(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 20,
        logical_operator: str = "and",
        id: Any = None,
        created: Any = None,
        updated: Any = None,
        name: Any = None,
        private: bool | None = None,
        user: Any = None,
        hydrate: bool = False,
    ) -> Page[SecretResponse]:
        """Every secret's name, keys and dates: the values stay encrypted (`get_secret`)."""
        try:
            check_owner(user)
            if private:
                raise NoMatch
        except NoMatch:
            return empty_page(page, size)
        infos = {i.name: i for i in self._secrets.list_all()}
        wanted = given(id=id, name=name, created=created, updated=updated)
        matched = [i for i in infos.values() if _matches(wanted, i, str(logical_operator))]
        field, descending = _sort_key(sort_by)
        matched.sort(key=lambda i: getattr(i, field), reverse=descending)
        start = (page - 1) * size
        items = [self._response(i, None) for i in matched[start : start + size]]
        return Page.of(items, total=len(matched), index=page, max_size=size)

    def list_secrets_by_private_status(
        self, private: bool, hydrate: bool = False
    ) -> Page[SecretResponse]:
        return self.list_secrets(private=private)

    def update_secret(
        self,
        name_id_or_prefix: str | UUID,
        private: bool | None = None,
        new_name: str | None = None,
        update_private: bool | None = None,
        add_or_update_values: Mapping[str, str] | None = None,
        remove_values: list[str] | None = None,
    ) -> SecretResponse:
        """Set the given keys (the others keep their values) and remove `remove_values`."""
        _refuse_private(private)
        _refuse_private(update_private)
        name = self._secret_name(name_id_or_prefix)
        if add_or_update_values or remove_values or new_name is None:
            # with nothing at all to change, SecretStore.update refuses ("Nothing to change")
            self._secrets.update(name, add_or_update_values or {}, remove_values or ())
        if new_name is not None and new_name != name:
            self._secrets.rename(name, new_name)
            name = new_name
        return self.get_secret(name)

    def delete_secret(self, name_id_or_prefix: str | UUID, private: bool | None = None) -> None:
        _refuse_private(private)
        self._secrets.delete(self._secret_name(name_id_or_prefix))


def _sort_key(sort_by: str) -> tuple[str, bool]:
    direction, _, field = str(sort_by).rpartition(":")
    if field not in ("created", "updated", "name", "id"):
        raise ConfigError(
            f"Secrets cannot be sorted by '{field}'; use created, updated, name or id."
        )
    return field, direction == "desc"


def _matches(filters: dict[str, Any], info: Any, logical_operator: str) -> bool:
    """ZenML filters evaluated in Python, on objects that are not SQL rows (secrets, whose
    values are encrypted; flavors, which live in code)."""
    from stackwise.store.filters import matches

    results = [
        matches(
            value, getattr(info, field), field, "date" if field in ("created", "updated") else "str"
        )
        for field, value in filters.items()
    ]
    if not results:
        return True
    return any(results) if logical_operator.lower() == "or" else all(results)


__all__ = ["SecretsMixin"]
