"""Every Client test runs against each store backend (tests/conftest.py `store_backend`)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _every_store_backend(store_backend: str) -> str:
    return store_backend
