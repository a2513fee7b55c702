"""Every test here runs once per database backend (fixtures/store_backends.py): these tests reach
into SqlStore (its engine, migrations, write lock). A module that tests only the Store protocol
lists its own STORE_BACKENDS to run through the server as well."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def every_store_backend(store_url: str) -> str:
    return store_url
