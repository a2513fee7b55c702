"""Pipeline tags with cascade=True also tag the artifact versions the run outputs (cached
outputs too); plain pipeline tags stay on the run."""

from zenml import Tag, pipeline, step
from zenml.client import Client


@step
def produce() -> int:
    return 1


@pipeline(tags=[Tag(name="cascading", cascade=True), "run_only"])
def tagged():
    produce()


tagged()
client = Client()
version = client.list_artifact_versions()[0]
assert sorted(t.name for t in version.tags) == ["cascading"], version.tags
tagged.with_options(tags=[Tag(name="second", cascade=True)])()
run = client.get_pipeline("tagged").last_run
assert str(run.steps["produce"].status) == "cached"
version = client.get_artifact_version(version.id)
assert sorted(t.name for t in version.tags) == ["cascading", "second"], version.tags
assert {"cascading", "run_only", "second"} <= {t.name for t in run.tags}
print("ok")
