"""Client.list_pipelines returns a Page: items, total, total_pages, size, index, max_size, iteration,
indexing; default order is oldest first; sort_by, page and size."""

from zenml import pipeline, step
from zenml.client import Client


@step
def one() -> int:
    return 1


@pipeline
def first_pipeline():
    one()


@pipeline
def second_pipeline():
    one()


@pipeline
def third_pipeline():
    one()


first_pipeline()
second_pipeline()
third_pipeline()

client = Client()
page = client.list_pipelines()
assert page.total == 3 and page.total_pages == 1
assert page.index == 1
assert page.max_size == 20  # the default page size
assert page.size == 3  # how many items this page holds
assert len(page) == 3 and len(page.items) == 3
assert isinstance(page.items, list)
# default order: created ascending
assert [p.name for p in page] == ["first_pipeline", "second_pipeline", "third_pipeline"]
assert page[0].name == "first_pipeline" and page[-1].name == "third_pipeline"
assert [p.name for p in page[1:]] == ["second_pipeline", "third_pipeline"]
assert page[0] in page

newest_first = client.list_pipelines(sort_by="desc:created")
assert [p.name for p in newest_first] == ["third_pipeline", "second_pipeline", "first_pipeline"]
by_name = client.list_pipelines(sort_by="desc:name")
assert [p.name for p in by_name] == ["third_pipeline", "second_pipeline", "first_pipeline"]

p1 = client.list_pipelines(size=2)
assert p1.total == 3 and p1.total_pages == 2 and p1.index == 1
assert p1.max_size == 2 and p1.size == 2
assert [p.name for p in p1] == ["first_pipeline", "second_pipeline"]
p2 = client.list_pipelines(size=2, page=2)
assert p2.index == 2 and p2.total == 3 and p2.total_pages == 2
assert p2.size == 1 and p2.max_size == 2  # the last page is partial
assert [p.name for p in p2] == ["third_pipeline"]

try:
    client.list_pipelines(size=2, page=3)
except ValueError as e:
    assert "page" in str(e).lower()
else:
    raise AssertionError("a page beyond the last one is an error")

only = client.list_pipelines(name="second_pipeline")
assert only.total == 1 and only[0].name == "second_pipeline"
assert client.list_pipelines(name="contains:ond_").total == 1
assert client.list_pipelines(name="startswith:t").total == 1
assert client.list_pipelines(name="nothing_like_this").total == 0
empty = client.list_pipelines(name="nothing_like_this")
assert list(empty) == [] and empty.total_pages in (0, 1)

got = client.get_pipeline("second_pipeline")
assert got.id == only[0].id
assert client.get_pipeline(got.id).name == "second_pipeline"
assert client.get_pipeline(str(got.id)).name == "second_pipeline"
print("ok")
