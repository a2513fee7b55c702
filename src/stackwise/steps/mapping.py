"""`unmapped`: how a dynamic pipeline passes one value whole to every step `step.map(...)`
starts, instead of mapping over it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Unmapped(Generic[T]):
    """A step input `map`/`product` hands unchanged to every mapped step."""

    value: T


def unmapped(value: T) -> Unmapped[T]:
    """Wrap a step input so `step.map(...)` / `step.product(...)` pass it whole to each step."""
    return Unmapped(value)
