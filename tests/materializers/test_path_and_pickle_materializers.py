"""Path outputs (files and folders copied into the artifact) and the cloudpickle fallback."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from stackwise.exceptions import MaterializerError
from stackwise.materializers.cloudpickle_materializer import CloudpickleMaterializer
from stackwise.materializers.path_materializer import PathMaterializer


@pytest.fixture
def source(tmp_path: Path) -> Path:
    folder = tmp_path / "source" / "dataset"
    (folder / "nested").mkdir(parents=True)
    (folder / "a.csv").write_text("x,y\n1,2\n")
    (folder / "nested" / "b.bin").write_bytes(bytes(range(10)))
    return folder


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _cleanup_temp_copy(request: pytest.FixtureRequest, loaded: Path, store: Any) -> None:
    if not store.is_local:
        request.addfinalizer(lambda: shutil.rmtree(loaded.parent, ignore_errors=True))


def test_file_round_trip(
    make: Any, store: Any, source: Path, request: pytest.FixtureRequest
) -> None:
    materializer = make(PathMaterializer)
    materializer.save(source / "a.csv")
    (source / "a.csv").write_text("changed")  # the artifact holds a copy, not a reference
    loaded = materializer.load(Path)
    _cleanup_temp_copy(request, loaded, store)
    assert isinstance(loaded, Path) and loaded.is_file()
    assert loaded.name == "a.csv"
    assert loaded.read_text() == "x,y\n1,2\n"
    with materializer.open("manifest.json") as f:
        assert json.load(f)["kind"] == "file"


def test_directory_round_trip(
    make: Any, store: Any, source: Path, request: pytest.FixtureRequest
) -> None:
    materializer = make(PathMaterializer)
    materializer.save(source)
    expected = _tree(source)
    shutil.rmtree(source)
    loaded = materializer.load(Path)
    _cleanup_temp_copy(request, loaded, store)
    assert loaded.is_dir() and loaded.name == "dataset"
    assert _tree(loaded) == expected


def test_local_store_returns_the_stored_copy(
    make: Any, store: Any, source: Path, request: pytest.FixtureRequest
) -> None:
    materializer = make(PathMaterializer)
    materializer.save(source)
    loaded = materializer.load(Path)
    _cleanup_temp_copy(request, loaded, store)
    if store.is_local:
        assert str(loaded).startswith(materializer.uri)
    else:  # a remote store: a local download that outlives load()
        assert not str(loaded).startswith(materializer.uri)
        assert loaded.exists() and _tree(loaded) == _tree(source)


def test_missing_path_is_refused(make: Any, tmp_path: Path) -> None:
    with pytest.raises(MaterializerError, match="names no file or folder"):
        make(PathMaterializer).save(tmp_path / "nope.txt")


def test_pure_path_is_stored_as_text(roundtrip: Any) -> None:
    loaded = roundtrip(PurePosixPath("/data/x.csv"))
    assert type(loaded) is PurePosixPath and loaded == PurePosixPath("/data/x.csv")


def test_path_hash_follows_contents(source: Path, tmp_path: Path) -> None:
    h = PathMaterializer(uri="unused").compute_content_hash
    copy = tmp_path / "copy" / "dataset"
    shutil.copytree(source, copy)
    assert h(source) == h(copy)
    (copy / "nested" / "b.bin").write_bytes(b"other")
    assert h(source) != h(copy)
    assert h(source / "a.csv") != h(source)
    meta = PathMaterializer(uri="unused").extract_metadata(source)
    assert meta["files"] == 2 and meta["is_dir"] is True and meta["size"] == 18


# -- cloudpickle ------------------------------------------------------------------------------
def test_cloudpickle_round_trip_of_a_local_class(make: Any) -> None:
    class Local:
        def __init__(self, value: int) -> None:
            self.value = value

        def double(self) -> int:
            return self.value * 2

    materializer = make(CloudpickleMaterializer)
    materializer.save(Local(21))
    loaded = materializer.load(Local)
    assert loaded.double() == 42
    assert materializer.artifact_store.exists(materializer.path("artifact.pkl"))
    with materializer.open("versions.json") as f:
        versions = json.load(f)
    assert versions == CloudpickleMaterializer.library_versions()
    assert versions["python"] == f"{sys.version_info.major}.{sys.version_info.minor}"
    assert "cloudpickle" in versions


def test_cloudpickle_warns_when_python_version_differs(make: Any) -> None:
    materializer = make(CloudpickleMaterializer)
    materializer.save({"a": lambda: 1})
    with materializer.open("versions.json", "w") as f:
        json.dump({"python": "3.6", "cloudpickle": "1.0"}, f)
    with pytest.warns(UserWarning, match=r"pickled with Python 3\.6 and is being loaded with"):
        loaded = materializer.load(dict)
    assert loaded["a"]() == 1


def test_cloudpickle_unpicklable_value_is_refused(make: Any) -> None:
    def gen() -> Any:
        yield 1

    with pytest.raises(MaterializerError, match="Write a materializer"):
        make(CloudpickleMaterializer).save(gen())


def test_cloudpickle_refuses_corrupt_file(make: Any) -> None:
    materializer = make(CloudpickleMaterializer)
    materializer.save(1)
    with materializer.open("artifact.pkl", "wb") as f:
        f.write(b"not a pickle")
    with pytest.raises(MaterializerError, match="Could not unpickle"):
        materializer.load(int)


def test_path_materializer_does_not_touch_the_source(make: Any, source: Path) -> None:
    before = _tree(source)
    make(PathMaterializer).save(source)
    assert _tree(source) == before
    assert os.path.isdir(source)
