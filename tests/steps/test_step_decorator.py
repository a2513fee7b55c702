"""`@step` as users write it: with and without options, called inside and outside a pipeline,
invocation ids, and `with_options` copies."""

from collections.abc import Iterator

import pytest

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.exceptions import StepInterfaceError
from stackwise.steps.base_step import Step

CALLS: list[str] = []


@pytest.fixture(autouse=True)
def _reset_calls() -> Iterator[None]:
    CALLS.clear()
    yield
    CALLS.clear()


@step
def add(a: int, b: int = 1) -> int:
    CALLS.append("add")
    return a + b


@step(enable_cache=False, name="renamed_step", extra={"owner": "ana"})
def configured(value: int = 3) -> int:
    CALLS.append("configured")
    return value * 2


@pipeline
def reuse_pipeline():
    first = add(a=1)
    second = add(first)
    add(second, b=10)
    add(a=100, id="custom")


@pipeline
def configured_pipeline():
    configured()


def test_bare_decorator_makes_a_step_that_keeps_the_function_name_and_signature():
    assert isinstance(add, Step)
    assert add.name == "add"
    assert list(add.signature.parameters) == ["a", "b"]
    assert add.enable_cache is None


def test_decorator_with_options_keeps_them():
    assert isinstance(configured, Step)
    assert configured.name == "renamed_step"
    assert configured.enable_cache is False
    assert configured.extra == {"owner": "ana"}


def test_step_called_outside_a_pipeline_just_runs_the_function():
    assert add(2, b=5) == 7
    assert add(2) == 3
    assert CALLS == ["add", "add"]
    assert Client().list_pipeline_runs().total == 0


def test_unknown_step_option_is_rejected_when_the_step_is_defined():
    with pytest.raises(StepInterfaceError, match=r"unknown option\(s\) \['cache'\]"):

        @step(cache=False)
        def _never(x: int) -> int:
            return x


def test_var_args_are_rejected_when_the_step_is_defined():
    with pytest.raises(StepInterfaceError, match=r"\*args/\*\*kwargs are not supported"):

        @step
        def _never(*values: int) -> int:
            return sum(values)


def test_reused_step_gets_invocation_ids_name_name_2_name_3_and_id_overrides():
    run = reuse_pipeline()

    assert set(run.steps) == {"add", "add_2", "add_3", "custom"}
    assert run.steps["add"].output.load() == 2
    assert run.steps["add_2"].output.load() == 3
    assert run.steps["add_3"].output.load() == 13
    assert run.steps["custom"].output.load() == 101
    assert CALLS == ["add"] * 4


def test_step_with_name_option_is_invoked_under_that_name():
    run = configured_pipeline()

    assert list(run.steps) == ["renamed_step"]
    assert run.steps["renamed_step"].output.load() == 6
    assert run.steps["renamed_step"].config.extra == {"owner": "ana"}


def test_with_options_returns_a_changed_copy_and_leaves_the_original_alone():
    copy = add.with_options(enable_cache=False, extra={"team": "ml"})

    assert copy is not add
    assert isinstance(copy, Step)
    assert copy.enable_cache is False
    assert copy.extra == {"team": "ml"}
    assert add.enable_cache is None
    assert add.extra == {}
    # the copy is still the same function
    assert copy(1, b=1) == 2


def test_with_options_rejects_unknown_options():
    with pytest.raises(StepInterfaceError, match=r"unknown option\(s\) \['enable_caching'\]"):
        add.with_options(enable_caching=False)


UNCACHED_ADD = add.with_options(enable_cache=False)


@pipeline
def copy_and_original_pipeline():
    add(a=1, id="original")
    UNCACHED_ADD(a=1, id="copy")


def test_with_options_copy_behaves_differently_in_a_run_from_the_original():
    copy_and_original_pipeline()
    CALLS.clear()

    run = copy_and_original_pipeline()

    assert run.steps["original"].status == "cached"
    assert run.steps["copy"].status == "completed"
    assert CALLS == ["add"]


@step
def reconfigured(x: int) -> int:
    return x


def test_configure_changes_the_step_in_place_like_zenml():
    """ZenML: `.configure()` modifies the step in place and returns it; `.with_options()` is
    the copying form. A user porting `train.configure(enable_cache=False)` expects it to
    take effect on `train` (here it silently does nothing)."""
    returned = reconfigured.configure(enable_cache=False)

    assert reconfigured.enable_cache is False
    assert returned is reconfigured
