"""An artifact version's files: visualizations (a list, each with a uri), download_files(path) writes
a zip of the version's files, run_metadata holds what the step logged for it."""

import os
import zipfile
from typing import Annotated

from zenml import log_metadata, pipeline, step
from zenml.client import Client


@step
def make() -> Annotated[dict, "config"]:
    log_metadata(metadata={"source": "unit", "rows": 3}, infer_artifact=True)
    return {"lr": 0.1, "layers": [4, 2]}


@pipeline
def files():
    make()


files()
v = Client().get_artifact_version("config")
assert v.run_metadata["source"] == "unit" and v.run_metadata["rows"] == 3
assert isinstance(v.visualizations, list)
for vis in v.visualizations:
    assert vis.uri.startswith(v.uri)

target = os.path.abspath("config.zip")
v.download_files(target)
assert zipfile.is_zipfile(target)
with zipfile.ZipFile(target) as z:
    names = z.namelist()
on_disk = sorted(os.path.relpath(os.path.join(d, f), v.uri)
                 for d, _, fs in os.walk(v.uri) for f in fs)
assert sorted(names) == on_disk and names
try:
    v.download_files(target)
except FileExistsError:
    pass
else:
    raise AssertionError("download_files does not overwrite unless asked")
v.download_files(target, overwrite=True)
assert zipfile.is_zipfile(target)
print("ok")
