"""`ResourceSettings`: CPU, GPU and memory a step asks for (ZenML's field names and defaults).

Orchestrators that can reserve resources read them from `settings["resources"]`; the local
orchestrators cannot, and say so with a warning naming the step (as ZenML does)."""

from __future__ import annotations

import re
from enum import Enum
from typing import Any, Literal

from pydantic import Field, field_validator

from stackwise.config.base_settings import BaseSettings
from stackwise.exceptions import ConfigError

_MEMORY = re.compile(r"^(\d+(?:\.\d+)?)\s*([A-Za-z]+)$")


class ByteUnit(str, Enum):
    """Units of memory sizes (decimal KB/MB/... and binary KiB/MiB/...)."""

    B = "B"
    KB = "KB"
    KIB = "KiB"
    MB = "MB"
    MIB = "MiB"
    GB = "GB"
    GIB = "GiB"
    TB = "TB"
    TIB = "TiB"
    PB = "PB"
    PIB = "PiB"

    @property
    def byte_value(self) -> int:
        powers = {
            "B": 1,
            "KB": 10**3,
            "KiB": 2**10,
            "MB": 10**6,
            "MiB": 2**20,
            "GB": 10**9,
            "GiB": 2**30,
            "TB": 10**12,
            "TiB": 2**40,
            "PB": 10**15,
            "PiB": 2**50,
        }
        return powers[self.value]


class ResourceRequestReclaimTolerance(str, Enum):
    """Whether a step may run on capacity that can be reclaimed (spot/preemptible)."""

    ANY = "any"
    NONE = "none"
    ALL = "all"


class ResourceSettings(BaseSettings):
    """Resources a step needs: `settings={"resources": ResourceSettings(cpu_count=2)}`."""

    cpu_count: float | None = Field(default=None, gt=0)
    gpu_count: int | None = Field(default=None, ge=0)
    gpu_class: str | None = None
    memory: str | None = None
    resources: str | dict[str, Any] = Field(default_factory=dict)
    reclaim_tolerance: ResourceRequestReclaimTolerance = ResourceRequestReclaimTolerance.ANY
    allocation_wait_timeout_seconds: int = 3600
    initialization_lease_seconds: int = 3600
    min_replicas: int | None = Field(default=None, ge=0)
    max_replicas: int | None = Field(default=None, ge=0)
    autoscaling_metric: Literal["cpu", "memory", "concurrency", "rps"] | None = None
    autoscaling_target: float | None = Field(default=None, gt=0)
    max_concurrency: int | None = Field(default=None, gt=0)

    @field_validator("memory")
    @classmethod
    def _check_memory(cls, value: str | None) -> str | None:
        if value is not None:
            _split_memory(value)
        return value

    @property
    def empty(self) -> bool:
        """True when no resource is asked for."""
        return not self.model_dump(exclude_unset=True, exclude_defaults=True)

    @property
    def has_basic_resource_demands(self) -> bool:
        return any(v is not None for v in (self.cpu_count, self.gpu_count, self.memory))

    @property
    def normalized_resources(self) -> list[Any]:
        if isinstance(self.resources, str):
            return [self.resources] if self.resources else []
        return [{k: v} for k, v in self.resources.items()]

    @property
    def reclaim_tolerance_explicitly_set(self) -> bool:
        return "reclaim_tolerance" in self.model_fields_set

    def effective_reclaim_tolerance(self, runtime: Any = None) -> ResourceRequestReclaimTolerance:
        return self.reclaim_tolerance

    def memory_quantity_and_unit(self) -> tuple[float, ByteUnit] | None:
        if self.memory is None:
            return None
        quantity, unit = _split_memory(self.memory)
        return (int(quantity) if quantity == int(quantity) else quantity), unit

    def get_memory(self, unit: str | ByteUnit = ByteUnit.GB) -> float | None:
        """The memory asked for, in `unit` (default GB)."""
        parsed = self.memory_quantity_and_unit()
        if parsed is None:
            return None
        quantity, own = parsed
        return float(quantity) * own.byte_value / ByteUnit(unit).byte_value

    def merged_resource_demands(self, other: ResourceSettings | None = None) -> ResourceSettings:
        """These settings with `other`'s explicitly set fields on top."""
        if other is None:
            return self.model_copy()
        return self.model_copy(update=other.model_dump(exclude_unset=True))


def _split_memory(value: str) -> tuple[float, ByteUnit]:
    match = _MEMORY.match(value.strip())
    units = {u.value: u for u in ByteUnit}
    if match is None or match.group(2) not in units:
        raise ConfigError(
            f"memory '{value}' is not a size like '2GB' or '512MiB' (units: {', '.join(units)})."
        )
    return float(match.group(1)), units[match.group(2)]
