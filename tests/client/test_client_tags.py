"""Client tag methods: create, get (by name, id, id or name prefix), list with ZenML filters
and paging, update (with the exclusivity check), delete, attach and detach through
`TagResource`."""

from __future__ import annotations

import logging

import pytest

from stackwise import Tag, pipeline, step
from stackwise.client import Client
from stackwise.enums import ColorVariants, TaggableResourceTypes
from stackwise.exceptions import EntityExistsError
from stackwise.models.base import Page
from stackwise.models.tag import TagResource, TagResponse


@step
def s() -> int:
    return 1


@pipeline(enable_cache=False)
def p():
    s()


def test_create_and_get():
    client = Client()
    made = client.create_tag("made")
    assert isinstance(made, TagResponse) and made.tagged_count == 0
    assert isinstance(made.color, ColorVariants) and made.exclusive is False
    assert made.created is not None and made.updated is not None and made.user is not None
    red = client.create_tag("red_one", color="red", exclusive=True)
    assert red.color is ColorVariants.RED and red.exclusive is True
    assert client.get_tag(red.id) == red
    assert client.get_tag(str(red.id)[:8]).name == "red_one"
    assert client.get_tag("red_o").name == "red_one"  # a unique name prefix
    with pytest.raises(KeyError):
        client.get_tag("red_o", allow_name_prefix_match=False)
    with pytest.raises(EntityExistsError, match="already exists"):
        client.create_tag("made")
    with pytest.raises(ValueError, match="not a tag colour"):
        client.create_tag("x", color="mauve")
    with pytest.raises(ValueError, match="non-empty name"):
        client.create_tag(" ")
    with pytest.raises(KeyError, match="Did you mean 'made'"):
        client.get_tag("mdae")


def test_list_filters_sorts_and_pages():
    client = Client()
    client.create_tag("alpha", color="red")
    client.create_tag("beta", exclusive=True)
    client.create_tag("gamma", color="red")
    run = p()
    client.attach_tag("gamma", [TagResource(id=run.id, type="pipeline_run")])

    page = client.list_tags(size=2)
    assert isinstance(page, Page)
    assert (page.total, page.index, page.max_size, page.total_pages, len(page)) == (3, 1, 2, 2, 2)
    assert [t.name for t in client.list_tags(page=2, size=2)] == ["gamma"]
    assert [t.name for t in client.list_tags(name="contains:a", sort_by="desc:name")] == [
        "gamma",
        "beta",
        "alpha",
    ]
    assert [t.name for t in client.list_tags(color="red")] == ["alpha", "gamma"]
    assert [t.name for t in client.list_tags(exclusive=True)] == ["beta"]
    assert [t.name for t in client.list_tags(resource_type="pipeline_run")] == ["gamma"]
    assert [
        t.name
        for t in client.list_tags(resource_type=[TaggableResourceTypes.ARTIFACT, "pipeline_run"])
    ] == ["gamma"]
    assert [t.name for t in client.list_tags(name=["alpha", "beta"])] == ["alpha", "beta"]
    assert sorted(
        t.name for t in client.list_tags(name="alpha", exclusive=True, logical_operator="or")
    ) == ["alpha", "beta"]
    assert client.list_tags(user="default").total == 3
    assert client.list_tags(user="somebody_else").total == 0
    assert client.get_tag("gamma").tagged_count == 1


def test_update_and_delete():
    client = Client()
    client.create_tag("old")
    updated = client.update_tag("old", name="new", color="green", exclusive=True)
    assert (updated.name, updated.color, updated.exclusive) == ("new", ColorVariants.GREEN, True)
    client.create_tag("taken")
    with pytest.raises(EntityExistsError):
        client.update_tag("new", name="taken")
    with pytest.raises(KeyError):
        client.update_tag("nope", name="x")
    client.delete_tag("new")
    with pytest.raises(KeyError):
        client.delete_tag("new")


def test_update_to_exclusive_checks_its_resources():
    client = Client()
    first, second = p(), p()
    for run in (first, second):
        client.attach_tag("shared", [TagResource(id=run.id, type="pipeline_run")])
    with pytest.raises(ValueError, match="several pipeline_runs of the same pipeline"):
        client.update_tag("shared", exclusive=True)
    client.detach_tag("shared", [TagResource(id=first.id, type="pipeline_run")])
    assert client.update_tag("shared", exclusive=True).exclusive is True


def test_attach_and_detach(caplog):
    client = Client()
    run = p()
    resource = TagResource(id=run.id, type=TaggableResourceTypes.PIPELINE_RUN)
    client.attach_tag("fresh", [resource])
    client.attach_tag(Tag(name="obj", color="blue"), [{"id": run.id, "type": "pipeline_run"}])
    assert sorted(t.name for t in client.get_pipeline_run(run.id).tags) == ["fresh", "obj"]
    assert client.get_tag("obj").color is ColorVariants.BLUE
    with pytest.raises(KeyError):
        client.attach_tag(
            "fresh", [TagResource(id="00000000-0000-4000-8000-000000000000", type="pipeline_run")]
        )
    with pytest.raises(ValueError, match="cannot tag a model"):
        client.attach_tag("fresh", [TagResource(id=run.id, type="model")])
    client.detach_tag("fresh", [resource])
    with caplog.at_level(logging.WARNING, logger="stackwise"):
        client.detach_tag("fresh", [resource])
    assert "was not attached" in caplog.text
    client.delete_tag("obj")
    assert client.get_pipeline_run(run.id).tags == []
