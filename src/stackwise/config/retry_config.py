"""How often, and how patiently, a failing step is tried again."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from stackwise.exceptions import ConfigError


@dataclass(frozen=True)
class StepRetryConfig:
    """Retry a failing step `max_retries` times, waiting `delay` seconds times `backoff`**n.

    Each failed attempt is kept as a step run with status `retried`.
    """

    max_retries: int = 1
    delay: float = 0.0
    backoff: float = 1.0

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ConfigError(f"StepRetryConfig.max_retries must be >= 0, got {self.max_retries}.")
        if self.delay < 0 or self.backoff <= 0:
            raise ConfigError(
                f"StepRetryConfig needs delay >= 0 and backoff > 0, got delay={self.delay}, "
                f"backoff={self.backoff}."
            )

    def wait_before(self, attempt: int) -> float:
        """Seconds to wait before retry number `attempt` (1-based)."""
        return self.delay * self.backoff ** (attempt - 1)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def coerce(cls, value: StepRetryConfig | dict[str, Any] | None) -> StepRetryConfig | None:
        if value is None or isinstance(value, StepRetryConfig):
            return value
        if isinstance(value, dict):
            return cls(**value)
        raise TypeError(f"retry= takes a StepRetryConfig or a dict, got {type(value).__name__}.")
