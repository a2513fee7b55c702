"""`artifact update NAME -t TAG -t TAG`, `artifact version update NAME -v V -t TAG`, and listing
by tags; an unknown artifact exits non-zero."""

from typing import Annotated

from _cli import cli, cli_json
from zenml import pipeline, step
from zenml.client import Client


@step
def make(n: int) -> Annotated[int, "x"]:
    return n


@pipeline
def produce(n: int = 0):
    make(n)


for n in (1, 2):
    produce(n=n)
client = Client()

cli("artifact", "update", "x", "-t", "gold", "-t", "silver")
assert sorted(t.name for t in client.get_artifact("x").tags) == ["gold", "silver"]
tagged = cli_json("artifact", "list", "--columns", "name,tags")
assert [(a["name"], sorted(a["tags"])) for a in tagged["items"]] == [("x", ["gold", "silver"])]

cli("artifact", "version", "update", "x", "-v", "2", "-t", "champ")
assert [t.name for t in client.get_artifact_version("x", "2").tags] == ["champ"]
champs = cli_json("artifact", "version", "list", "--tags", "champ", "--columns", "version")
assert champs["items"] == [{"version": "2"}]
cli("artifact", "update", "nope", "-t", "t", ok=False)
print("ok")
