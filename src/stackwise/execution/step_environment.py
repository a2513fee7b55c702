"""The process environment a step runs in: its `environment` (step and pipeline values merged)
and the keys of its `secrets`, set as environment variables while the step and its hooks run,
then restored exactly (variables that did not exist are removed again).

Secret values only ever live in `os.environ` for the duration of the step: they are never
logged, recorded in the step run's config (which keeps the secret names) or put in errors.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from stackwise.exceptions import ZenKeyError

_UNSET = object()


def secret_environment(store: Any, names: list[str]) -> dict[str, str]:
    """The key/values of the secrets `names`, later names winning on a shared key."""
    from stackwise.secrets.secret_store import SecretStore

    values: dict[str, str] = {}
    secrets = SecretStore(store)
    for name in names:
        try:
            values.update(secrets.get(name))
        except KeyError:
            raise ZenKeyError(
                f"Secret '{name}' does not exist (it was deleted after the run started?)."
            ) from None
    return values


@contextmanager
def step_environment(variables: Mapping[str, str]) -> Iterator[None]:
    if not variables:
        yield
        return
    saved = {k: os.environ.get(k, _UNSET) for k in variables}
    os.environ.update({k: str(v) for k, v in variables.items()})
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is _UNSET:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old  # type: ignore[assignment]
