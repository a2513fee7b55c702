"""`retry=StepRetryConfig(...)`: failed attempts are kept as `retried` step runs; a step that
keeps failing runs `max_retries + 1` times and ends `failed`."""

from collections.abc import Iterator

import pytest

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.config.retry_config import StepRetryConfig
from stackwise.exceptions import PipelineRunFailedError

ATTEMPTS: dict[str, int] = {}
HOOK_CALLS: list[str] = []


@pytest.fixture(autouse=True)
def _reset() -> Iterator[None]:
    ATTEMPTS.clear()
    HOOK_CALLS.clear()
    yield
    ATTEMPTS.clear()
    HOOK_CALLS.clear()


def _count(name: str) -> int:
    ATTEMPTS[name] = ATTEMPTS.get(name, 0) + 1
    return ATTEMPTS[name]


def record_failure(exception: BaseException) -> None:
    HOOK_CALLS.append(str(exception))


@step(retry=StepRetryConfig(max_retries=2, delay=0, backoff=1))
def flaky() -> int:
    attempt = _count("flaky")
    if attempt <= 2:
        raise ConnectionError(f"attempt {attempt} failed")
    return attempt


@step(retry=StepRetryConfig(max_retries=2, delay=0, backoff=1), on_failure=record_failure)
def hopeless() -> int:
    attempt = _count("hopeless")
    raise ConnectionError(f"attempt {attempt} failed")


@step(retry={"max_retries": 1, "delay": 0})
def flaky_from_dict() -> int:
    attempt = _count("flaky_from_dict")
    if attempt == 1:
        raise ConnectionError("first attempt failed")
    return attempt


@step
def downstream(value: int) -> int:
    _count("downstream")
    return value + 1


@pipeline
def flaky_pipeline():
    downstream(flaky())


@pipeline
def hopeless_pipeline():
    downstream(hopeless())


@pipeline
def dict_retry_pipeline():
    flaky_from_dict()


def test_step_that_fails_twice_then_succeeds_completes_with_two_retried_attempts_kept():
    run = flaky_pipeline()

    assert run.status == "completed"
    assert ATTEMPTS["flaky"] == 3
    assert run.steps["flaky"].status == "completed"
    assert run.steps["flaky"].output.load() == 3
    assert run.steps["downstream"].output.load() == 4
    attempts = [a for a in run.step_attempts if a.name == "flaky"]
    assert [a.status for a in attempts] == ["retried", "retried", "completed"]
    assert [a.attempt for a in attempts] == [1, 2, 3]
    assert "attempt 1 failed" in attempts[0].exception_info["traceback"]
    assert "attempt 2 failed" in attempts[1].exception_info["traceback"]
    assert attempts[2].exception_info is None
    assert attempts[0].outputs == {} and attempts[1].outputs == {}
    # only the successful attempt's output exists
    assert Client().list_artifact_versions(name="flaky_pipeline::flaky::output").total == 1


def test_always_failing_step_runs_max_retries_plus_one_times_and_fails():
    with pytest.raises(PipelineRunFailedError, match="failure in step\\(s\\): hopeless") as info:
        hopeless_pipeline()

    assert ATTEMPTS["hopeless"] == 3
    assert "downstream" not in ATTEMPTS
    run = info.value.run
    assert run.status == "failed"
    assert run.steps["hopeless"].status == "failed"
    attempts = [a.status for a in run.step_attempts if a.name == "hopeless"]
    assert attempts == ["retried", "retried", "failed"]
    assert "attempt 3 failed" in str(info.value)
    # on_failure runs once, for the final failure
    assert HOOK_CALLS == ["attempt 3 failed"]


def test_retry_config_can_be_given_as_a_dict():
    run = dict_retry_pipeline()

    assert run.steps["flaky_from_dict"].status == "completed"
    assert [a.status for a in run.step_attempts] == ["retried", "completed"]


def test_retried_then_completed_step_is_cached_on_the_next_run():
    flaky_pipeline()

    run = flaky_pipeline()

    assert run.steps["flaky"].status == "cached"
    assert ATTEMPTS["flaky"] == 3


def test_retry_config_rejects_negative_values():
    with pytest.raises(ValueError, match="max_retries must be >= 0"):
        StepRetryConfig(max_retries=-1)
    with pytest.raises(ValueError, match="delay >= 0 and backoff > 0"):
        StepRetryConfig(delay=-1)


def test_retry_waits_grow_by_backoff():
    config = StepRetryConfig(max_retries=3, delay=2, backoff=3)

    assert [config.wait_before(n) for n in (1, 2, 3)] == [2, 6, 18]
