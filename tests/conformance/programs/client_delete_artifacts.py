"""delete_artifact_version refuses a version a run uses (ValueError), deletes a manual one (and its
files with delete_from_artifact_store=True); delete_artifact removes the artifact."""

import os
from typing import Annotated

from zenml import pipeline, save_artifact, step
from zenml.client import Client


@step
def make() -> Annotated[int, "used"]:
    return 1


@pipeline
def uses():
    make()


uses()
client = Client()
used = client.get_artifact_version("used", "1")
try:
    client.delete_artifact_version("used", "1")
except ValueError as e:
    assert "run" in str(e).lower()
else:
    raise AssertionError("a version used by a run cannot be deleted")
assert client.get_artifact_version("used", "1").id == used.id

kept = save_artifact({"a": 1}, name="manual")
wiped = save_artifact({"a": 2}, name="manual")
third = save_artifact({"a": 3}, name="manual")
assert [kept.version, wiped.version, third.version] == ["1", "2", "3"]
assert os.path.exists(kept.uri) and os.path.exists(wiped.uri)

client.delete_artifact_version("manual", "1")  # metadata only: the files stay
assert os.path.exists(kept.uri)
client.delete_artifact_version(wiped.id, delete_from_artifact_store=True)
assert not os.path.exists(wiped.uri)
assert [v.version for v in client.list_artifact_versions(artifact="manual")] == ["3"]
try:
    client.get_artifact_version("manual", "1")
except KeyError:
    pass
else:
    raise AssertionError("a deleted version is gone")
assert client.get_artifact_version("manual").load() == {"a": 3}

# a new version after deletions continues the numbering
assert save_artifact({"a": 4}, name="manual").version == "4"

client.delete_artifact_version("manual", "3")
client.delete_artifact_version("manual", "4")
client.delete_artifact("manual")
assert [a.name for a in client.list_artifacts()] == ["used"]
try:
    client.get_artifact("manual")
except KeyError:
    pass
else:
    raise AssertionError("a deleted artifact is gone")
print("ok")
