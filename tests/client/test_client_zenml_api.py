"""The Client's ZenML-shaped API: filters and sorting with ZenML's syntax, pages, id prefixes,
deleting with sound lineage, response models that serialize to JSON."""

from __future__ import annotations

import json
from typing import Annotated
from uuid import UUID

import pytest

from stackwise import pipeline, save_artifact, step
from stackwise.client import Client
from stackwise.enums import MetadataResourceTypes, TaggableResourceTypes
from stackwise.exceptions import EntityInUseError, ZenKeyError
from stackwise.models import Page, PipelineRunResponse, RunMetadataResource, TagResource


@step
def make(n: int = 1) -> Annotated[int, "made"]:
    return n


@step
def add_one(made: int) -> Annotated[int, "plus_one"]:
    return made + 1


@pipeline
def chain(n: int = 1):
    add_one(make(n))


def _runs(count: int) -> list[PipelineRunResponse]:
    return [chain.with_options(run_name=f"chain-{i}")(n=i) for i in range(count)]


def test_list_runs_filters_with_zenml_operators():
    runs = _runs(3)
    client = Client()
    assert [r.name for r in client.list_pipeline_runs(name="contains:in-1")] == ["chain-1"]
    assert client.list_pipeline_runs(name="startswith:chain-").total == 3
    names = client.list_pipeline_runs(name='oneof:["chain-0", "chain-2"]', sort_by="asc:name")
    assert [r.name for r in names] == ["chain-0", "chain-2"]
    since = runs[1].created.strftime("%Y-%m-%d %H:%M:%S.%f")
    assert {r.name for r in client.list_pipeline_runs(created=f"gte:{since}")} == {
        "chain-1",
        "chain-2",
    }
    both = client.list_pipeline_runs(name="chain-0", status="failed", logical_operator="or")
    assert [r.name for r in both] == ["chain-0"]
    assert client.list_pipeline_runs(schedule_id="0f00").total == 0  # no run has a schedule
    with pytest.raises(ValueError, match="cannot be filtered by|not a date"):
        client.list_pipeline_runs(created="gte:yesterday")


def test_pages_have_zenml_shape_and_refuse_pages_past_the_end():
    _runs(3)
    page = Client().list_pipeline_runs(size=2, page=2, sort_by="asc:created")
    assert isinstance(page, Page)
    assert (page.index, page.max_size, page.size, page.total, page.total_pages) == (2, 2, 1, 3, 2)
    assert [r.name for r in page] == ["chain-2"] and page[0].name == "chain-2"
    with pytest.raises(ValueError, match="beyond the last page"):
        Client().list_pipeline_runs(size=2, page=3)
    assert json.loads(page.model_dump_json())["total"] == 3


def test_id_prefixes_resolve_when_unique_and_list_candidates_when_not():
    runs = _runs(3)
    client = Client()
    full = str(runs[0].id)
    assert client.get_pipeline_run(full[:12]).id == runs[0].id
    assert isinstance(runs[0].id, UUID)
    by_first = {}
    for run in client.list_pipeline_runs(size=20):
        by_first.setdefault(str(run.id)[0], []).append(str(run.id))
    for prefix, ids in by_first.items():
        if len(ids) > 1:
            with pytest.raises(ZenKeyError) as info:
                client.get_pipeline_run(prefix, allow_name_prefix_match=False)
            assert all(i in str(info.value) for i in ids)


def test_responses_serialize_to_json_and_load_relations_lazily():
    run = _runs(1)[0]
    data = json.loads(Client().get_pipeline_run(run.id).model_dump_json())
    assert data["name"] == "chain-0" and data["status"] == "completed"
    assert UUID(data["id"]) == run.id
    fetched = Client().get_pipeline_run(run.id)
    assert fetched.pipeline.name == "chain"
    assert fetched.stack is not None and fetched.stack.name == "default"
    assert fetched.steps["add_one"].inputs["made"][0].artifact.name == "made"
    version = fetched.steps["make"].output
    assert version.materializer is not None and version.materializer.attribute
    assert version.data_type is not None and version.data_type.import_path == "builtins.int"
    assert version.step.name == "make" and version.run.id == run.id
    assert {v.name for v in fetched.produced_artifact_versions} == {"made", "plus_one"}
    assert fetched.index == 1 and not fetched.in_progress


def test_deleting_an_artifact_makes_its_cached_producer_run_again():
    chain(n=5)
    cached = chain(n=5)
    assert cached.steps["make"].status == "cached"
    Client().delete_artifact("made")
    again = chain(n=5)
    assert again.steps["make"].status == "completed"  # its cached output is gone: re-run
    assert again.steps["add_one"].inputs["made"][0].load() == 5


def test_a_version_runs_used_cannot_be_deleted_but_an_unused_one_can(tmp_path):
    run = chain(n=2)
    used = run.steps["make"].output
    with pytest.raises(EntityInUseError, match="step run"):
        Client().delete_artifact_version(used.id)
    assert Client().get_artifact_version(used.id).id == used.id
    manual = save_artifact([1, 2], "manual")
    Client().delete_artifact_version(manual.id, delete_from_artifact_store=True)
    with pytest.raises(KeyError):
        Client().get_artifact_version("manual")


def test_prune_deletes_unused_versions_and_empty_artifacts():
    chain(n=3)
    save_artifact("left alone", "scratch")
    Client().prune_artifacts(only_versions=False)
    names = {a.name for a in Client().list_artifacts(size=50)}
    assert names == {"made", "plus_one"}


def test_delete_pipeline_removes_its_runs_but_keeps_versions():
    _runs(2)
    Client().delete_pipeline("chain")
    assert Client().list_pipeline_runs().total == 0
    with pytest.raises(KeyError):
        Client().get_pipeline("chain")
    assert Client().list_artifact_versions(artifact="made").total == 2


def test_run_metadata_filter_and_tags_filter():
    runs = _runs(2)
    Client().create_run_metadata(
        {"quality": "gold"},
        [RunMetadataResource(id=runs[1].id, type=MetadataResourceTypes.PIPELINE_RUN)],
    )
    matched = Client().list_pipeline_runs(run_metadata={"quality": "gold"})
    assert [r.name for r in matched] == ["chain-1"]
    Client().create_tag("nightly")
    Client().attach_tag(
        "nightly", [TagResource(id=runs[0].id, type=TaggableResourceTypes.PIPELINE_RUN)]
    )
    assert [r.name for r in Client().list_pipeline_runs(tags=["nightly"])] == ["chain-0"]
