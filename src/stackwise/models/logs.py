"""Where a step's or a run's captured logs are (ZenML's `LogsResponse`): the entries of
`step_run.log_collection` and `run.log_collection`, read from the configuration the step's
start (or the run's creation) recorded, so knowing them costs no store round trip."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from uuid import UUID

from stackwise.models.base import BaseResponse, as_uuid

if TYPE_CHECKING:
    from datetime import datetime

    from stackwise.store.base import Store


class LogsResponse(BaseResponse):
    """One capture: `uri` is a folder of chunk files in the artifact store
    `artifact_store_id` (`stackwise pipeline runs logs` prints them)."""

    uri: str | None = None
    source: str = ""
    step_run_id: UUID | None = None
    pipeline_run_id: UUID | None = None
    artifact_store_id: UUID | None = None
    log_store_id: UUID | None = None
    hook_invocation_id: UUID | None = None


def log_collection(
    config: Mapping[str, Any],
    store: Store | None,
    *,
    source: str,
    created: datetime | None,
    step_run_id: str | None = None,
    pipeline_run_id: str | None = None,
) -> list[LogsResponse]:
    """The logs a step run's or run's recorded `config` points at ([] when none were kept)."""
    uri = config.get("logs_uri")
    if not uri:
        return []
    log_id = config.get("logs_id") or str(uri).rstrip("/").rsplit("/", 1)[-1].split(".")[0]
    return [
        LogsResponse.make(
            store,
            id=log_id,
            created=created,
            uri=uri,
            source=source,
            step_run_id=as_uuid(step_run_id),
            pipeline_run_id=as_uuid(pipeline_run_id),
            artifact_store_id=as_uuid(config.get("logs_artifact_store_id")),
        )
    ]
