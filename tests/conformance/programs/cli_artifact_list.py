"""`artifact list` and `artifact version list` (--artifact, --columns, --sort_by) --output json."""

from typing import Annotated

from _cli import cli_json
from zenml import pipeline, step
from zenml.client import Client


@step
def make(n: int) -> Annotated[int, "x"]:
    return n


@pipeline
def produce(n: int = 0):
    make(n)


for n in (1, 2, 3):
    produce(n=n)
client = Client()

arts = cli_json("artifact", "list")
assert [a["name"] for a in arts["items"]] == ["x"]
assert arts["items"][0]["latest_version_name"] == "3"
assert arts["items"][0]["id"] == str(client.get_artifact("x").id)

versions = cli_json("artifact", "version", "list", "--artifact", "x")
assert versions["pagination"]["total"] == 3
assert sorted(v["version"] for v in versions["items"]) == ["1", "2", "3"]
assert {v["artifact"] for v in versions["items"]} == {"x"}
assert {v["type"] for v in versions["items"]} == {"DataArtifact"}
assert {v["id"] for v in versions["items"]} == \
    {str(v.id) for v in client.list_artifact_versions(artifact="x")}

ordered = cli_json("artifact", "version", "list", "--columns", "artifact,version",
                   "--sort_by", "asc:created")
assert ordered["items"] == [{"artifact": "x", "version": v} for v in ("1", "2", "3")]
print("ok")
