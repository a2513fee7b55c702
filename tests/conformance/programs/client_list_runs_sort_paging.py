"""list_pipeline_runs: newest first by default, sort_by, page/size, Page.size is the item count of
the page, run index per pipeline."""

from zenml import pipeline, step
from zenml.client import Client


@step
def make(n: int) -> int:
    return n


@pipeline
def counting(n: int = 0):
    make(n)


for i, name in enumerate(["r_c", "r_a", "r_d", "r_b", "r_e"]):
    counting.with_options(run_name=name)(n=i)

client = Client()
runs = client.list_pipeline_runs()
# runs, unlike pipelines, come newest first
assert [r.name for r in runs] == ["r_e", "r_b", "r_d", "r_a", "r_c"]
assert runs.total == 5 and runs.size == 5 and runs.index == 1 and runs.total_pages == 1
assert [r.name for r in client.list_pipeline_runs(sort_by="asc:created")] == \
    ["r_c", "r_a", "r_d", "r_b", "r_e"]
assert [r.name for r in client.list_pipeline_runs(sort_by="name")] == \
    ["r_a", "r_b", "r_c", "r_d", "r_e"]
assert [r.name for r in client.list_pipeline_runs(sort_by="desc:name")] == \
    ["r_e", "r_d", "r_c", "r_b", "r_a"]

pages = [client.list_pipeline_runs(size=2, page=i) for i in (1, 2, 3)]
assert [[r.name for r in p] for p in pages] == [["r_e", "r_b"], ["r_d", "r_a"], ["r_c"]]
assert [p.size for p in pages] == [2, 2, 1]
assert all(p.total == 5 and p.total_pages == 3 and p.max_size == 2 for p in pages)
assert [p.index for p in pages] == [1, 2, 3]
try:
    client.list_pipeline_runs(size=2, page=4)
except ValueError:
    pass
else:
    raise AssertionError("page 4 of 3 is an error")

# the run index counts the pipeline's runs from 1
assert sorted(r.index for r in runs) == [1, 2, 3, 4, 5]
assert client.get_pipeline_run("r_c").index == 1
assert client.get_pipeline_run("r_e").index == 5

pipe = client.get_pipeline("counting")
assert pipe.last_run.name == "r_e"
assert pipe.num_runs == 5
assert [r.name for r in pipe.runs] == ["r_e", "r_b", "r_d", "r_a", "r_c"]
print("ok")
