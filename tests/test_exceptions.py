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
