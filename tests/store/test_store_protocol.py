"""The Store protocol as callers rely on it, on every backend (SQLite, PostgreSQL, and
RestStore through a real server): records come back as the same dataclasses, with
datetimes, tuples and non-string keys intact, and errors as the same exception classes."""

from __future__ import annotations

from datetime import datetime

import pytest
from tests.fixtures.store_backends import STORE_BACKENDS  # noqa: F401 - all of them, server too

from stackwise.exceptions import EntityExistsError, EntityNotFoundError
from stackwise.store import get_store
from stackwise.store.records import NewArtifactVersion, Page, PipelineRecord, StepRunRecord


def test_records_and_pages_round_trip() -> None:
    store = get_store()
    made = store.get_or_create_pipeline("train")
    assert isinstance(made, PipelineRecord) and isinstance(made.created, datetime)
    assert store.get_pipeline(made.id) == made
    page = store.list_pipelines(filters={"name": "contains:rai"}, size=5)
    assert isinstance(page, Page)
    assert (page.items, page.total, page.index, page.size) == ([made], 1, 1, 5)


def test_an_executed_step_writes_its_outputs_and_metadata_in_one_call() -> None:
    store = get_store()
    pipeline = store.get_or_create_pipeline("p")
    run = store.create_run(pipeline=pipeline, name="r", spec={}, config={}, stack_id=None)
    step = store.start_step_run(
        run_id=run.id, name="s", source="m:s", config={}, cache_key="k", code_hash=None, inputs={}
    )
    assert isinstance(step, StepRunRecord)
    new = NewArtifactVersion(
        id="11111111-1111-1111-1111-111111111111",
        name="p::s::output",
        uri="/tmp/x",
        materializer="m:M",
        data_type="builtins:int",
        artifact_type="DataArtifact",
        save_type="step_output",
        tags=[{"name": "gold", "color": "yellow", "exclusive": False}, "plain"],
    )
    outputs = store.finish_step_run(
        step,
        status="completed",
        outputs=[("output", new)],
        metadata={("step_run", step.id): {"loss": 0.5, "shape": (2, 3)}},
    )
    version = outputs["output"]
    assert store.get_metadata("step_run", iter([step.id])) == {
        step.id: {"loss": 0.5, "shape": [2, 3]}
    }
    tags = store.tags_of("artifact_version", [version.id])[version.id]
    assert sorted((t.name, t.color) for t in tags)[0] == ("gold", "yellow")
    hit = store.find_cached_step_run("k")
    assert hit is not None and hit[0].id == step.id and hit[1]["output"].id == version.id


def test_errors_keep_their_classes() -> None:
    store = get_store()
    store.create_tag("dup")
    with pytest.raises(EntityExistsError):
        store.create_tag("dup")
    with pytest.raises(EntityNotFoundError, match="missing"):
        store.get_pipeline("missing")
