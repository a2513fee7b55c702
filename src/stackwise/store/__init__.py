"""The metadata store: pipelines, runs, step runs, artifacts, metadata, stacks and components.

`get_store()` returns the store for the configured URL (SQLite under STACKWISE_HOME by default),
one per process and URL, so repeated `Client()` calls do not reconnect.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stackwise.store.sql.sql_store import SqlStore

_stores: dict[str, SqlStore] = {}


def get_store(url: str | None = None) -> SqlStore:
    from stackwise.config.global_config import GlobalConfig

    url = url or GlobalConfig().store_url
    store = _stores.get(url)
    if store is None:
        from stackwise.store.sql.sql_store import SqlStore
        from stackwise.utils.heap import imports_done

        imports_done()  # the `stackwise` executable freezes what it has loaded (utils/heap.py)
        store = _stores[url] = SqlStore(url)
    return store


def reset_store_cache() -> None:
    """Forget cached stores (tests switch STACKWISE_HOME between cases)."""
    for store in _stores.values():
        store.close()
    _stores.clear()


__all__ = ["get_store", "reset_store_cache"]
