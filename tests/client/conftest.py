"""Every test here runs once per metadata store backend (fixtures/store_backends.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def every_store_backend(store_url: str) -> str:
    return store_url
