"""Secrets: one encrypted token per name; the store never sees plaintext."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    Connection,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from stackwise.exceptions import EntityExistsError, not_found
from stackwise.store.filters import bytewise
from stackwise.store.sql import schema as t
from stackwise.store.sql.connection import SqlBase
from stackwise.utils.ids import new_id, utcnow


class SecretQueries(SqlBase):
    encrypts_secrets = False  # a database gets tokens its clients encrypted

    # the store never sees plaintext. Rows come back as dicts of the `secrets` columns.
    def create_secret(self, name: str, encrypted_values: str) -> dict[str, Any]:
        now = utcnow()
        row = {
            "id": new_id(),
            "name": name,
            "encrypted_values": encrypted_values,
            "created": now,
            "updated": now,
        }
        try:
            with self._write() as conn:
                conn.execute(insert(t.secrets), row)
        except IntegrityError as error:
            raise EntityExistsError(
                f"A secret named '{name}' already exists. Pick another name, or change it with "
                f"`stackwise secret update {name} --KEY=VALUE`."
            ) from error
        return row

    def get_secret(self, name: str) -> dict[str, Any]:
        with self._read() as conn:
            return self._secret_row(conn, name)

    @staticmethod
    def _secret_row(conn: Connection, name: str, *, for_update: bool = False) -> dict[str, Any]:
        c = t.secrets.c
        query = select(t.secrets).where(c.name == name)
        # PostgreSQL locks the row until the transaction ends; SQLite's BEGIN IMMEDIATE already
        # holds the write lock (and its dialect leaves FOR UPDATE out).
        row = conn.execute(query.with_for_update() if for_update else query).first()
        if row is None:
            raise not_found("secret", name, conn.execute(select(c.name)).scalars().all())
        return dict(row._mapping)

    def list_secrets(self) -> list[dict[str, Any]]:
        with self._read() as conn:
            rows = conn.execute(select(t.secrets).order_by(bytewise(t.secrets.c.name)))
            return [dict(r._mapping) for r in rows]

    def update_secret(
        self, name: str, change: Callable[[str], str], new_name: str | None = None
    ) -> dict[str, Any]:
        """Replace the token by `change(old token)` (and the name by `new_name`) in one write
        transaction, so concurrent updates of different keys never lose one another's
        changes."""
        try:
            with self._write() as conn:
                row = self._secret_row(conn, name, for_update=True)
                row.update(
                    encrypted_values=change(row["encrypted_values"]),
                    updated=utcnow(),
                    name=new_name or row["name"],
                )
                conn.execute(
                    update(t.secrets)
                    .where(t.secrets.c.id == row["id"])
                    .values(
                        encrypted_values=row["encrypted_values"],
                        updated=row["updated"],
                        name=row["name"],
                    )
                )
        except IntegrityError as error:
            raise EntityExistsError(f"A secret named '{new_name}' already exists.") from error
        return row

    def delete_secret(self, name: str) -> None:
        with self._write() as conn:
            row = self._secret_row(conn, name)
            conn.execute(delete(t.secrets).where(t.secrets.c.id == row["id"]))
