"""stackwise.exceptions: one root under ZenML's renamed name, ZenML's bases, picklable."""

from __future__ import annotations

import inspect
import pickle

import pytest

import stackwise.exceptions as X
from stackwise.exceptions import StackwiseBaseException, StackwiseError

CLASSES = [
    c
    for c in vars(X).values()
    if inspect.isclass(c) and issubclass(c, BaseException) and c.__module__ == X.__name__
]


def test_one_root_by_both_names() -> None:
    assert StackwiseError is StackwiseBaseException
    assert StackwiseError.__name__ == "StackwiseBaseException"
    for cls in CLASSES:
        assert issubclass(cls, StackwiseError), cls


@pytest.mark.parametrize(
    "cls, builtin",
    [
        (X.EntityNotFoundError, KeyError),
        (X.ZenKeyError, KeyError),
        (X.FlavorNotFoundError, KeyError),
        (X.FlavorNotFoundError, ValueError),
        (X.ConfigError, ValueError),
        (X.EntityCreationError, RuntimeError),
        (X.StepContextError, RuntimeError),
        (X.GitNotFoundError, ImportError),
        (X.SecretsStoreNotConfiguredError, NotImplementedError),
        (X.OAuthError, ValueError),
        (X.StepTimeoutError, TimeoutError),
    ],
)
def test_builtin_bases(cls: type[BaseException], builtin: type[BaseException]) -> None:
    assert issubclass(cls, builtin)


def test_not_found_is_a_does_not_exist_and_reads_unquoted() -> None:
    error = X.EntityNotFoundError("No stack named 'x'.")
    assert isinstance(error, X.DoesNotExistException) and isinstance(error, X.ZenKeyError)
    assert str(error) == "No stack named 'x'."


def test_message_and_url() -> None:
    assert str(StackwiseError("Broke.", url="https://x.org")) == (
        "Broke. For more information, visit https://x.org."
    )
    assert str(StackwiseError()) == ""


def test_errors_survive_pickling_with_their_attributes() -> None:
    failed = pickle.loads(pickle.dumps(X.StepFailedError("m", step="s")))
    assert (str(failed), failed.step) == ("m", "s")
    run_failed = pickle.loads(
        pickle.dumps(X.PipelineRunFailedError("m", run=None, failed_steps=["a"]))
    )
    assert run_failed.failed_steps == ["a"]
    limited = pickle.loads(pickle.dumps(X.LogStoreRateLimitError("slow", retry_after=4)))
    assert limited.retry_after == 4
    oauth = pickle.loads(pickle.dumps(X.OAuthError("bad", 401, "why")))
    assert str(oauth) == "bad: why" and oauth.status_code == 401


def test_a_timeout_is_a_step_failure_that_survives_pickling() -> None:
    timed_out = pickle.loads(pickle.dumps(X.StepTimeoutError("slow", step="train")))
    assert isinstance(timed_out, X.StepFailedError) and timed_out.step == "train"


@pytest.mark.parametrize(
    "cls",
    [
        X.ArtifactStoreError,
        X.ExperimentTrackerError,
        X.OrchestratorError,
        X.SecretDecryptionError,
        X.RunNotResumableError,
        X.WorkerStartError,
    ],
)
def test_component_failures_have_their_own_class_under_the_root(cls: type[Exception]) -> None:
    assert cls.__bases__ == (StackwiseError,)  # `except StackwiseError` still catches them
