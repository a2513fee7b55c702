"""Text filters and sorting give the same answers on every database: `contains:` (and
`startswith:`/`endswith:`) ignore case, as SQLite's LIKE does and PostgreSQL's does not, and
names sort in code point order, as SQLite does and a PostgreSQL database with a linguistic
collation (en-US, the test server's) does not."""

from __future__ import annotations

import pytest

from stackwise.client import Client
from stackwise.store import get_store

NAMES = ["b_pipeline", "A_pipeline", "a_pipeline", "_x", "B-pipeline", "Train_Model", "zz"]


@pytest.fixture
def pipelines() -> list[str]:
    store = get_store()
    for name in NAMES:
        store.get_or_create_pipeline(name)
    return NAMES


@pytest.mark.parametrize(
    ("text_filter", "expected"),
    [
        ("contains:TRAIN", ["Train_Model"]),
        ("contains:model", ["Train_Model"]),
        ("startswith:a_", ["A_pipeline", "a_pipeline"]),
        ("endswith:PIPELINE", ["A_pipeline", "B-pipeline", "a_pipeline", "b_pipeline"]),
        ("contains:_", ["A_pipeline", "Train_Model", "_x", "a_pipeline", "b_pipeline"]),
    ],
)
def test_text_filters_ignore_case_and_treat_wildcards_as_text(
    pipelines: list[str], text_filter: str, expected: list[str]
):
    page = Client().list_pipelines(name=text_filter, sort_by="asc:name", size=50)
    assert [p.name for p in page] == expected


def test_names_sort_in_code_point_order(pipelines: list[str]):
    ascending = Client().list_pipelines(sort_by="asc:name", size=50)
    assert [p.name for p in ascending] == sorted(NAMES)
    descending = Client().list_pipelines(sort_by="desc:name", size=50)
    assert [p.name for p in descending] == sorted(NAMES, reverse=True)
