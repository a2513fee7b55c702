"""Users, service accounts and API keys in the database (SQLite and PostgreSQL): hashes never
leave the store, credentials are checked as the server needs, and a team cannot lock itself
out by removing its last admin."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import update

from stackwise.exceptions import CredentialsNotValid, EntityExistsError, IllegalOperationError
from stackwise.store import get_store
from stackwise.store.sql import schema as t
from stackwise.utils.ids import utcnow


def test_passwords_are_hashed_and_no_record_carries_a_hash() -> None:
    store = get_store()
    created = store.create_user("ada", password="ada-password", role="editor")
    fields = {f.name for f in dataclasses.fields(created)}
    assert not any("hash" in f for f in fields) and created.has_password
    with store.engine.connect() as conn:  # type: ignore[attr-defined]
        stored = conn.execute(t.users.select().where(t.users.c.name == "ada")).one()
    assert stored.password_hash.startswith("$argon2id$") and "ada-password" not in str(stored)
    assert store.authenticate_password("ada", "ada-password").role == "editor"  # type: ignore[attr-defined]
    for name, password in (("ada", "wrong-password"), ("nobody", "ada-password")):
        with pytest.raises(CredentialsNotValid, match="Wrong username or password"):
            store.authenticate_password(name, password)  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="at least 8"):
        store.create_user("bob", password="short")
    with pytest.raises(ValueError, match="Unknown role 'root'"):
        store.create_user("bob", password="bob-password", role="root")
    with pytest.raises(EntityExistsError):
        store.create_user("ada", password="ada-password")


def test_the_last_admin_cannot_be_removed_demoted_or_disabled() -> None:
    store = get_store()
    first = store.create_user("root", password="root-password", role="admin")
    assert store.has_admin()  # type: ignore[attr-defined]
    for change in (
        lambda: store.update_user(first.id, role="viewer"),
        lambda: store.update_user(first.id, active=False),
        lambda: store.delete_user(first.id),
    ):
        with pytest.raises(IllegalOperationError, match="last active admin"):
            change()
    second = store.create_user("root2", password="root-password", role="admin")
    store.update_user(first.id, role="viewer")
    assert store.get_user("root").role == "viewer" and store.get_user(second.id).role == "admin"


def test_api_keys_are_shown_once_and_rotation_retires_the_old_key() -> None:
    store = get_store()
    account = store.create_user("ci", is_service_account=True, role="editor")
    created = store.create_api_key(account.id, "deploy", description="CI deploys")
    assert created.key and created.key.startswith("swk_")
    assert store.get_api_key(account.id, "deploy").key is None
    assert [k.name for k in store.list_api_keys(account.id).items] == ["deploy"]
    user, key, rotation = store.authenticate_api_key(created.key)  # type: ignore[attr-defined]
    assert (user.name, key.name, rotation) == ("ci", "deploy", 0)
    assert store.get_api_key(account.id, "deploy").last_login is not None

    rotated = store.rotate_api_key(account.id, "deploy", retain_period_minutes=10)
    assert rotated.key != created.key and rotated.rotation == 1
    assert store.authenticate_api_key(created.key)[2] == 0  # type: ignore[attr-defined]
    with store.engine.begin() as conn:  # type: ignore[attr-defined]  # the retain period ends
        conn.execute(update(t.api_keys).values(retain_until=utcnow() - timedelta(seconds=1)))
    with pytest.raises(CredentialsNotValid):
        store.authenticate_api_key(created.key)  # type: ignore[attr-defined]
    assert store.authenticate_api_key(str(rotated.key))[2] == 1  # type: ignore[attr-defined]

    store.update_api_key(account.id, "deploy", active=False)
    with pytest.raises(CredentialsNotValid):
        store.authenticate_api_key(str(rotated.key))  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="not a service account"):
        store.create_api_key(store.create_user("human", password="human-password").id, "k")
    store.delete_user(account.id)  # its keys go with it
    with pytest.raises(CredentialsNotValid):
        store.authenticate_api_key(str(rotated.key))  # type: ignore[attr-defined]


def test_a_server_setting_is_made_once_and_kept() -> None:
    store = get_store()
    first = store.server_setting("jwt_secret_key", lambda: "one")  # type: ignore[attr-defined]
    again = store.server_setting("jwt_secret_key", lambda: "two")  # type: ignore[attr-defined]
    assert first == again == "one"
