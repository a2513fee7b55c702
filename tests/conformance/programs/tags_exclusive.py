"""Exclusive tags: one run per pipeline and one version per artifact at a time; attaching one
moves it. Pipelines and artifacts cannot carry one; an existing non-exclusive tag cannot be
attached as exclusive."""

from zenml import Tag, add_tags, pipeline, save_artifact, step
from zenml.client import Client


@step
def s() -> int:
    return 1


@pipeline(enable_cache=False)
def p():
    s()


@pipeline(enable_cache=False)
def q():
    s()


def tags_of(run):
    return [t.name for t in Client().get_pipeline_run(run.id).tags]


r1, r2, r3 = p(), q(), p()
add_tags([Tag(name="best", exclusive=True)], run=r1.id)
add_tags([Tag(name="best", exclusive=True)], run=r2.id)
assert tags_of(r1) == ["best"] and tags_of(r2) == ["best"]  # different pipelines
add_tags(["best"], run=r3.id)
assert tags_of(r1) == [] and tags_of(r2) == ["best"] and tags_of(r3) == ["best"]
assert Client().get_tag("best").exclusive is True

v1, v2 = save_artifact(1, "art"), save_artifact(2, "art")
w1 = save_artifact(3, "other")
for version in (v1, v2, w1):
    add_tags([Tag(name="latest", exclusive=True)], artifact_version_id=version.id)
client = Client()
assert [[t.name for t in client.get_artifact_version(v.id).tags] for v in (v1, v2, w1)] == \
    [[], ["latest"], ["latest"]]
v3 = save_artifact(4, "art", tags=["latest"])
assert [t.name for t in client.get_artifact_version(v2.id).tags] == []
assert [t.name for t in v3.tags] == ["latest"]

for call in (lambda: add_tags([Tag(name="excl_art", exclusive=True)], artifact="art"),
             lambda: add_tags([Tag(name="excl_pipe", exclusive=True)], pipeline="p")):
    try:
        call()
    except ValueError:
        pass
    else:
        raise AssertionError("an artifact or pipeline cannot carry an exclusive tag")

add_tags(["plain"], run=r1.id)
try:
    add_tags([Tag(name="plain", exclusive=True)], run=r2.id)
except ValueError:
    pass
else:
    raise AssertionError("an existing non-exclusive tag is not attached as exclusive")

add_tags(["many"], run=r1.id)
add_tags(["many"], run=r3.id)
try:
    client.update_tag("many", exclusive=True)
except ValueError:
    pass
else:
    raise AssertionError("a tag on two runs of one pipeline cannot become exclusive")
client.update_tag("best", exclusive=False)
assert client.get_tag("best").exclusive is False
print("ok")
