"""Paged listings read a page by sorting only the keys, then fetching those rows
(store/sql/connection.py `_by_key`): every page must hold exactly the rows, in exactly the
order, that sorting the full rows gives — ties on the sort column included, with and without
filters."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from stackwise.store import get_store
from stackwise.store.sql import schema as t


@pytest.fixture
def runs() -> list[tuple[datetime, str, str, str]]:
    """31 runs of two pipelines, created at only 4 distinct times (ties), with bulky specs;
    returned as (created, id, name, pipeline name)."""
    store = get_store()
    pipelines = [store.get_or_create_pipeline(name) for name in ("train", "serve")]
    base = datetime(2026, 1, 1)
    made = []
    for i in range(31):
        owner = pipelines[1] if i % 3 == 0 else pipelines[0]
        run = store.create_run(
            pipeline=owner, name=f"run-{i:02d}", spec={"pad": "x" * 3000}, config={}, stack_id=None
        )
        made.append((base + timedelta(minutes=i % 4), run.id, run.name, owner.name))
    with store._write() as conn:
        for created, run_id, _, _ in made:
            conn.execute(
                update(t.pipeline_runs)
                .where(t.pipeline_runs.c.id == run_id)
                .values(created=created)
            )
    return made


@pytest.mark.parametrize("sort_by", ["desc:created", "asc:created", "asc:name"])
@pytest.mark.parametrize("pipeline_name", [None, "train"])
def test_every_page_matches_sorting_the_full_rows(
    runs, sort_by: str, pipeline_name: str | None
) -> None:
    direction, _, field = sort_by.partition(":")
    chosen = [r for r in runs if pipeline_name in (None, r[3])]
    position = {"created": 0, "name": 2}[field]
    expected = sorted(chosen, key=lambda r: r[1])  # the id tiebreak, ascending
    expected.sort(key=lambda r: r[position], reverse=direction == "desc")
    filters = {"pipeline_name": pipeline_name} if pipeline_name else None
    listed: list[str] = []
    index = 1
    while True:
        page = get_store().list_runs(filters=filters, sort_by=sort_by, index=index, size=7)
        assert page.total == len(chosen)
        listed += [r.id for r in page.items]
        if index == page.total_pages:
            break
        index += 1
    assert listed == [r[1] for r in expected]
    assert all(r.spec == {"pad": "x" * 3000} for r in page.items)  # whole rows come back
