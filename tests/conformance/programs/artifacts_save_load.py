"""save_artifact with its options, and load_artifact by name, version, id and id prefix."""

import os

from zenml import load_artifact, save_artifact
from zenml.client import Client
from zenml.enums import ArtifactSaveType, ArtifactType
from zenml.exceptions import EntityExistsError

first = save_artifact([1, 2], "numbers", artifact_type=ArtifactType.MODEL, tags=["a", "b"],
                      include_visualizations=False)
assert first.version == "1" and first.type == ArtifactType.MODEL
assert first.save_type == ArtifactSaveType.MANUAL
assert sorted(t.name for t in first.tags) == ["a", "b"]
assert [t.name for t in first.artifact.tags] == []
assert first.visualizations == []
second = save_artifact({"a": 1}, "numbers", user_metadata={"um": 2})
assert second.version == "2" and second.run_metadata["um"] == 2
assert second.artifact.has_custom_name is True

assert save_artifact(3, "versions", version="gold").version == "gold"
assert save_artifact(3, "versions", version=7).version == "7"
assert save_artifact(3, "versions").version == "8"
try:
    save_artifact(3, "versions", version="gold")
except EntityExistsError:
    pass
else:
    raise AssertionError("a version name is unique per artifact")

assert save_artifact(3, "external_type", save_type=ArtifactSaveType.EXTERNAL).save_type == \
    ArtifactSaveType.EXTERNAL
assert save_artifact(3, "unnamed", has_custom_name=False).artifact.has_custom_name is False

root = Client().active_stack.artifact_store.path
custom = os.path.join(root, "custom_place")
assert save_artifact(4, "custom_uri", uri=custom).uri == custom
assert load_artifact("custom_uri") == 4
try:
    save_artifact(4, "custom_uri_again", uri=custom)
except RuntimeError:
    pass
else:
    raise AssertionError("a URI holds one version")
try:
    save_artifact(4, "outside", uri=os.path.join(os.path.dirname(root), "elsewhere"))
except FileNotFoundError:
    pass
else:
    raise AssertionError("a URI outside the artifact store is refused")
store = Client().active_stack.artifact_store
assert save_artifact(5, "with_store", artifact_store=store).uri.startswith(root)

assert load_artifact("numbers") == {"a": 1}
assert load_artifact("numbers", version="1") == [1, 2]
assert load_artifact("numbers", version=1) == [1, 2]
assert load_artifact(first.id) == [1, 2]
assert load_artifact(str(first.id)) == [1, 2]
assert load_artifact(str(first.id)[:8]) == [1, 2]
for missing in (lambda: load_artifact("nope"), lambda: load_artifact("numbers", version="9")):
    try:
        missing()
    except KeyError:
        pass
    else:
        raise AssertionError("an unknown artifact or version is a KeyError")
print("ok")
