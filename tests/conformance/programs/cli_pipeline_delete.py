"""`pipeline runs delete NAME|ID -y` and `pipeline delete NAME -y`: exit 0 and gone (with the
pipeline's runs); deleting again exits non-zero."""

from _cli import cli, cli_json
from zenml import pipeline, step
from zenml.client import Client


@step
def make(n: int) -> int:
    return n


@pipeline
def keeper(n: int = 1):
    make(n)


@pipeline
def goner():
    make(5)


keeper.with_options(run_name="keep_1")(n=1)
keeper.with_options(run_name="drop_me")(n=2)
goner.with_options(run_name="goner_run")()
client = Client()

cli("pipeline", "runs", "delete", "drop_me", "-y")
assert sorted(r.name for r in client.list_pipeline_runs()) == ["goner_run", "keep_1"]
again = cli("pipeline", "runs", "delete", "drop_me", "-y", ok=False)
assert "drop_me" in again.all

cli("pipeline", "runs", "delete", str(client.get_pipeline_run("keep_1").id), "-y")  # by id
assert client.get_pipeline("keeper").num_runs == 0

cli("pipeline", "delete", "goner", "-y")
assert [p["name"] for p in cli_json("pipeline", "list", "--columns", "name")["items"]] == ["keeper"]
assert client.list_pipeline_runs().total == 0  # its run went with it
cli("pipeline", "delete", "goner", "-y", ok=False)
print("ok")
