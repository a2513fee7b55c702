"""The step entrypoint reads a run's context (record, spec, stack) from the store once per run in
each process and thread that runs its steps, and never serves one run's context to another."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.execution.step_entrypoint import cached_run_context, forget_run_contexts
from stackwise.execution.step_runner import RunContext
from stackwise.store import get_store, reset_store_cache


@step
def one() -> int:
    return 1


@pipeline(enable_cache=False)
def single():
    one()


@pytest.fixture(autouse=True)
def no_cached_contexts() -> Iterator[None]:
    forget_run_contexts()
    yield
    forget_run_contexts()


def test_the_next_step_of_a_run_reuses_its_context() -> None:
    run = single()
    url = get_store().url

    first = cached_run_context(url, str(run.id))

    assert cached_run_context(url, str(run.id)) is first
    assert first.run.id == str(run.id) and list(first.spec.steps) == ["one"]


def test_another_run_gets_its_own_context() -> None:
    url = get_store().url
    first, second = single(), single()

    a = cached_run_context(url, str(first.id))
    b = cached_run_context(url, str(second.id))

    assert a is not b
    assert (a.run.id, b.run.id) == (str(first.id), str(second.id))


def test_a_later_run_sees_the_stack_as_changed_since(tmp_path: Path) -> None:
    url = get_store().url
    before = cached_run_context(url, str(single().id))
    Client().update_stack_component(
        "default", "artifact_store", configuration={"path": str(tmp_path)}
    )

    after = cached_run_context(url, str(single().id))

    assert after.stack.artifact_store.path == str(tmp_path)
    assert before.stack.artifact_store.path != str(tmp_path)  # its own run's stack, as it ran


def test_each_thread_has_its_own_context() -> None:
    """Steps of one run on a multi-threaded worker (Dask) do not share the context's caches."""
    run = single()
    url = get_store().url
    here = cached_run_context(url, str(run.id))
    there: list[RunContext] = []

    thread = threading.Thread(target=lambda: there.append(cached_run_context(url, str(run.id))))
    thread.start()
    thread.join()

    assert there[0] is not here


def test_a_reopened_store_is_read_again() -> None:
    run = single()
    url = get_store().url
    first = cached_run_context(url, str(run.id))

    reset_store_cache()

    assert cached_run_context(url, str(run.id)) is not first
