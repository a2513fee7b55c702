"""The store over HTTP: RestStore, the client of a stackwise server (`stackwise.server`)."""

from __future__ import annotations

from stackwise.store.rest.rest_store import RestStore

__all__ = ["RestStore"]
