"""register_artifact: a file or folder already inside the artifact store becomes a version,
loaded back as a pathlib.Path; locations outside the store are refused."""

import os
import tempfile
from pathlib import Path

from zenml import load_artifact, register_artifact
from zenml.client import Client
from zenml.enums import ArtifactSaveType, ArtifactType

root = Client().active_stack.artifact_store.path
folder = os.path.join(root, "reg_folder")
os.makedirs(folder, exist_ok=True)
Path(folder, "f.txt").write_text("hello")
file_path = os.path.join(root, "reg_file.txt")
Path(file_path).write_text("file")

version = register_artifact(folder, "registered", tags=["reg"],
                            artifact_metadata={"source": "lab"})
assert version.uri == folder and version.version == "1"
assert version.type == ArtifactType.DATA
assert version.save_type == ArtifactSaveType.PREEXISTING
assert version.run_metadata["source"] == "lab"
assert [t.name for t in version.tags] == ["reg"]
loaded = load_artifact("registered")
assert isinstance(loaded, Path) and sorted(os.listdir(loaded)) == ["f.txt"]
assert Path(loaded, "f.txt").read_text() == "hello"

file_version = register_artifact(file_path, "registered_file", version="raw",
                                 artifact_type=ArtifactType.MODEL)
assert file_version.version == "raw" and file_version.type == ArtifactType.MODEL
loaded_file = load_artifact("registered_file")
assert isinstance(loaded_file, Path) and loaded_file.read_text() == "file"

outside = tempfile.mkdtemp()
try:
    register_artifact(outside, "outside")
except FileNotFoundError:
    pass
else:
    raise AssertionError("a location outside the artifact store is refused")
try:
    register_artifact(folder, "registered_twice")
except RuntimeError:
    pass
else:
    raise AssertionError("a location is registered once")
print("ok")
