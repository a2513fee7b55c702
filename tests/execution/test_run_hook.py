"""`run_hook`: checks before the hook runs (name, type, what is callable), what happens outside
a run, how failures of the hook and of recording are kept apart, and the Client's reads."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from stackwise import pipeline, run_hook, step
from stackwise.client import Client
from stackwise.config.source import Source
from stackwise.enums import HookType
from stackwise.exceptions import ConfigError

CALLS: list[Any] = []


@pytest.fixture(autouse=True)
def _reset() -> Iterator[None]:
    CALLS.clear()
    yield
    CALLS.clear()


def record_call(value: Any = None) -> Any:
    CALLS.append(value)
    return value


def explode() -> None:
    raise KeyError("inside the hook")


def unsaveable() -> Any:
    return threading.Lock()


# -- checks before the hook runs -------------------------------------------------------------
@pytest.mark.parametrize(
    "name", ["", " ", "has space", "9lives", "-x", "a/b", "a:b", "ab$", "名前"]
)
def test_invalid_names_are_refused_before_the_hook_runs(name: str) -> None:
    with pytest.raises(ValueError, match="Invalid hook name"):
        run_hook(record_call, 1, name=name)
    assert CALLS == []


def test_a_name_that_is_no_string_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="hook name is a string"):
        run_hook(record_call, name=5)  # type: ignore[arg-type]
    assert CALLS == []


def test_an_unknown_hook_type_is_refused_listing_the_types() -> None:
    with pytest.raises(ValueError, match="step_success"):
        run_hook(record_call, hook_type="bogus")  # type: ignore[arg-type]
    assert CALLS == []


def test_a_string_is_no_function_and_the_error_says_how_to_name_one() -> None:
    with pytest.raises(TypeError, match="Source.from_import_path"):
        run_hook("os.path.join", "a", "b")  # type: ignore[arg-type]


def test_a_source_names_the_function_to_run() -> None:
    assert run_hook(Source(module="os.path", attribute="join"), "a", "b", track=False) == "a/b"
    with pytest.raises(TypeError, match="not a function"):
        run_hook(Source(module="os", attribute="sep"), track=False)


# -- outside a run ---------------------------------------------------------------------------
def test_outside_a_run_the_hook_runs_and_a_warning_says_nothing_was_recorded(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="stackwise"):
        assert run_hook(record_call, 7, store_return=True) == 7
    assert CALLS == [7]
    assert "requires an active pipeline run context" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="stackwise"):
        run_hook(record_call, 8, track=False)
    assert caplog.text == ""
    assert Client().list_hook_invocations().total == 0


def test_outside_a_run_a_failing_hook_raises_its_own_error() -> None:
    with pytest.raises(KeyError, match="inside the hook"):
        run_hook(explode)


def test_a_static_pipeline_function_is_no_run_context(caplog: pytest.LogCaptureFixture) -> None:
    @step
    def one() -> int:
        return 1

    @pipeline(enable_cache=False)
    def static() -> None:
        run_hook(record_call, "compiling")
        one()

    with caplog.at_level(logging.WARNING, logger="stackwise"):
        static()
    assert CALLS == ["compiling"]
    assert "requires an active pipeline run context" in caplog.text
    assert Client().list_hook_invocations().total == 0


# -- in a step -------------------------------------------------------------------------------
def test_in_a_step_failures_and_unnamed_callables_are_recorded() -> None:
    @step(enable_cache=False)
    def uses_hooks() -> None:
        with pytest.raises(KeyError):
            run_hook(explode)
        with pytest.raises(TypeError):
            run_hook(record_call, kwargs=[1])  # type: ignore[arg-type]
        run_hook(lambda: CALLS.append("lambda"))

    @pipeline
    def hooked() -> None:
        uses_hooks()

    hooked()
    invocations = Client().list_hook_invocations(size=10).items
    assert [(i.name, i.status.value) for i in invocations] == [
        ("explode", "failed"),
        ("record_call", "failed"),
        (None, "completed"),
    ]
    failed = invocations[0].exception_info
    assert failed is not None and failed.source == "builtins.KeyError"
    # the traceback starts in the hook, not in run_hook
    assert "hooks/execution.py" not in failed.traceback and "in explode" in failed.traceback
    assert invocations[2].source is None  # a lambda cannot be imported again
    assert invocations[0].hook_type is HookType.CUSTOM
    assert invocations[0].duration is not None
    assert invocations[0].step_run is not None
    assert invocations[0].pipeline_run.id == invocations[0].pipeline_run_id


def test_a_return_value_that_cannot_be_saved_leaves_the_hook_result_alone(
    caplog: pytest.LogCaptureFixture,
) -> None:
    seen: list[Any] = []

    @step(enable_cache=False)
    def saves() -> None:
        seen.append(run_hook(unsaveable, store_return=True))

    @pipeline
    def saving() -> None:
        saves()

    with caplog.at_level(logging.WARNING, logger="stackwise"):
        saving()
    assert len(seen) == 1 and seen[0] is not None
    assert "Failed to record custom hook invocation 'unsaveable'" in caplog.text


# -- Client ----------------------------------------------------------------------------------
def test_client_reads_need_a_full_id_and_known_filters() -> None:
    client = Client()
    with pytest.raises(ValueError):
        client.get_hook_invocation("not-a-uuid")
    with pytest.raises(ValueError):
        client.delete_hook_invocation("1234")
    with pytest.raises(ConfigError, match="cannot be sorted by 'color'"):
        client.list_hook_invocations(sort_by="color")
    assert client.list_hook_invocations(user="someone-else").total == 0
