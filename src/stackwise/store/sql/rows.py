"""Rows to records: the one place that knows both the tables and the record types."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Row,
)

from stackwise.store.records import (
    ArtifactRecord,
    ArtifactVersionRecord,
    ComponentRecord,
    PipelineRecord,
    RunRecord,
    StepRunRecord,
)
from stackwise.store.sql import schema as t


# -- row -> record ---------------------------------------------------------------------------
def _pipeline(row: Row[Any]) -> PipelineRecord:
    return PipelineRecord(
        id=row.id,
        name=row.name,
        created=row.created,
        updated=row.updated or row.created,
        description=row.description,
    )


def _run(row: Row[Any]) -> RunRecord:
    return RunRecord(
        id=row.id,
        name=row.name,
        pipeline_id=row.pipeline_id,
        pipeline_name=row.pipeline_name,
        status=row.status,
        spec=row.spec,
        config=row.config,
        stack_id=row.stack_id,
        created=row.created,
        end_time=row.end_time,
        heartbeat=row.heartbeat,
        resumed_from_id=row.resumed_from_id,
        updated=row.updated or row.created,
        start_time=row.start_time or row.created,
        orchestrator_run_id=row.orchestrator_run_id,
        schedule_id=row.schedule_id,
    )


def _step_values(record: StepRunRecord) -> dict[str, Any]:
    return {k: v for k, v in record.__dict__.items() if k not in ("inputs", "outputs")}


def _step_run(
    row: Row[Any], inputs: dict[str, str], outputs: dict[str, list[str]]
) -> StepRunRecord:
    return StepRunRecord(
        id=row.id,
        run_id=row.run_id,
        name=row.name,
        status=row.status,
        cache_key=row.cache_key,
        code_hash=row.code_hash,
        source=row.source,
        config=row.config,
        start_time=row.start_time,
        end_time=row.end_time,
        attempt=row.attempt,
        original_step_run_id=row.original_step_run_id,
        exception_info=row.exception_info,
        inputs=inputs,
        outputs=outputs,
        docstring=row.docstring,
        source_code=row.source_code,
    )


def _version_columns() -> list[Any]:
    columns = [col.label(f"v_{col.name}") for col in t.artifact_versions.c]
    return [*columns, t.artifacts.c.name.label("v_name")]


def _version(row: Row[Any], prefix: str) -> ArtifactVersionRecord:
    m = row._mapping
    return ArtifactVersionRecord(
        id=m[f"{prefix}id"],
        artifact_id=m[f"{prefix}artifact_id"],
        name=m[f"{prefix}name"],
        version=m[f"{prefix}version"],
        version_number=m[f"{prefix}version_number"],
        uri=m[f"{prefix}uri"],
        materializer=m[f"{prefix}materializer"],
        data_type=m[f"{prefix}data_type"],
        artifact_type=m[f"{prefix}artifact_type"],
        content_hash=m[f"{prefix}content_hash"],
        artifact_store_id=m[f"{prefix}artifact_store_id"],
        save_type=m[f"{prefix}save_type"],
        created=m[f"{prefix}created"],
        producer_step_run_id=m[f"{prefix}producer_step_run_id"],
        format=m[f"{prefix}format"],
        visualizations=m[f"{prefix}visualizations"] or [],
        item_count=m[f"{prefix}item_count"],
        checksum=m[f"{prefix}checksum"],
        corrupted=m[f"{prefix}corrupted"],
    )


def _artifact(row: Row[Any]) -> ArtifactRecord:
    return ArtifactRecord(
        id=row.id,
        name=row.name,
        created=row.created,
        updated=row.updated or row.created,
        has_custom_name=bool(row.has_custom_name),
    )


def _component(row: Row[Any]) -> ComponentRecord:
    return ComponentRecord(
        id=row.id,
        name=row.name,
        type=row.type,
        flavor=row.flavor,
        configuration=row.configuration,
        created=row.created,
        updated=row.updated or row.created,
        labels=row.labels,
    )


def _looks_like_id(value: str) -> bool:
    return len(value) == 36 and value.count("-") == 4
