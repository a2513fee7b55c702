"""attach_tag/detach_tag on runs and artifact versions (TagResource); an exclusive tag moves to the
newest resource of the same kind; pipeline tags=; list_pipeline_runs(tags=...)."""

from typing import Annotated

from zenml import pipeline, step
from zenml.client import Client
from zenml.enums import TaggableResourceTypes
from zenml.models import TagResource


@step
def make(n: int) -> Annotated[int, "weights"]:
    return n


@pipeline(tags=["nightly"])
def train(n: int = 0):
    make(n)


r1 = train(n=1)
r2 = train(n=2)
client = Client()


def run_tags(run):
    return sorted(t.name for t in client.get_pipeline_run(run.id).tags)


assert run_tags(r1) == ["nightly"] and run_tags(r2) == ["nightly"]
assert client.list_pipeline_runs(tags=["nightly"]).total == 2

client.create_tag(name="best", exclusive=True)
client.attach_tag("best", resources=[TagResource(id=r1.id, type=TaggableResourceTypes.PIPELINE_RUN)])
assert run_tags(r1) == ["best", "nightly"]
client.attach_tag("best", resources=[TagResource(id=r2.id, type=TaggableResourceTypes.PIPELINE_RUN)])
assert run_tags(r1) == ["nightly"]  # moved away
assert run_tags(r2) == ["best", "nightly"]
assert [r.id for r in client.list_pipeline_runs(tags=["best"])] == [r2.id]

client.detach_tag("best", resources=[TagResource(id=r2.id, type=TaggableResourceTypes.PIPELINE_RUN)])
assert run_tags(r2) == ["nightly"]

# attaching a tag that does not exist creates it (not exclusive)
both = [TagResource(id=r.id, type=TaggableResourceTypes.PIPELINE_RUN) for r in (r1, r2)]
client.attach_tag("shared", resources=both)
assert client.get_tag("shared").exclusive is False
assert "shared" in run_tags(r1) and "shared" in run_tags(r2)

# exclusivity holds per kind: an artifact version and a run can both hold "best"
client.attach_tag("best", resources=[TagResource(id=r1.id, type=TaggableResourceTypes.PIPELINE_RUN)])
w1 = client.get_artifact_version("weights", "1")
w2 = client.get_artifact_version("weights", "2")
client.update_artifact_version(w1.id, add_tags=["best"])
client.update_artifact_version(w2.id, add_tags=["best"])
assert [t.name for t in client.get_artifact_version("weights", "1").tags] == []
assert [t.name for t in client.get_artifact_version("weights", "2").tags] == ["best"]
assert "best" in run_tags(r1)

# deleting a tag removes it from everything
client.delete_tag("shared")
assert "shared" not in run_tags(r1) and "shared" not in run_tags(r2)
print("ok")
