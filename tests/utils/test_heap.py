"""The collector policy of the `stackwise` executable (stackwise.utils.heap): only an owned
process freezes, only once. The collector calls are recorded, never made: freezing the pytest
process would pin every test's garbage."""

from __future__ import annotations

import gc

import pytest

from stackwise.utils import heap


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    made: list[str] = []
    for name in ("disable", "enable", "freeze"):
        monkeypatch.setattr(gc, name, lambda name=name: made.append(name))
    monkeypatch.setattr(heap, "_owned", False)
    return made


def test_the_library_never_touches_the_collector(calls: list[str]) -> None:
    heap.imports_done()
    assert calls == []


def test_the_executable_pauses_then_freezes_once(calls: list[str]) -> None:
    heap.own_process()
    assert calls == ["disable"]
    heap.imports_done()
    heap.imports_done()  # a second store, or user code after the store: nothing more
    assert calls == ["disable", "freeze", "enable"]
