"""Client methods for users, service accounts and their API keys (ZenML's names and
parameters). On a server they need an admin (`stackwise.server.roles`); `active_user` is who
this client is logged in as. ZenML's `is_admin` maps onto stackwise's roles: `is_admin=True`
is `role="admin"`, otherwise a user is an `editor` unless a role is given."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from stackwise.client.base import ClientBase, given, to_page

if TYPE_CHECKING:
    from stackwise.models.base import Page, UserResponse
    from stackwise.models.user import APIKeyResponse, ServiceAccountResponse


def _role(role: str | None, is_admin: bool | None) -> str | None:
    if role is not None:
        return role
    if is_admin is None:
        return None
    return "admin" if is_admin else "editor"


class UsersMixin(ClientBase):
    # -- users ---------------------------------------------------------------------------
    def _user(self, record: Any) -> UserResponse:
        from stackwise.models.user import user_response

        return user_response(record, self.store)

    def create_user(
        self,
        name: str,
        password: str | None = None,
        is_admin: bool = False,
        role: str | None = None,
    ) -> UserResponse:
        """A user with `role` (admin, editor, viewer; default: admin if `is_admin`, else
        editor). Without a password the user cannot log in until an admin sets one."""
        return self._user(
            self.store.create_user(name, password=password, role=_role(role, is_admin) or "editor")
        )

    def get_user(
        self,
        name_id_or_prefix: str | UUID,
        allow_name_prefix_match: bool = True,
        hydrate: bool = True,
    ) -> UserResponse:
        return self._user(
            self.store.get_user(str(name_id_or_prefix), allow_name_prefix=allow_name_prefix_match)
        )

    def list_users(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 20,
        logical_operator: str = "and",
        id: Any = None,
        external_user_id: Any = None,
        created: Any = None,
        updated: Any = None,
        name: Any = None,
        full_name: Any = None,
        email: Any = None,
        active: Any = None,
        email_opted_in: Any = None,
        hydrate: bool = False,
        role: Any = None,
    ) -> Page[UserResponse]:
        """Users (service accounts are listed by `list_service_accounts`)."""
        filters = given(
            id=id,
            created=created,
            updated=updated,
            name=name,
            full_name=full_name,
            email=email,
            active=active,
            role=role,
        )
        filters["is_service_account"] = False
        return to_page(
            self.store.list_users(
                filters=filters,
                sort_by=sort_by,
                logical_operator=str(getattr(logical_operator, "value", logical_operator)),
                index=page,
                size=size,
            ),
            self._user,
        )

    def update_user(
        self,
        name_id_or_prefix: str | UUID,
        updated_name: str | None = None,
        updated_full_name: str | None = None,
        updated_email: str | None = None,
        updated_email_opt_in: bool | None = None,
        updated_password: str | None = None,
        old_password: str | None = None,
        updated_is_admin: bool | None = None,
        updated_metadata: dict[str, Any] | None = None,
        updated_default_project_id: Any = None,
        active: bool | None = None,
        updated_role: str | None = None,
        updated_description: str | None = None,
    ) -> UserResponse:
        """Change a user; a new role or `active=False` applies to its next request."""
        user = self.store.get_user(str(name_id_or_prefix))
        return self._user(
            self.store.update_user(
                user.id,
                name=updated_name,
                full_name=updated_full_name,
                email=updated_email,
                role=_role(updated_role, updated_is_admin),
                active=active,
                description=updated_description,
                password=updated_password,
            )
        )

    def deactivate_user(self, name_id_or_prefix: str | UUID) -> UserResponse:
        """Disable a user: its tokens stop working at once."""
        return self.update_user(name_id_or_prefix, active=False)

    def delete_user(self, name_id_or_prefix: str | UUID) -> None:
        self.store.delete_user(self.store.get_user(str(name_id_or_prefix)).id)

    # -- service accounts ----------------------------------------------------------------
    def _account(self, record: Any) -> ServiceAccountResponse:
        from stackwise.models.user import ServiceAccountResponse

        return ServiceAccountResponse.from_record(record, self.store)

    def _account_record(self, name_id_or_prefix: str | UUID, prefix: bool = True) -> Any:
        from stackwise.exceptions import EntityNotFoundError

        record = self.store.get_user(str(name_id_or_prefix), allow_name_prefix=prefix)
        if not record.is_service_account:
            raise EntityNotFoundError(
                f"'{record.name}' is a user, not a service account "
                "(`stackwise service-account list`)."
            )
        return record

    def create_service_account(
        self,
        name: str,
        full_name: str | None = None,
        description: str = "",
        role: str = "editor",
    ) -> ServiceAccountResponse:
        """A service account (for CI, schedulers, workers) with `role`; give it API keys
        with `create_api_key`."""
        return self._account(
            self.store.create_user(
                name,
                role=role,
                full_name=full_name or "",
                description=description,
                is_service_account=True,
            )
        )

    def get_service_account(
        self,
        name_id_or_prefix: str | UUID,
        allow_name_prefix_match: bool = True,
        hydrate: bool = True,
    ) -> ServiceAccountResponse:
        return self._account(self._account_record(name_id_or_prefix, allow_name_prefix_match))

    def list_service_accounts(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 20,
        logical_operator: str = "and",
        id: Any = None,
        external_user_id: Any = None,
        created: Any = None,
        updated: Any = None,
        name: Any = None,
        description: Any = None,
        active: Any = None,
        hydrate: bool = False,
    ) -> Page[ServiceAccountResponse]:
        filters = given(id=id, created=created, updated=updated, name=name, active=active)
        filters["is_service_account"] = True
        if description is not None:
            filters["description"] = description
        return to_page(
            self.store.list_users(
                filters=filters,
                sort_by=sort_by,
                logical_operator=str(getattr(logical_operator, "value", logical_operator)),
                index=page,
                size=size,
            ),
            self._account,
        )

    def update_service_account(
        self,
        name_id_or_prefix: str | UUID,
        updated_name: str | None = None,
        description: str | None = None,
        active: bool | None = None,
        role: str | None = None,
    ) -> ServiceAccountResponse:
        record = self._account_record(name_id_or_prefix)
        return self._account(
            self.store.update_user(
                record.id, name=updated_name, description=description, active=active, role=role
            )
        )

    def delete_service_account(self, name_id_or_prefix: str | UUID) -> None:
        """Delete a service account and its API keys."""
        self.store.delete_user(self._account_record(name_id_or_prefix, False).id)

    # -- API keys ------------------------------------------------------------------------
    def _key(self, record: Any) -> APIKeyResponse:
        from stackwise.models.user import APIKeyResponse

        return APIKeyResponse.from_record(record, self.store)

    def create_api_key(
        self,
        service_account_name_id_or_prefix: str | UUID,
        name: str,
        description: str = "",
        set_key: bool = False,
    ) -> APIKeyResponse:
        """A new API key; its `key` is shown this once. `set_key`: this client logs in with
        it from now on."""
        account = self._account_record(service_account_name_id_or_prefix)
        key = self._key(self.store.create_api_key(account.id, name, description=description))
        if set_key and key.key:
            self.set_api_key(key.key)
        return key

    def get_api_key(
        self,
        service_account_name_id_or_prefix: str | UUID,
        name_id_or_prefix: str | UUID,
        allow_name_prefix_match: bool = True,
        hydrate: bool = True,
    ) -> APIKeyResponse:
        account = self._account_record(service_account_name_id_or_prefix)
        return self._key(self.store.get_api_key(account.id, str(name_id_or_prefix)))

    def list_api_keys(
        self,
        service_account_name_id_or_prefix: str | UUID,
        sort_by: str = "created",
        page: int = 1,
        size: int = 20,
        logical_operator: str = "and",
        id: Any = None,
        created: Any = None,
        updated: Any = None,
        name: Any = None,
        description: Any = None,
        active: Any = None,
        last_login: Any = None,
        last_rotated: Any = None,
        hydrate: bool = False,
    ) -> Page[APIKeyResponse]:
        account = self._account_record(service_account_name_id_or_prefix)
        filters = given(
            id=id,
            created=created,
            updated=updated,
            name=name,
            description=description,
            active=active,
            last_login=last_login,
            last_rotated=last_rotated,
        )
        return to_page(
            self.store.list_api_keys(
                account.id,
                filters=filters,
                sort_by=sort_by,
                logical_operator=str(getattr(logical_operator, "value", logical_operator)),
                index=page,
                size=size,
            ),
            self._key,
        )

    def update_api_key(
        self,
        service_account_name_id_or_prefix: str | UUID,
        name_id_or_prefix: str | UUID,
        name: str | None = None,
        description: str | None = None,
        active: bool | None = None,
    ) -> APIKeyResponse:
        account = self._account_record(service_account_name_id_or_prefix)
        return self._key(
            self.store.update_api_key(
                account.id,
                str(name_id_or_prefix),
                name=name,
                description=description,
                active=active,
            )
        )

    def rotate_api_key(
        self,
        service_account_name_id_or_prefix: str | UUID,
        name_id_or_prefix: str | UUID,
        retain_period_minutes: int = 0,
        set_key: bool = False,
    ) -> APIKeyResponse:
        """A new key for the entry (shown this once); the old key keeps working for
        `retain_period_minutes` (0: stops now)."""
        account = self._account_record(service_account_name_id_or_prefix)
        key = self._key(
            self.store.rotate_api_key(
                account.id, str(name_id_or_prefix), retain_period_minutes=retain_period_minutes
            )
        )
        if set_key and key.key:
            self.set_api_key(key.key)
        return key

    def delete_api_key(
        self,
        service_account_name_id_or_prefix: str | UUID,
        name_id_or_prefix: str | UUID,
    ) -> None:
        account = self._account_record(service_account_name_id_or_prefix)
        self.store.delete_api_key(account.id, str(name_id_or_prefix))

    def set_api_key(self, key: str) -> None:
        """Log this client in to its server with an API key from now on."""
        from stackwise.config.global_config import GlobalConfig
        from stackwise.exceptions import ConfigError
        from stackwise.store import reset_store_cache

        url = self.store.url
        if not url.startswith(("http://", "https://")):
            raise ConfigError(
                "An API key is for a stackwise server; this client uses a database "
                f"directly. Connect first: `stackwise login URL --api-key {key[:8]}...`."
            )
        GlobalConfig().set_login(url, key)
        reset_store_cache()
        self.__dict__.pop("store", None)

    # -- who this client is --------------------------------------------------------------
    @property
    def active_user(self) -> UserResponse:
        """The user (or service account) this client acts as: on a server, who it is logged
        in as; on a local store, the `default` user."""
        from stackwise.models.base import UserResponse, default_user

        who = getattr(self.store, "current_user", None)
        if who is None:
            return default_user(self.store)
        me = who()
        if me.get("id") is None:  # a server without authentication
            return default_user(self.store)
        return UserResponse.make(
            self.store,
            id=me["id"],
            user_id=None,
            name=me["name"],
            is_service_account=me["is_service_account"],
            is_admin=me["role"] == "admin",
            role=me["role"],
        )
