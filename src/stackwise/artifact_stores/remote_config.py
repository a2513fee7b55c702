"""The fields of an object store's configuration that bound how long a request may take: every
remote flavor (s3, gcp, azure) ends its config with them and hands them to its library, so a
store that is down or hangs fails a step in seconds, not after the library's default minutes
of retries. (Functions, not a base class: a flavor's own fields come first in its config, in
its help and in its error messages.)

Before a run's first step, stackwise also checks that the store's endpoint answers at all
(`StackComponent.probe_url`, STACKWISE_PROBE_TIMEOUT): these limits matter for a store that goes
down while the run is under way.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_READ_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 2


def connect_timeout_field() -> Any:
    return Field(
        default=DEFAULT_CONNECT_TIMEOUT,
        gt=0,
        le=600,
        description="Seconds to wait for the storage endpoint to accept a connection",
    )


def read_timeout_field() -> Any:
    return Field(
        default=DEFAULT_READ_TIMEOUT,
        gt=0,
        le=3600,
        description="Seconds to wait for each answer (or the next part of one) once connected",
    )


def max_retries_field() -> Any:
    return Field(
        default=DEFAULT_MAX_RETRIES,
        ge=0,
        le=20,
        description="Retries of a request that failed to connect, timed out, was "
        "throttled or hit a server error, a few seconds apart (about 1, 2, 4 s)",
    )
