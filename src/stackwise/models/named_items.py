"""`NamedItems`: the dicts responses hand out by name (a run's steps, a step's inputs and
outputs). A plain dict, except that a missing name says which names there are."""

from __future__ import annotations

from typing import Any, TypeVar

from stackwise.exceptions import ZenKeyError, did_you_mean

V = TypeVar("V")


class NamedItems(dict[str, V]):
    """`run.steps["trian"]` -> "Run 'r' has no step 'trian'. Did you mean 'train'? Its steps
    are: load, train." (a KeyError, as before)."""

    def __init__(self, items: Any, *, what: str, owner: str) -> None:
        super().__init__(items)
        self._what = what
        self._owner = owner

    def __missing__(self, key: str) -> V:
        known = ", ".join(f"'{k}'" for k in self) or "none"
        raise ZenKeyError(
            f"{self._owner} has no {self._what} '{key}'."
            f"{did_you_mean(str(key), self)} Its {self._what}s are: {known}."
        )
