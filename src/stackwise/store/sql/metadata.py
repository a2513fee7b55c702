"""Run metadata: key/value pairs logged on runs, step runs and artifact versions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import (
    Connection,
    insert,
    select,
)

from stackwise.store.sql import schema as t
from stackwise.store.sql.tags import TagQueries
from stackwise.utils.ids import utcnow
from stackwise.utils.jsonable import to_jsonable

_INSERT_METADATA = insert(t.run_metadata)


class MetadataQueries(TagQueries):
    # -- metadata ------------------------------------------------------------------------
    def add_metadata(self, resource_type: str, resource_id: str, values: Mapping[str, Any]) -> None:
        with self._write() as conn:
            self._insert_metadata(conn, resource_type, resource_id, values)

    @staticmethod
    def _insert_metadata(
        conn: Connection, resource_type: str, resource_id: str, values: Mapping[str, Any]
    ) -> None:
        now = utcnow()
        rows = [
            {
                "resource_type": str(resource_type),
                "resource_id": resource_id,
                "key": k,
                "value": to_jsonable(v),
                "created": now,
            }
            for k, v in values.items()
        ]
        if rows:
            conn.execute(_INSERT_METADATA, rows)

    def get_metadata(
        self, resource_type: str, resource_ids: Iterable[str]
    ) -> dict[str, dict[str, Any]]:
        """Metadata per resource id; a key logged twice keeps its newest value."""
        ids = list(resource_ids)
        out: dict[str, dict[str, Any]] = {i: {} for i in ids}
        if not ids:
            return out
        c = t.run_metadata.c
        query = (
            select(c.resource_id, c.key, c.value)
            .where(c.resource_type == str(resource_type), c.resource_id.in_(ids))
            .order_by(c.id)
        )
        with self._read() as conn:
            for row in conn.execute(query):
                out[row.resource_id][row.key] = row.value
        return out

    def find_by_metadata(self, resource_type: str, key: str, value: Any) -> list[str]:
        """Ids of resources of a type whose newest metadata value for `key` equals `value`."""
        c = t.run_metadata.c
        query = (
            select(c.resource_id, c.value)
            .where(c.resource_type == str(resource_type), c.key == key)
            .order_by(c.id)
        )
        latest: dict[str, Any] = {}
        with self._read() as conn:
            for row in conn.execute(query):
                latest[row.resource_id] = row.value
        wanted = to_jsonable(value)
        return [rid for rid, stored in latest.items() if stored == wanted]
