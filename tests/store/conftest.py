"""Every test here runs once per database backend (fixtures/store_backends.py): these tests reach
into SqlStore (its engine, migrations, write lock). A module that tests only the Store protocol
lists its own STORE_BACKENDS to run through the server as well."""

from __future__ import annotations

import pytest
from tests.fixtures.store_backends import DATABASE_BACKENDS


@pytest.fixture(autouse=True)
def every_store_backend(store_url: str) -> str:
    return store_url


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "store_url" not in metafunc.fixturenames:
        return
    pinned = metafunc.definition.iter_markers("parametrize")
    if any(mark.args and mark.args[0] == "store_url" for mark in pinned):
        return  # @only_backend(...)
    backends = getattr(metafunc.module, "STORE_BACKENDS", DATABASE_BACKENDS)
    metafunc.parametrize("store_url", backends, indirect=True)
