"""Visualizations and metadata written by `save_data`: on a local store, a remote-like one
and S3, through a staged path materializer, and switched off."""

from __future__ import annotations

import os
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pytest

from stackwise.artifact_stores.base_artifact_store import BaseArtifactStore
from stackwise.enums import VisualizationType
from stackwise.materializers.artifact_saving import save_data
from stackwise.materializers.base_materializer import BaseMaterializer
from stackwise.types import HTMLString

pytest_plugins = ["fixtures.s3_server"]


def _save(store: BaseArtifactStore, value: Any, name: str = "a", **options: Any) -> Any:
    uri = store.join(store.path, name)
    return save_data(
        value,
        version_id=name,
        name=name,
        uri=uri,
        artifact_store=store,
        save_type="manual",
        **options,
    )


def _views(saved: Any) -> list[tuple[str, str]]:
    return sorted((v["type"], v["uri"].rsplit("/", 1)[-1]) for v in saved.visualizations)


def test_built_ins_record_their_views(store: BaseArtifactStore) -> None:
    frame = _save(store, pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}), "frame")
    assert _views(frame) == [("csv", "describe.csv"), ("csv", "sample.csv")]
    for view in frame.visualizations:
        assert view["uri"].startswith(frame.uri) and store.exists(view["uri"])
    vector = _save(store, np.linspace(0, 1, 100), "vector")
    assert _views(vector) == [("image", "histogram.png")]
    with store.open(vector.visualizations[0]["uri"], "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    assert _views(_save(store, np.zeros((2, 2)), "matrix")) == []
    assert _views(_save(store, 3, "number")) == [("json", "data.json")]
    assert _views(_save(store, HTMLString("<i>x</i>"), "html")) == [("html", "output.html")]
    assert _save(store, [1, 2, 3], "items").item_count == 3


def test_switched_off_views_and_metadata_write_and_record_nothing(store: BaseArtifactStore) -> None:
    saved = _save(
        store,
        pd.DataFrame({"a": [1]}),
        include_visualizations=False,
        extract_metadata=False,
        metadata={"given": 1},
    )
    assert saved.visualizations == []
    assert store.listdir(saved.uri) == ["data.parquet", "metadata.json"]
    assert saved.metadata == {"given": 1}  # what the caller logged is kept


def test_metadata_has_the_storage_size(store: BaseArtifactStore) -> None:
    saved = _save(store, [1, 2, 3])
    assert saved.metadata["length"] == 3 and saved.metadata["storage_size"] > 0


class _BrokenViews(BaseMaterializer):
    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = ()
    SKIP_REGISTRATION: ClassVar[bool] = True
    USES_ARTIFACT_STORE_IO: ClassVar[bool] = True

    def save(self, data: str) -> None:
        with self.open("value.txt", "w") as f:
            f.write(data)

    def save_visualizations(self, data: str) -> dict[str, VisualizationType]:
        raise RuntimeError("no renderer")


def test_a_failing_view_costs_the_view_not_the_value(
    store: BaseArtifactStore, caplog: pytest.LogCaptureFixture
) -> None:
    saved = _save(store, "v", materializer=_BrokenViews)
    assert saved.visualizations == []
    assert store.exists(store.join(saved.uri, "value.txt"))
    assert "no renderer" in caplog.text


class _PathViews(BaseMaterializer):
    """Written for local paths (no USES_ARTIFACT_STORE_IO): staged on remote stores."""

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = ()
    SKIP_REGISTRATION: ClassVar[bool] = True

    def save(self, data: str) -> None:
        os.makedirs(self.uri, exist_ok=True)
        with open(os.path.join(self.uri, "value.txt"), "w") as f:
            f.write(data)

    def save_visualizations(self, data: str) -> dict[str, VisualizationType]:
        path = os.path.join(self.uri, "view.md")
        with open(path, "w") as f:
            f.write(f"# {data}")
        return {path: VisualizationType.MARKDOWN}


def test_views_of_a_staged_materializer_point_at_the_real_store(store: BaseArtifactStore) -> None:
    saved = _save(store, "hello", materializer=_PathViews)
    (view,) = saved.visualizations
    assert view == {"type": "markdown", "uri": store.join(saved.uri, "view.md")}
    with store.open(view["uri"]) as f:
        assert f.read() == "# hello"


def test_views_are_written_to_s3(s3_store_config: dict[str, Any]) -> None:
    from stackwise.integrations.s3.artifact_stores.s3_artifact_store import S3ArtifactStore
    from stackwise.integrations.s3.flavors.s3_artifact_store_flavor import (
        S3ArtifactStoreConfig,
    )

    s3 = S3ArtifactStore(
        id="s3", name="s3", flavor="s3", config=S3ArtifactStoreConfig(**s3_store_config)
    )
    frame = _save(s3, pd.DataFrame({"a": [1.0, 2.0]}), "frame")
    assert _views(frame) == [("csv", "describe.csv"), ("csv", "sample.csv")]
    for view in frame.visualizations:
        assert view["uri"].startswith("s3://") and s3.exists(view["uri"])
    staged = _save(s3, "remote", "staged", materializer=_PathViews)
    (view,) = staged.visualizations
    assert view["uri"] == s3.join(staged.uri, "view.md")
    with s3.open(view["uri"]) as f:
        assert f.read() == "# remote"


def test_a_large_frame_is_described_from_an_even_sample(
    local_store: BaseArtifactStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stackwise.materializers import pandas_materializer

    monkeypatch.setattr(pandas_materializer, "HASH_LIMIT_BYTES", 1000)
    monkeypatch.setattr(pandas_materializer, "DESCRIBE_SAMPLE_ROWS", 100)
    saved = _save(local_store, pd.DataFrame({"a": range(1000)}), "big")
    described = [v["uri"] for v in saved.visualizations if v["uri"].endswith("describe.csv")]
    with local_store.open(described[0]) as f:
        table = pd.read_csv(f, index_col=0)
    assert table.loc["count", "a"] == 100 and table.loc["max", "a"] == 990


class _OddViews(_BrokenViews):
    USES_ARTIFACT_STORE_IO: ClassVar[bool] = True

    def save_visualizations(self, data: str) -> dict[str, Any]:
        return {self.path("a.svg"): "svg", self.path("value.txt"): "markdown"}


def test_a_view_of_an_unknown_type_is_named_and_left_out(
    store: BaseArtifactStore, caplog: pytest.LogCaptureFixture
) -> None:
    saved = _save(store, "v", materializer=_OddViews)
    assert _views(saved) == [("markdown", "value.txt")]
    assert "'svg'" in caplog.text
