"""Client tag methods: create, get (name, id, prefix), list with filters and paging, update,
delete, attach and detach through TagResource."""

from zenml import pipeline, step
from zenml.client import Client
from zenml.enums import ColorVariants, TaggableResourceTypes
from zenml.exceptions import EntityExistsError
from zenml.models import TagResource


@step
def s() -> int:
    return 1


@pipeline(enable_cache=False)
def p():
    s()


client = Client()
made = client.create_tag("made")
assert made.name == "made" and made.exclusive is False and made.tagged_count == 0
assert isinstance(made.color, ColorVariants)
assert made.created is not None and made.updated is not None
red = client.create_tag("made_red", color="red", exclusive=True)
assert red.color == ColorVariants.RED and red.exclusive is True
for bad, error in ((lambda: client.create_tag("made"), EntityExistsError),
                   (lambda: client.create_tag("x", color="no-such-colour"), ValueError),
                   (lambda: client.get_tag("no-such-tag"), KeyError)):
    try:
        bad()
    except error:
        pass
    else:
        raise AssertionError(f"expected {error.__name__}")

assert client.get_tag(red.id).name == "made_red"
assert client.get_tag(str(red.id)[:8]).name == "made_red"
assert client.get_tag("made").id == made.id

run = p()
client.attach_tag("made", [TagResource(id=run.id, type=TaggableResourceTypes.PIPELINE_RUN)])
client.attach_tag("brand_new", [TagResource(id=run.id, type="pipeline_run")])
assert sorted(t.name for t in client.get_pipeline_run(run.id).tags) == ["brand_new", "made"]
assert client.get_tag("made").tagged_count == 1
try:
    client.attach_tag("made", [TagResource(id="00000000-0000-4000-8000-000000000000",
                                           type="pipeline_run")])
except KeyError:
    pass
else:
    raise AssertionError("attaching to a missing resource is a KeyError")

page = client.list_tags(size=2)
assert page.total == 3 and page.index == 1 and page.max_size == 2 and page.total_pages == 2
assert len(page.items) == 2
assert [t.name for t in client.list_tags(name="contains:made")] == ["made", "made_red"]
assert [t.name for t in client.list_tags(name="made")] == ["made"]
assert [t.name for t in client.list_tags(exclusive=True)] == ["made_red"]
assert [t.name for t in client.list_tags(color="red")] == ["made_red"]
assert sorted(t.name for t in client.list_tags(resource_type="pipeline_run")) == \
    ["brand_new", "made"]
assert [t.name for t in client.list_tags(sort_by="desc:name")] == \
    ["made_red", "made", "brand_new"]
assert sorted(t.name for t in client.list_tags(name="made", color="red",
                                               logical_operator="or")) == ["made", "made_red"]

renamed = client.update_tag("made", name="renamed", color="green")
assert renamed.name == "renamed" and renamed.color == ColorVariants.GREEN
assert client.update_tag("renamed", exclusive=True).exclusive is True
try:
    client.update_tag("renamed", name="made_red")
except EntityExistsError:
    pass
else:
    raise AssertionError("a rename onto a taken name is refused")

client.detach_tag("renamed", [TagResource(id=run.id, type="pipeline_run")])
client.detach_tag("renamed", [TagResource(id=run.id, type="pipeline_run")])  # only warns
assert [t.name for t in client.get_pipeline_run(run.id).tags] == ["brand_new"]
client.delete_tag("brand_new")
assert client.get_pipeline_run(run.id).tags == []
try:
    client.delete_tag("brand_new")
except KeyError:
    pass
else:
    raise AssertionError("deleting a missing tag is a KeyError")
print("ok")
