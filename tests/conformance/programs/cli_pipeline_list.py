"""`pipeline list` and `pipeline runs list` --output json: ids, names, statuses agree with the
Client; --columns picks the keys; --sort_by asc:created orders them."""

from _cli import cli_json
from zenml import pipeline, step
from zenml.client import Client


@step
def make(n: int) -> int:
    return n


@pipeline
def alpha(n: int = 1):
    make(n)


@pipeline
def beta():
    make(9)


alpha.with_options(run_name="run_a")(n=1)
alpha.with_options(run_name="run_b")(n=2)
beta.with_options(run_name="run_c")()
client = Client()

pipes = cli_json("pipeline", "list")
assert pipes["pagination"]["total"] == 2
assert {p["name"]: p["id"] for p in pipes["items"]} == \
    {p.name: str(p.id) for p in client.list_pipelines()}

runs = cli_json("pipeline", "runs", "list")
assert runs["pagination"]["total"] == 3
assert {"id", "status", "pipeline"} <= set(runs["items"][0])
assert [r["id"] for r in runs["items"]] == [str(r.id) for r in client.list_pipeline_runs()]
assert {r["status"] for r in runs["items"]} == {"completed"}
assert {r["id"]: r["pipeline"] for r in runs["items"]}[str(client.get_pipeline_run("run_c").id)] \
    == "beta"

cols = cli_json("pipeline", "runs", "list", "--columns", "name,status", "--sort_by", "asc:created")
assert cols["items"] == [{"name": "run_a", "status": "completed"},
                         {"name": "run_b", "status": "completed"},
                         {"name": "run_c", "status": "completed"}]
print("ok")
