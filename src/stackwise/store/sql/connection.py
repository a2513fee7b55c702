"""The SQL store's connection handling: read connections, write transactions retried while
SQLite's lock is held, and paging."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    Connection,
    RootTransaction,
    func,
    select,
)
from sqlalchemy.exc import OperationalError

from stackwise.exceptions import ConfigError, EntityNotFoundError, ZenKeyError, did_you_mean
from stackwise.store.filters import FilterSpec
from stackwise.store.records import (
    Page,
)
from stackwise.store.sql.engine import ensure_schema, make_engine, write_options

_LOCK_RETRIES = 8
_AMBIGUOUS_SHOWN = 20


class SqlBase:
    """Engine, transactions and paging shared by every entity's queries."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        ensure_schema(self.engine, url)
        self._artifact_ids: dict[str, str] = {}

    def close(self) -> None:
        self.engine.dispose()

    # -- transactions --------------------------------------------------------------------
    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction. Only taking the write lock (BEGIN IMMEDIATE) is retried,
        with backoff, while another process holds it; an error in the body is never retried
        (the body has run once, its statements may not be repeatable)."""
        conn, transaction = self._begin_write()
        with conn, transaction:
            yield conn

    def _begin_write(self) -> tuple[Connection, RootTransaction]:
        for attempt in range(_LOCK_RETRIES):
            conn = self.engine.connect().execution_options(**write_options(self.engine))
            try:
                return conn, conn.begin()
            except OperationalError as error:
                conn.close()
                if "locked" not in str(error) or attempt == _LOCK_RETRIES - 1:
                    raise
                time.sleep(0.05 * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def upgrade_schema(self) -> None:
        from stackwise.store.sql.engine import upgrade

        upgrade(self.engine)

    # -- paging --------------------------------------------------------------------------
    def _page(
        self, query: Any, order: Any, convert: Any, index: int, size: int, *, base: Any = None
    ) -> Page[Any]:
        """A page of `query` in `order`. `base`, the query before the listing's filters, lets
        the page's rows be read by key (see `_by_key`)."""
        if index < 1 or size < 1:
            raise ConfigError(
                f"Pages start at 1 and hold at least 1 item (got page {index}, size {size})."
            )
        orders = order if isinstance(order, (list, tuple)) else [order]
        with self._read() as conn:
            total = conn.execute(select(func.count()).select_from(query.subquery())).scalar()
            pages = max(1, -(-int(total or 0) // size))
            if index > pages:
                raise ConfigError(
                    f"Page {index} is beyond the last page ({pages}) of "
                    f"{total} item(s) at {size} per page."
                )
            page = query.order_by(*orders).limit(size).offset((index - 1) * size)
            if base is not None:
                page = _by_key(page, base, orders)
            rows = conn.execute(page)
            items = [convert(r) for r in rows]
        return Page(items=items, total=int(total or 0), index=index, size=size)

    def _list(
        self,
        query: Any,
        spec: FilterSpec,
        convert: Any,
        *,
        filters: dict[str, Any] | None,
        sort_by: str | None,
        logical_operator: str,
        index: int,
        size: int,
        tiebreak: Any = None,
    ) -> Page[Any]:
        """A page of `query` filtered and sorted with ZenML's syntax (stackwise.store.filters)."""
        condition = spec.conditions(filters or {}, logical_operator)
        filtered = query.where(condition) if condition is not None else query
        order = [spec.order(sort_by)]
        if tiebreak is not None:
            order.append(tiebreak)
        return self._page(filtered, order, convert, index, size, base=query)

    def _update_row(
        self,
        query: Any,
        id_column: Any,
        row_id: str,
        changes: dict[str, Any],
        *,
        changeable: frozenset[str],
        convert: Any,
        what: str,
    ) -> Any:
        """Change the fields `changes` names (each in `changeable`, TypeError otherwise) of
        the row `row_id` of `query`'s table, stamping `updated`, in one write; the record as
        it is now. EntityNotFoundError names `what` when the row does not exist."""
        from dataclasses import replace

        from sqlalchemy import update

        from stackwise.utils.ids import utcnow

        unknown = set(changes) - changeable
        if unknown:
            raise TypeError(f"cannot change {', '.join(sorted(unknown))} of a {what}.")
        changes = {**changes, "updated": utcnow()}
        with self._write() as conn:
            row = conn.execute(query.where(id_column == row_id)).first()
            if row is None:
                raise EntityNotFoundError(f"No {what} with id '{row_id}'.")
            conn.execute(update(id_column.table).where(id_column == row_id).values(**changes))
        return replace(convert(row), **changes)

    @staticmethod
    def _find(
        conn: Connection,
        query: Any,
        id_column: Any,
        name_column: Any,
        value: Any,
        kind: str,
        *,
        allow_name_prefix: bool = False,
        hint_column: Any = None,
    ) -> Any:
        """The row whose id or name is `value`, or whose id (or, when allowed, name) starts
        with it when exactly one does. EntityNotFoundError (a KeyError) otherwise."""
        text = str(value)
        if _is_uuid(text):
            row = conn.execute(query.where(id_column == text)).first()
            if row is not None:
                return row
        elif name_column is not None:
            row = conn.execute(query.where(name_column == text)).first()
            if row is not None:
                return row
        matches = conn.execute(
            query.where(id_column.startswith(text, autoescape=True)).limit(_AMBIGUOUS_SHOWN)
        ).all()
        if not matches and allow_name_prefix and name_column is not None:
            matches = conn.execute(
                query.where(name_column.startswith(text, autoescape=True)).limit(_AMBIGUOUS_SHOWN)
            ).all()
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            shown = ", ".join(
                str(m._mapping[id_column.key]) if id_column.key in m._mapping else str(m[0])
                for m in matches
            )
            raise ZenKeyError(
                f"Several {kind}s match '{text}': {shown}. Give more of the id, or the full name."
            )
        names: list[str] = []
        hints = hint_column if hint_column is not None else name_column
        if hints is not None:
            names = [str(n) for n in conn.execute(select(hints).limit(200)).scalars()]
        hint = did_you_mean(text, names)
        known = ", ".join(f"'{n}'" for n in sorted(names)[:10]) or "none"
        raise EntityNotFoundError(
            f"No {kind} named '{text}' or with an id starting with it.{hint} Known: {known}."
        )


def _by_key(page: Any, base: Any, orders: Sequence[Any]) -> Any:
    """`page` (a filtered, ordered, limited query) rewritten to sort only the keys, then read
    the page's rows by key: when the order ends with a single-column primary key (the
    tiebreak listings add), the same rows in the same order.

    Sorting the full rows makes SQLite copy every matching row whole into its sorter (a run's
    spec and config are kilobytes): with 10,000 runs, an unfiltered `stackwise pipeline runs
    list` spent ~45 ms there, ~20 ms this way. The rows are read from `base`, the query
    without the listing's filters, so the planner looks them up by key instead of walking the
    filter's index again. Listing queries join many-to-one only (a run to its pipeline), so a
    key is one row.
    """
    key = orders[-1]
    if not getattr(key, "primary_key", False) or len(key.table.primary_key.columns) != 1:
        return page
    keys = page.with_only_columns(key)  # same FROM, joins, filters, order and limit
    return base.where(key.in_(keys)).order_by(*orders)


def _is_uuid(text: str) -> bool:
    return len(text) == 36 and text.count("-") == 4
