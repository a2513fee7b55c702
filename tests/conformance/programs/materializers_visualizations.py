"""Visualizations saved with artifacts: what each built-in writes, and the step switch."""

import os
from typing import Annotated

import numpy as np
import pandas as pd
from zenml import pipeline, step
from zenml.enums import VisualizationType


@step
def produce() -> tuple[
    Annotated[pd.DataFrame, "frame"], Annotated[np.ndarray, "vector"],
    Annotated[np.ndarray, "matrix"], Annotated[int, "number"], Annotated[list, "items"],
]:
    frame = pd.DataFrame({"a": [1, 2, 3], "b": [0.5, 0.6, 0.7]})
    return frame, np.arange(50.0), np.ones((2, 3)), 7, [1, 2]


@step(enable_artifact_visualization=False)
def quiet() -> pd.DataFrame:
    return pd.DataFrame({"a": [1]})


@pipeline
def views():
    produce()
    quiet()


def kinds(version):
    return sorted((v.type, os.path.basename(v.uri)) for v in version.visualizations)


run = views()
out = run.steps["produce"].outputs
frame = out["frame"][0]
assert kinds(frame) == [(VisualizationType.CSV, "describe.csv"),
                        (VisualizationType.CSV, "sample.csv")], kinds(frame)
with open([v.uri for v in frame.visualizations if v.uri.endswith("describe.csv")][0]) as f:
    described = f.read()
assert "mean" in described and "count" in described
with open([v.uri for v in frame.visualizations if v.uri.endswith("sample.csv")][0]) as f:
    assert f.read().splitlines()[0].endswith("a,b")

vector = out["vector"][0]
assert kinds(vector) == [(VisualizationType.IMAGE, "histogram.png")], kinds(vector)
with open(vector.visualizations[0].uri, "rb") as f:
    assert f.read(8) == b"\x89PNG\r\n\x1a\n"
assert kinds(out["matrix"][0]) == []  # no view for a two-dimensional array
assert [v.type for v in out["number"][0].visualizations] == [VisualizationType.JSON]
assert [v.type for v in out["items"][0].visualizations] == [VisualizationType.JSON]
for version in (vector, frame):
    for view in version.visualizations:  # inside the artifact's own folder
        assert os.path.dirname(view.uri) == version.uri.rstrip("/")

silent = run.steps["quiet"].output
assert silent.visualizations == []
assert not {"describe.csv", "sample.csv"} & set(os.listdir(silent.uri))
assert silent.load().equals(pd.DataFrame({"a": [1]}))
print("ok")
