"""`artifact version describe NAME -v V`, `artifact version delete ID -y` (of a version no run
uses), and `artifact prune -y`
deleting the versions no run uses (saved by hand) and the artifacts left without versions."""

from typing import Annotated

from _cli import cli
from zenml import pipeline, save_artifact, step
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
save_artifact(41, "loose")
save_artifact(42, "loose")

described = cli("artifact", "version", "describe", "x", "-v", "2")
assert "x" in described.all and str(client.get_artifact_version("x", "2").id) in described.all
cli("artifact", "version", "describe", "x", "-v", "9", ok=False)

first = client.get_artifact_version("loose", "1").id  # used by no run: deletable
cli("artifact", "version", "delete", str(first), "-y")
assert sorted(v.version for v in client.list_artifact_versions(artifact="loose")) == ["2"]

cli("artifact", "prune", "-y")
assert [a.name for a in client.list_artifacts()] == ["x"]  # `loose` was used by no run
assert client.list_artifact_versions(artifact="x").total == 2
print("ok")
