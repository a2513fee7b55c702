"""`Tag`, `add_tags` and `remove_tags`: every target, the in-step forms (the current run, the
step's outputs), exclusive tags (one run per pipeline, one version per artifact) and the
errors for a missing, incomplete or doubled target."""

from __future__ import annotations

from typing import Annotated

import pytest
from pydantic import ValidationError

from stackwise import Tag, add_tags, pipeline, remove_tags, save_artifact, step
from stackwise.client import Client
from stackwise.enums import ColorVariants


def names(tags) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(t.name for t in tags)


@step
def tags_its_run() -> Annotated[int, "out"]:
    add_tags(["on_run", "gone"])
    remove_tags("gone")
    add_tags([Tag(name="on_out")], infer_artifact=True)
    add_tags(["also_out"], infer_artifact=True, artifact_name="out")
    remove_tags(["also_out"], infer_artifact=True)
    return 1


@step
def plain() -> int:
    return 1


@pipeline(enable_cache=False)
def tagging():
    tags_its_run()


@pipeline(enable_cache=False)
def first():
    plain()


@pipeline(enable_cache=False)
def second():
    plain()


def test_tag_model_and_request():
    tag = Tag(name="n")
    assert (tag.color, tag.exclusive, tag.cascade) == (None, None, None)
    assert Tag(name="n", color="red").color is ColorVariants.RED
    request = Tag(name="n", exclusive=True, color="blue").to_request()
    assert (request.name, request.exclusive, request.color) == ("n", True, ColorVariants.BLUE)
    assert Tag(name="n").to_request().color == Tag(name="n").to_request().color  # stable
    with pytest.raises(ValidationError):
        Tag(name="n", color="no-such-colour")
    with pytest.raises(ValidationError):
        Tag(name="n", colour="red")  # a typo is refused, not ignored


def test_inside_a_step_tags_go_to_the_run_and_the_outputs():
    run = tagging()

    run = Client().get_pipeline_run(run.id)
    assert names(run.tags) == ["on_run"]
    assert names(run.steps["tags_its_run"].output.tags) == ["on_out"]


def test_every_target_outside_a_step():
    run = first()
    version = save_artifact(1, "thing")
    client = Client()

    add_tags(["r"], run=run.name)
    add_tags("r2", run=str(run.id)[:8])
    add_tags(["p"], pipeline="first")
    add_tags(["a"], artifact="thing")
    add_tags(["v"], artifact_name="thing", artifact_version="1")
    add_tags([Tag(name="vid", color="green")], artifact_version_id=version.id)

    assert names(client.get_pipeline_run(run.id).tags) == ["r", "r2"]
    assert names(client.get_pipeline("first").tags) == ["p"]
    assert names(client.get_artifact("thing").tags) == ["a"]
    assert names(client.get_artifact_version(version.id).tags) == ["v", "vid"]
    assert client.get_tag("vid").color == ColorVariants.GREEN

    remove_tags(["r", "never_attached"], run=run.id)
    remove_tags(["p"], pipeline="first")
    remove_tags("a", artifact="thing")
    remove_tags([Tag(name="v")], artifact_name="thing", artifact_version="1")
    assert names(client.get_pipeline_run(run.id).tags) == ["r2"]
    assert client.get_pipeline("first").tags == []
    assert client.get_artifact("thing").tags == []
    assert names(client.get_artifact_version(version.id).tags) == ["vid"]


def test_a_colour_given_for_an_existing_tag_is_applied():
    version = save_artifact(1, "thing")
    add_tags([Tag(name="c", color="red")], artifact_version_id=version.id)
    add_tags([Tag(name="c", color="blue")], artifact_version_id=version.id)
    assert Client().get_tag("c").color == ColorVariants.BLUE


def test_an_exclusive_tag_marks_one_run_per_pipeline():
    a1, b1, a2 = first(), second(), first()
    add_tags([Tag(name="best", exclusive=True)], run=a1.id)
    add_tags(["best"], run=b1.id)
    add_tags(["best"], run=a2.id)
    client = Client()
    assert [names(client.get_pipeline_run(r.id).tags) for r in (a1, b1, a2)] == [
        [],
        ["best"],
        ["best"],
    ]


def test_an_exclusive_tag_marks_one_version_per_artifact():
    v1, v2 = save_artifact(1, "model"), save_artifact(2, "model")
    other = save_artifact(3, "other")
    for version in (v1, v2, other):
        add_tags([Tag(name="latest", exclusive=True)], artifact_version_id=version.id)
    v3 = save_artifact(4, "model", tags=["latest"])
    client = Client()
    assert [names(client.get_artifact_version(v.id).tags) for v in (v1, v2, v3, other)] == [
        [],
        [],
        ["latest"],
        ["latest"],
    ]


def test_exclusive_tags_are_refused_where_they_cannot_apply():
    run = first()
    save_artifact(1, "thing")
    with pytest.raises(ValueError, match="cannot carry an exclusive tag"):
        add_tags([Tag(name="x", exclusive=True)], artifact="thing")
    with pytest.raises(ValueError, match="cannot carry an exclusive tag"):
        add_tags([Tag(name="y", exclusive=True)], pipeline="first")
    add_tags(["plain"], run=run.id)
    with pytest.raises(ValueError, match="not exclusive"):
        add_tags([Tag(name="plain", exclusive=True)], run=run.id)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({}, "outside a step needs a target"),
        ({"infer_artifact": True}, "only inside a step"),
        ({"artifact_name": "thing"}, "also needs artifact_version"),
        ({"artifact_version": "1"}, "also needs artifact_name"),
        ({"artifact": "thing", "pipeline": "first"}, "several targets"),
        ({"run_template": "t"}, "no run templates"),
        ({"snapshot": "s"}, "no run templates, snapshots"),
        ({"deployment": "d"}, "deployments"),
        ({"artifact_version_id": "not-an-id"}, "is not an id"),
    ],
    ids=[
        "none",
        "infer",
        "name-only",
        "version-only",
        "two",
        "template",
        "snapshot",
        "deployment",
        "bad-id",
    ],
)
def test_target_errors(kwargs, match):  # type: ignore[no-untyped-def]
    save_artifact(1, "thing")
    with pytest.raises(ValueError, match=match):
        add_tags(["x"], **kwargs)
    with pytest.raises(ValueError, match=match):
        remove_tags(["x"], **kwargs)


def test_cascade_is_refused_outside_the_pipeline_decorator():
    save_artifact(1, "thing")
    with pytest.raises(ValueError, match="cascade=True"):
        add_tags([Tag(name="c", cascade=True)], artifact="thing")


def test_unknown_targets_are_key_errors():
    with pytest.raises(KeyError):
        add_tags(["x"], run="no-such-run")
    with pytest.raises(KeyError):
        add_tags(["x"], artifact="no-such-artifact")
    with pytest.raises(TypeError, match="tag names or stackwise.Tag"):
        add_tags([1], artifact="no-such-artifact")  # type: ignore[list-item]
