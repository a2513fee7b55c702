"""Users, service accounts and their API keys; the server's credential checks and settings.

Hashes stay here: every record built from a `users` or `api_keys` row leaves them out. The
last active admin who can log in cannot be deleted, deactivated or demoted, so a server never
locks its team out.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import Connection, Row, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from stackwise.exceptions import (
    CredentialsNotValid,
    EntityExistsError,
    IllegalOperationError,
)
from stackwise.store import credentials as cred
from stackwise.store.filters import Column, FilterSpec
from stackwise.store.records import ApiKeyRecord, Page, UserRecord
from stackwise.store.sql import schema as t
from stackwise.store.sql.connection import SqlBase
from stackwise.utils.ids import new_id, utcnow

_u = t.users.c
_k = t.api_keys.c
USER_FILTERS = FilterSpec(
    "Users",
    {
        "id": Column(_u.id),
        "name": Column(_u.name),
        "full_name": Column(_u.full_name),
        "email": Column(_u.email),
        "role": Column(_u.role),
        "active": Column(_u.active, "bool"),
        "is_service_account": Column(_u.is_service_account, "bool"),
        "created": Column(_u.created, "date"),
        "updated": Column(_u.updated, "date"),
    },
)
API_KEY_FILTERS = FilterSpec(
    "API keys",
    {
        "id": Column(_k.id),
        "name": Column(_k.name),
        "description": Column(_k.description),
        "active": Column(_k.active, "bool"),
        "created": Column(_k.created, "date"),
        "updated": Column(_k.updated, "date"),
        "last_login": Column(_k.last_login, "date"),
        "last_rotated": Column(_k.last_rotated, "date"),
    },
)
_REFUSED = "Wrong username or password, or the account is disabled."


def _user(row: Row[Any]) -> UserRecord:
    return UserRecord(
        id=row.id,
        name=row.name,
        full_name=row.full_name,
        email=row.email,
        active=bool(row.active),
        is_service_account=bool(row.is_service_account),
        role=row.role,
        description=row.description,
        created=row.created,
        updated=row.updated,
        has_password=row.password_hash is not None,
    )


def _key(row: Row[Any], key: str | None = None) -> ApiKeyRecord:
    return ApiKeyRecord(
        id=row.id,
        service_account_id=row.service_account_id,
        name=row.name,
        description=row.description,
        active=bool(row.active),
        created=row.created,
        updated=row.updated,
        last_login=row.last_login,
        last_rotated=row.last_rotated,
        rotation=int(row.rotation),
        retain_until=row.retain_until,
        key=key,
    )


class UserQueries(SqlBase):
    # -- users and service accounts ------------------------------------------------------
    def create_user(
        self,
        name: str,
        *,
        password: str | None = None,
        role: str = "viewer",
        full_name: str = "",
        email: str | None = None,
        description: str | None = None,
        is_service_account: bool = False,
        active: bool = True,
    ) -> UserRecord:
        """A user (or, with `is_service_account`, a service account: no password, API keys
        instead). The password is hashed here; the hash is never returned."""
        if not name or not isinstance(name, str):
            raise ValueError("A user needs a name.")
        if is_service_account and password is not None:
            raise ValueError(
                f"Service account '{name}' cannot have a password; give it an API key: "
                f"`stackwise service-account api-key {name} create KEY_NAME`."
            )
        now = utcnow()
        row: dict[str, Any] = {
            "id": new_id(),
            "name": name,
            "full_name": full_name or "",
            "email": email,
            "active": bool(active),
            "is_service_account": bool(is_service_account),
            "created": now,
            "updated": now,
            "password_hash": cred.hash_password(password) if password is not None else None,
            "role": cred.check_role(role),
            "description": description,
        }
        kind = "service account" if is_service_account else "user"
        try:
            with self._write() as conn:
                conn.execute(insert(t.users), row)
        except IntegrityError as error:
            raise EntityExistsError(
                f"A user or service account named '{name}' already exists; pick another "
                f"name for the new {kind}."
            ) from error
        return UserRecord(
            **{k: v for k, v in row.items() if k != "password_hash"},
            has_password=password is not None,
        )

    def get_user(self, name_or_id: str, *, allow_name_prefix: bool = False) -> UserRecord:
        with self._read() as conn:
            return _user(self._user_row(conn, name_or_id, allow_name_prefix=allow_name_prefix))

    def _user_row(
        self, conn: Connection, name_or_id: str, *, allow_name_prefix: bool = False
    ) -> Row[Any]:
        row: Row[Any] = self._find(
            conn,
            select(t.users),
            _u.id,
            _u.name,
            name_or_id,
            "user",
            allow_name_prefix=allow_name_prefix,
        )
        return row

    def list_users(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
    ) -> Page[UserRecord]:
        return self._list(
            select(t.users),
            USER_FILTERS,
            _user,
            filters=filters,
            sort_by=sort_by,
            logical_operator=logical_operator,
            index=index,
            size=size,
            tiebreak=_u.id,
        )

    def update_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        full_name: str | None = None,
        email: str | None = None,
        role: str | None = None,
        active: bool | None = None,
        description: str | None = None,
        password: str | None = None,
    ) -> UserRecord:
        """Change the given fields; a role or active change applies to the user's next
        request (the server checks the account on every request)."""
        changes: dict[str, Any] = {
            k: v
            for k, v in {
                "name": name,
                "full_name": full_name,
                "email": email,
                "role": cred.check_role(role) if role is not None else None,
                "active": active,
                "description": description,
            }.items()
            if v is not None
        }
        try:
            with self._write() as conn:
                row = self._user_row(conn, user_id)
                if password is not None:
                    if row.is_service_account:
                        raise ValueError(
                            f"Service account '{row.name}' has no password; it logs in with "
                            "an API key."
                        )
                    changes["password_hash"] = cred.hash_password(password)
                if (role not in (None, "admin") or active is False) and row.role == "admin":
                    self._keep_an_admin(conn, row.id)
                changes["updated"] = utcnow()
                conn.execute(update(t.users).where(_u.id == row.id).values(**changes))
                return _user(conn.execute(select(t.users).where(_u.id == row.id)).one())
        except IntegrityError as error:
            raise EntityExistsError(
                f"A user or service account named '{name}' already exists."
            ) from error

    def delete_user(self, user_id: str) -> None:
        """Delete a user or service account (a service account's API keys go with it)."""
        with self._write() as conn:
            row = self._user_row(conn, user_id)
            if row.role == "admin":
                self._keep_an_admin(conn, row.id)
            conn.execute(delete(t.api_keys).where(_k.service_account_id == row.id))
            conn.execute(delete(t.users).where(_u.id == row.id))

    @staticmethod
    def _keep_an_admin(conn: Connection, leaving: str) -> None:
        others = conn.execute(
            select(func.count())
            .select_from(t.users)
            .where(
                _u.role == "admin",
                _u.active.is_(True),
                _u.id != leaving,
                (_u.password_hash.is_not(None)) | _u.is_service_account.is_(True),
            )
        ).scalar()
        mine = conn.execute(
            select(_u.password_hash, _u.is_service_account).where(_u.id == leaving)
        ).one()
        if not others and (mine.password_hash is not None or mine.is_service_account):
            raise IllegalOperationError(
                "This is the last active admin; make another user an admin first "
                "(`stackwise user update NAME --role admin`)."
            )

    # -- API keys ------------------------------------------------------------------------
    def _account(self, conn: Connection, service_account_id: str) -> Row[Any]:
        row = self._user_row(conn, service_account_id)
        if not row.is_service_account:
            raise ValueError(
                f"'{row.name}' is a user, not a service account; only service accounts have "
                f"API keys (`stackwise service-account create NAME`)."
            )
        return row

    def _key_row(self, conn: Connection, account: Row[Any], name_or_id: str) -> Row[Any]:
        row: Row[Any] = self._find(
            conn,
            select(t.api_keys).where(_k.service_account_id == account.id),
            _k.id,
            _k.name,
            name_or_id,
            f"API key of service account '{account.name}'",
        )
        return row

    def create_api_key(
        self, service_account_id: str, name: str, *, description: str = ""
    ) -> ApiKeyRecord:
        """A new key for a service account; the answer's `key` is the only time it is
        shown (the store keeps its hash)."""
        lookup, key = cred.new_api_key()
        now = utcnow()
        try:
            with self._write() as conn:
                account = self._account(conn, service_account_id)
                row = {
                    "id": new_id(),
                    "service_account_id": account.id,
                    "name": name,
                    "description": description or "",
                    "lookup": lookup,
                    "key_hash": cred.hash_api_key(key),
                    "previous_key_hash": None,
                    "retain_until": None,
                    "rotation": 0,
                    "active": True,
                    "created": now,
                    "updated": now,
                    "last_login": None,
                    "last_rotated": None,
                }
                conn.execute(insert(t.api_keys), row)
                return _key(conn.execute(select(t.api_keys).where(_k.id == row["id"])).one(), key)
        except IntegrityError as error:
            raise EntityExistsError(
                f"Service account '{service_account_id}' already has an API key named "
                f"'{name}'; pick another name."
            ) from error

    def get_api_key(self, service_account_id: str, name_or_id: str) -> ApiKeyRecord:
        with self._read() as conn:
            return _key(self._key_row(conn, self._account(conn, service_account_id), name_or_id))

    def list_api_keys(
        self,
        service_account_id: str,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
    ) -> Page[ApiKeyRecord]:
        with self._read() as conn:
            account = self._account(conn, service_account_id)
        return self._list(
            select(t.api_keys).where(_k.service_account_id == account.id),
            API_KEY_FILTERS,
            _key,
            filters=filters,
            sort_by=sort_by,
            logical_operator=logical_operator,
            index=index,
            size=size,
            tiebreak=_k.id,
        )

    def update_api_key(
        self,
        service_account_id: str,
        name_or_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        active: bool | None = None,
    ) -> ApiKeyRecord:
        """Rename, describe, or (de)activate a key; a deactivated key's tokens stop working
        on their next request."""
        changes: dict[str, Any] = {
            k: v
            for k, v in {"name": name, "description": description, "active": active}.items()
            if v is not None
        }
        changes["updated"] = utcnow()
        try:
            with self._write() as conn:
                row = self._key_row(conn, self._account(conn, service_account_id), name_or_id)
                conn.execute(update(t.api_keys).where(_k.id == row.id).values(**changes))
                return _key(conn.execute(select(t.api_keys).where(_k.id == row.id)).one())
        except IntegrityError as error:
            raise EntityExistsError(f"An API key named '{name}' already exists.") from error

    def rotate_api_key(
        self, service_account_id: str, name_or_id: str, *, retain_period_minutes: int = 0
    ) -> ApiKeyRecord:
        """A new key for the same entry (shown once, in the answer's `key`). The old key
        and its tokens stop working now, or after `retain_period_minutes`."""
        if retain_period_minutes < 0:
            raise ValueError("retain_period_minutes cannot be negative.")
        now = utcnow()
        with self._write() as conn:
            row = self._key_row(conn, self._account(conn, service_account_id), name_or_id)
            key = cred.new_api_key(row.lookup)[1]  # same lookup: the retained key still finds it
            retain = retain_period_minutes > 0
            conn.execute(
                update(t.api_keys)
                .where(_k.id == row.id)
                .values(
                    key_hash=cred.hash_api_key(key),
                    previous_key_hash=row.key_hash if retain else None,
                    retain_until=now + timedelta(minutes=retain_period_minutes) if retain else None,
                    rotation=row.rotation + 1,
                    last_rotated=now,
                    updated=now,
                )
            )
            return _key(conn.execute(select(t.api_keys).where(_k.id == row.id)).one(), key)

    def delete_api_key(self, service_account_id: str, name_or_id: str) -> None:
        with self._write() as conn:
            row = self._key_row(conn, self._account(conn, service_account_id), name_or_id)
            conn.execute(delete(t.api_keys).where(_k.id == row.id))

    # -- the server's credential checks (CredentialStore; not served over HTTP) -----------
    def authenticate_password(self, username: str, password: str) -> UserRecord:
        with self._read() as conn:
            row = conn.execute(select(t.users).where(_u.name == username)).first()
        hashed = row.password_hash if row is not None else None
        if not cred.password_matches(hashed, password) or row is None or not row.active:
            raise CredentialsNotValid(_REFUSED)
        return _user(row)

    def authenticate_api_key(self, key: str) -> tuple[UserRecord, ApiKeyRecord, int]:
        """(service account, key, the rotation the key belongs to) for a valid API key; the
        key's `last_login` is updated."""
        refused = CredentialsNotValid(
            "This API key is not valid, or it or its service account is disabled."
        )
        lookup = cred.key_lookup(key)
        if lookup is None:
            raise refused
        now = utcnow()
        with self._write() as conn:
            row = conn.execute(select(t.api_keys).where(_k.lookup == lookup)).first()
            rotation = None
            if row is not None and cred.key_matches(row.key_hash, key):
                rotation = row.rotation
            elif (
                row is not None
                and row.retain_until is not None
                and now < row.retain_until
                and cred.key_matches(row.previous_key_hash, key)
            ):
                rotation = row.rotation - 1  # the retained key of the previous rotation
            if row is None or rotation is None or not row.active:
                raise refused
            user = conn.execute(select(t.users).where(_u.id == row.service_account_id)).one()
            if not user.active:
                raise refused
            conn.execute(update(t.api_keys).where(_k.id == row.id).values(last_login=now))
            return _user(user), _key(row), rotation

    def credential_state(
        self, user_id: str, api_key_id: str | None
    ) -> tuple[UserRecord | None, ApiKeyRecord | None]:
        """The account (and key) behind a token as they are now: None when deleted."""
        with self._read() as conn:
            user = conn.execute(select(t.users).where(_u.id == user_id)).first()
            key = (
                conn.execute(select(t.api_keys).where(_k.id == api_key_id)).first()
                if api_key_id
                else None
            )
        return (_user(user) if user else None), (_key(key) if key else None)

    def has_admin(self) -> bool:
        """Whether an active admin who can log in (password or service account) exists."""
        with self._read() as conn:
            return bool(
                conn.execute(
                    select(func.count())
                    .select_from(t.users)
                    .where(
                        _u.role == "admin",
                        _u.active.is_(True),
                        _u.password_hash.is_not(None),
                    )
                ).scalar()
            )

    def server_setting(self, name: str, make: Callable[[], str]) -> str:
        """The server's setting `name`, made by `make()` and kept the first time it is
        asked for (two servers starting at once agree on one value)."""
        query = select(t.server_settings.c.value).where(t.server_settings.c.name == name)
        with self._read() as conn:
            value = conn.execute(query).scalar()
        if value is not None:
            return str(value)
        try:
            with self._write() as conn:
                conn.execute(insert(t.server_settings), {"name": name, "value": make()})
        except IntegrityError:
            pass  # another server made it first
        with self._read() as conn:
            return str(conn.execute(query).scalar())
