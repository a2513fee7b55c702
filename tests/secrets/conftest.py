"""Secrets tests drive the Client and the CLI (`invoke`/`ok` come from tests/conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def no_key_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests choose their key: the file in the test's STACKWISE_HOME unless they set one."""
    monkeypatch.delenv("STACKWISE_SECRETS_KEY", raising=False)
