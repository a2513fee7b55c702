"""UUIDMaterializer, StructuredStringMaterializer (stackwise.types), InMemoryMaterializer and
the BaseMaterializer members materializer authors call."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from stackwise.enums import ArtifactType, VisualizationType
from stackwise.exceptions import MaterializerError
from stackwise.materializers import (
    BuiltInContainerMaterializer,
    BuiltInMaterializer,
    DataclassMaterializer,
    InMemoryMaterializer,
    StructuredStringMaterializer,
    UUIDMaterializer,
)
from stackwise.types import CSVString, HTMLString, JSONString, MarkdownString


def test_uuid_round_trips_as_text(make: Callable[..., Any]) -> None:
    materializer = make(UUIDMaterializer)
    value = uuid.UUID(int=12345)
    materializer.save(value)
    assert materializer.load(uuid.UUID) == value
    with materializer.open("uuid.txt") as f:
        assert f.read() == str(value)
    assert materializer.extract_metadata(value) == {"string_representation": str(value)}


@pytest.mark.parametrize(
    "cls, file_name, kind",
    [
        (HTMLString, "output.html", VisualizationType.HTML),
        (MarkdownString, "output.md", VisualizationType.MARKDOWN),
        (CSVString, "output.csv", VisualizationType.CSV),
        (JSONString, "output.json", VisualizationType.JSON),
    ],
)
def test_structured_strings_are_files_of_their_kind(
    make: Callable[..., Any], cls: type[str], file_name: str, kind: VisualizationType
) -> None:
    materializer = make(StructuredStringMaterializer)
    value = cls("a,b\n1,2" if cls is CSVString else "<b>hi</b>")
    materializer.save(value)
    loaded = materializer.load(cls)
    assert type(loaded) is cls and loaded == value
    assert materializer.artifact_store.listdir(materializer.uri) == [file_name]
    assert materializer.save_visualizations(value) == {materializer.path(file_name): kind}
    assert StructuredStringMaterializer.ASSOCIATED_ARTIFACT_TYPE == ArtifactType.DATA_ANALYSIS


def test_in_memory_values_never_leave_the_process(make: Callable[..., Any]) -> None:
    materializer = make(InMemoryMaterializer)
    value = object()
    materializer.save(value)
    assert materializer.load(object) is value
    code = (
        "from stackwise.materializers import InMemoryMaterializer as M\n"
        f"M({materializer.uri!r}).load(object)"
    )
    if materializer.artifact_store.is_local:
        other = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=False
        )
        assert other.returncode != 0 and "only ever lived in" in other.stderr
    stranger = make(InMemoryMaterializer, name="never-saved")
    with pytest.raises(MaterializerError, match="another process"):
        stranger.load(object)


def test_type_checks_raise_type_error_naming_the_materializer(make: Callable[..., Any]) -> None:
    materializer = make(BuiltInMaterializer)
    materializer.validate_save_type_compatibility(bool)
    with pytest.raises(TypeError, match="BuiltInMaterializer cannot save list"):
        materializer.validate_save_type_compatibility(list)
    with pytest.raises(TypeError, match="BuiltInMaterializer cannot load dict"):
        materializer.validate_load_type_compatibility(dict)

    @dataclass
    class Point:
        x: int

    assert DataclassMaterializer.can_save_type(Point)
    assert not DataclassMaterializer.can_load_type(int)


def test_items_and_full_metadata(make: Callable[..., Any]) -> None:
    container = make(BuiltInContainerMaterializer)
    container.save([10, 20, 30])
    assert container.get_item_count([10, 20, 30]) == 3
    assert container.load_item(int, 2) == 30
    full = container.extract_full_metadata([10, 20, 30])
    assert full["length"] == 3 and full["storage_size"] > 0
    scalar = make(BuiltInMaterializer)
    scalar.save(1)
    assert scalar.get_item_count(1) is None
    with pytest.raises(NotImplementedError, match="does not support loading items"):
        scalar.load_item(int, 0)


def test_temporary_directories(make: Callable[..., Any]) -> None:
    materializer = make(BuiltInMaterializer)
    with materializer.get_temporary_directory(delete_at_exit=True) as folder:
        assert os.path.isdir(folder)
    assert not os.path.exists(folder)
    with materializer.get_temporary_directory(delete_at_exit=False) as kept:
        pass
    assert os.path.isdir(kept)  # removed when the process exits
