"""Client build methods on every store backend: builds as the store records them (one write
per build), listed with ZenML's filters and paging, found by id prefix, deleted."""

from __future__ import annotations

from datetime import timedelta

import pytest

from stackwise.client import Client
from stackwise.exceptions import EntityNotFoundError
from stackwise.models.pipeline_build import BuildItem, PipelineBuildResponse
from stackwise.store.records import BuildRecord
from stackwise.utils.ids import new_id, utcnow


def record(checksum: str, *, minutes: int = 0, contains_code: bool = False) -> BuildRecord:
    now = utcnow() + timedelta(minutes=minutes)
    return BuildRecord(
        id=new_id(),
        pipeline_id=None,
        stack_id=None,
        container_registry_id=None,
        images={
            "orchestrator": {
                "image": f"gcr.io/p/stackwise:train-{checksum[:12]}",
                "dockerfile": "FROM python:3.11-slim\n",
                "requirements": "numpy\n",
                "settings_checksum": "s" * 64,
                "contains_code": contains_code,
                "requires_code_download": not contains_code,
            }
        },
        is_local=False,
        contains_code=contains_code,
        stackwise_version="0.1.0",
        python_version="3.11.7",
        checksum=checksum,
        stack_checksum="t" * 64,
        duration=3,
        created=now,
        updated=now,
    )


def test_a_fresh_store_has_no_builds() -> None:
    page = Client().list_builds()
    assert page.total == 0 and page.items == [] and page.index == 1


def test_builds_are_listed_filtered_found_by_prefix_and_deleted() -> None:
    client = Client()
    first = client.store.create_build(record("a" * 64))
    second = client.store.create_build(record("b" * 64, minutes=1, contains_code=True))

    page = client.list_builds()
    assert [str(b.id) for b in page.items] == [first.id, second.id]
    build = page.items[0]
    assert isinstance(build, PipelineBuildResponse)
    assert build.images["orchestrator"] == BuildItem(
        image="gcr.io/p/stackwise:train-aaaaaaaaaaaa",
        dockerfile="FROM python:3.11-slim\n",
        requirements="numpy\n",
        settings_checksum="s" * 64,
        contains_code=False,
        requires_code_download=True,
    )
    assert build.requires_code_download and build.get_image("orchestrator").endswith("aaaaaaaaaaaa")
    assert build.get_image("orchestrator", step="train") == build.get_image("orchestrator")
    assert build.zenml_version == "0.1.0" and build.python_version == "3.11.7"

    assert [str(b.id) for b in client.list_builds(sort_by="desc:created").items] == [
        second.id,
        first.id,
    ]
    assert [str(b.id) for b in client.list_builds(contains_code=True).items] == [second.id]
    assert client.list_builds(checksum="b" * 64).total == 1
    assert client.list_builds(checksum="startswith:a").total == 1
    second_page = client.list_builds(size=1, page=2)
    assert second_page.total == 2 and [str(b.id) for b in second_page.items] == [second.id]

    assert str(client.get_build(second.id[:10]).id) == second.id
    client.delete_build(first.id)
    assert [str(b.id) for b in client.list_builds().items] == [second.id]
    with pytest.raises(EntityNotFoundError):
        client.get_build(first.id)
