"""`pipeline runs list` with --sort_by desc:created, --size (pagination in the JSON), --name
startswith:..., --pipeline_name."""

from _cli import cli_json
from zenml import pipeline, step


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

newest = cli_json("pipeline", "runs", "list", "--columns", "name", "--sort_by", "desc:created")
assert [r["name"] for r in newest["items"]] == ["run_c", "run_b", "run_a"]

paged = cli_json("pipeline", "runs", "list", "--size", "2", "--columns", "name")
p = paged["pagination"]
assert (p["index"], p["max_size"], p["total_pages"], p["total"]) == (1, 2, 2, 3)
assert [r["name"] for r in paged["items"]] == ["run_c", "run_b"]

picked = cli_json("pipeline", "runs", "list", "--name", "startswith:run_b", "--columns", "name")
assert picked["items"] == [{"name": "run_b"}]
of_alpha = cli_json("pipeline", "runs", "list", "--pipeline_name", "alpha", "--columns", "name")
assert sorted(r["name"] for r in of_alpha["items"]) == ["run_a", "run_b"]
print("ok")
