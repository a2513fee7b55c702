"""The metadata store: pipelines, runs, step runs, artifacts, metadata, stacks and components.

`get_store()` returns the store for the configured URL, one per process and URL, so repeated
`Client()` calls do not reconnect. The URL comes from STACKWISE_STORE_URL, else from
`stackwise login`, else it is the SQLite file under STACKWISE_HOME; an `http(s)://` URL is a
stackwise server (RestStore), anything else a database (SqlStore).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from stackwise.store.base import Store

_stores: dict[str, Store] = {}


def get_store(url: str | None = None) -> Store:
    from stackwise.config.global_config import GlobalConfig

    config = GlobalConfig()
    url = url or config.store_url
    store = _stores.get(url)
    if store is None:
        from stackwise.utils.heap import imports_done

        if url.startswith(("http://", "https://")):
            from stackwise.store.rest.rest_store import RestStore

            imports_done()  # the executable freezes what it has loaded (utils/heap.py)
            credentials = config.store_credentials()
            store = cast(
                "Store",
                RestStore(
                    url,
                    api_key=credentials["api_key"],
                    username=credentials["username"],
                    password=credentials["password"],
                    token=credentials["token"],
                ),
            )
        else:
            from stackwise.store.sql.sql_store import SqlStore

            imports_done()  # ...before the store opens, so that it is closed at exit
            store = SqlStore(url)
        store = _stores[url] = store
    return store


def store_credentials(store: Store) -> dict[str, str | None] | None:
    """The credentials a server store (RestStore) logs in with; None for a database."""
    credentials = getattr(store, "credentials", None)
    return credentials() if callable(credentials) else None


def adopt_store(url: str, credentials: dict[str, str | None] | None) -> None:
    """Make `get_store(url)` a RestStore logging in with `credentials` (from
    `store_credentials` in another process), unless this process has one for `url` already."""
    if credentials is None or url in _stores:
        return
    from stackwise.store.rest.rest_store import RestStore

    store = RestStore(
        url,
        api_key=credentials.get("api_key"),
        username=credentials.get("username"),
        password=credentials.get("password"),
        token=credentials.get("token"),
    )
    _stores[url] = cast("Store", store)


def reset_store_cache() -> None:
    """Forget cached stores (tests switch STACKWISE_HOME between cases)."""
    for store in _stores.values():
        store.close()
    _stores.clear()


__all__ = ["adopt_store", "get_store", "reset_store_cache", "store_credentials"]
