"""zenml.types: HTML, Markdown, CSV and JSON strings are saved as files of their kind, load
back as the same type, and are their own visualization."""

import os
from typing import Annotated

from zenml import load_artifact, pipeline, save_artifact, step
from zenml.enums import ArtifactType, VisualizationType
from zenml.types import CSVString, HTMLString, JSONString, MarkdownString

for cls in (HTMLString, MarkdownString, CSVString, JSONString):
    assert issubclass(cls, str)
assert HTMLString("<b>x</b>") == "<b>x</b>" and str(HTMLString("<b>")) == "<b>"


@step
def report() -> tuple[
    Annotated[HTMLString, "html"], Annotated[MarkdownString, "md"],
    Annotated[CSVString, "csv"], Annotated[JSONString, "json"],
]:
    return (HTMLString("<h1>Report</h1>"), MarkdownString("# Report"),
            CSVString("a,b\n1,2"), JSONString('{"a": 1}'))


@step
def read(html: HTMLString) -> int:
    assert isinstance(html, HTMLString)
    return len(html)


@pipeline
def reporting():
    html, _, _, _ = report()
    read(html)


run = reporting()
outputs = run.steps["report"].outputs
expected = {"html": (HTMLString, "output.html", VisualizationType.HTML),
            "md": (MarkdownString, "output.md", VisualizationType.MARKDOWN),
            "csv": (CSVString, "output.csv", VisualizationType.CSV),
            "json": (JSONString, "output.json", VisualizationType.JSON)}
for name, (cls, file_name, kind) in expected.items():
    version = outputs[name][0]
    value = version.load()
    assert type(value) is cls, (name, type(value))
    assert os.listdir(version.uri) == [file_name], os.listdir(version.uri)
    assert version.type == ArtifactType.DATA_ANALYSIS
    views = version.visualizations
    assert [v.type for v in views] == [kind], views
    assert os.path.basename(views[0].uri) == file_name
assert run.steps["read"].output.load() == len("<h1>Report</h1>")

saved = save_artifact(MarkdownString("*hi*"), name="notes")
assert [v.type for v in saved.visualizations] == [VisualizationType.MARKDOWN]
loaded = load_artifact("notes")
assert type(loaded) is MarkdownString and loaded == "*hi*"
print("ok")
