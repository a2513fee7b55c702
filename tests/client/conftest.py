"""Every Client test runs once per store backend (fixtures/store_backends.py): SQLite,
PostgreSQL, and RestStore through a real server."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def every_store_backend(store_url: str) -> str:
    return store_url
