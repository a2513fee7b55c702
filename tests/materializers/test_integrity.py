"""Artifact checksums on real files: what a save records, what a load checks, and what a load
that fails says — the artifact, its version, URI and materializer, what to do — for JSON,
Parquet and .npy files corrupted on disk; a corrupted version is marked, an intact one that a
reader cannot read is not."""

from __future__ import annotations

import json
import os
import zlib
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from sqlalchemy import update
from tests.materializers.conftest import MemoryArtifactStore

from stackwise import load_artifact, save_artifact
from stackwise.client import Client
from stackwise.exceptions import ArtifactCorruptedError, ArtifactLoadError, MaterializerError
from stackwise.materializers import integrity
from stackwise.materializers.artifact_saving import save_data
from stackwise.materializers.base_materializer import BaseMaterializer
from stackwise.materializers.integrity import Level, Status, check_files, record_checksum
from stackwise.models.artifact_version import ArtifactVersionResponse
from stackwise.store import get_store
from stackwise.store.records import ArtifactVersionRecord, NewArtifactVersion
from stackwise.store.sql import schema

BUILT_IN = "stackwise.materializers.built_in_materializer:BuiltInContainerMaterializer"
PANDAS = "stackwise.materializers.pandas_materializer:PandasMaterializer"
NUMPY = "stackwise.materializers.numpy_materializer:NumpyMaterializer"


def overwrite(path: str, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)


def same_size_garbage(path: str) -> None:
    """Overwrite the file with as many bytes of something else."""
    size = os.path.getsize(path)
    overwrite(path, (b"#garbage#" * (size // 9 + 1))[:size])


def forget_checksum(version: ArtifactVersionResponse) -> None:
    """Make the version look like one saved before checksums were recorded."""
    with get_store().engine.begin() as conn:
        conn.execute(
            update(schema.artifact_versions)
            .where(schema.artifact_versions.c.id == str(version.id))
            .values(checksum=None)
        )


def marked(version: ArtifactVersionResponse) -> dict[str, Any] | None:
    return Client().get_artifact_version(str(version.id)).corrupted


def assert_names_the_version(
    message: str, version: ArtifactVersionResponse, materializer: str
) -> None:
    assert f"'{version.name}' version {version.version}" in message
    assert version.uri in message
    assert materializer in message
    assert f"stackwise artifact verify {version.name}" in message


# -- what a save records ---------------------------------------------------------------------
def test_a_saved_version_records_the_size_and_crc32_of_every_file() -> None:
    version = save_artifact(pd.DataFrame({"a": [1, 2, 3]}), "frame")

    files = version.checksum["files"]
    assert set(files) == {"data.parquet", "metadata.json", "describe.csv", "sample.csv"}
    for name, entry in files.items():
        data = Path(version.uri, name).read_bytes()
        assert entry == {"size": len(data), "crc32": f"{zlib.crc32(data):08x}"}


def test_files_over_1_mib_get_a_sampled_crc_and_over_16_mib_only_that(tmp_path: Path) -> None:
    for name, size in (
        ("small", 1024),
        ("medium", 2 * 1024 * 1024),
        ("large", integrity.FULL_LIMIT + 1),
    ):
        (tmp_path / name).write_bytes(os.urandom(size))
    entries = {n: integrity._entry(str(tmp_path / n)) for n in ("small", "medium", "large")}

    assert set(entries["small"]) == {"size", "crc32"}
    assert set(entries["medium"]) == {"size", "crc32", "sample"}
    assert set(entries["large"]) == {"size", "sample"}


def test_a_nested_layout_records_relative_paths() -> None:
    version = save_artifact([pd.DataFrame({"a": [1]}), np.arange(3)], "mixed")

    assert "metadata.json" in version.checksum["files"]
    assert "element_0/data.parquet" in version.checksum["files"]
    assert "element_1/data.npy" in version.checksum["files"]
    assert load_artifact("mixed")[1].tolist() == [0, 1, 2]


def test_a_remote_store_records_sizes_from_its_listing() -> None:
    store = MemoryArtifactStore()
    new = save_data(
        {"a": [1, 2]},
        version_id="v1",
        name="remote",
        uri=store.join(store.path, "remote", "v1"),
        artifact_store=store,
        save_type="manual",
    )

    size = len(store.files["mem://root/remote/v1/data.json"])
    assert new.checksum == {"files": {"data.json": {"size": size}}}
    record = _record(new)
    assert check_files(record, store).status is Status.OK
    store.files["mem://root/remote/v1/data.json"] += b" "
    check = check_files(record, store)
    assert check.status is Status.CORRUPTED
    assert check.problems == (f"data.json is {size + 1} bytes; {size} were saved",)
    store.rmtree("mem://root/remote/v1")
    assert check_files(record, store).status is Status.MISSING


def test_check_levels_read_what_they_promise() -> None:
    """SIZES reads no data; LOAD reads the sample of a file over 1 MiB; FULL every byte of a
    file up to 16 MiB."""
    version = save_artifact(np.zeros(512 * 1024), "array")  # 4 MiB of .npy
    record = version.record
    path = os.path.join(version.uri, "data.npy")
    size = os.path.getsize(path)
    block = integrity.SAMPLE_BLOCK
    starts = [
        i * (size - block) // (integrity.SAMPLE_BLOCKS - 1) for i in range(integrity.SAMPLE_BLOCKS)
    ]
    unsampled = starts[1] + block + 1  # the blocks of a 4 MiB file lie ~64 KiB apart
    assert not any(s <= unsampled < s + block for s in starts)
    with open(path, "r+b") as handle:
        handle.seek(unsampled)
        handle.write(b"\x01")

    assert check_files(record, integrity_store(), Level.SIZES).status is Status.OK
    assert check_files(record, integrity_store(), Level.LOAD).status is Status.OK
    full = check_files(record, integrity_store(), Level.FULL)
    assert full.status is Status.CORRUPTED
    assert full.problems[0].startswith("data.npy has other content than was saved (CRC-32 ")


def integrity_store() -> Any:
    return Client().active_stack.artifact_store


# -- loads of corrupted files ----------------------------------------------------------------
def test_a_json_file_of_another_size_is_reported_before_any_parsing() -> None:
    version = save_artifact({"a": [1, 2, 3]}, "config")
    size = os.path.getsize(os.path.join(version.uri, "data.json"))
    overwrite(os.path.join(version.uri, "data.json"), b"{")

    with pytest.raises(ArtifactCorruptedError) as raised:
        load_artifact("config")

    message = str(raised.value)
    assert_names_the_version(message, version, BUILT_IN)
    assert f"data.json is 1 bytes; {size} were saved" in message
    assert "It is now marked corrupted" in message
    assert "It was saved outside a step, so save it again" in message
    assert f"stackwise artifact version delete {version.id} --delete-data" in message
    error = raised.value
    assert (error.artifact, error.version, error.uri) == ("config", "1", version.uri)
    assert "data.json is 1 bytes" in marked(version)["reason"]


def test_a_parquet_file_overwritten_with_as_many_bytes_is_found_by_its_crc() -> None:
    version = save_artifact(pd.DataFrame({"x": range(100)}), "frame")
    same_size_garbage(os.path.join(version.uri, "data.parquet"))

    with pytest.raises(ArtifactCorruptedError) as raised:
        Client().get_artifact_version("frame").load()

    message = str(raised.value)
    assert_names_the_version(message, version, PANDAS)
    assert "data.parquet has other content than was saved (CRC-32 " in message
    assert marked(version) is not None


def test_a_numpy_header_overwritten_in_a_large_file_is_found_by_the_sampled_crc() -> None:
    version = save_artifact(np.arange(2**19, dtype=np.float64), "big")  # 4 MiB: sampled
    with open(os.path.join(version.uri, "data.npy"), "r+b") as handle:
        handle.write(b"\x00" * 64)

    with pytest.raises(ArtifactCorruptedError) as raised:
        load_artifact("big")

    message = str(raised.value)
    assert_names_the_version(message, version, NUMPY)
    assert "data.npy has other content than was saved (CRC-32 of its sampled blocks" in message


def test_a_missing_file_in_the_folder_is_named() -> None:
    version = save_artifact(np.arange(3), "arr")
    os.remove(os.path.join(version.uri, "data.npy"))

    with pytest.raises(ArtifactCorruptedError, match="data.npy is missing"):
        load_artifact("arr")


def test_restored_files_load_again_though_the_version_stays_marked() -> None:
    version = save_artifact([1, 2, 3], "restored")
    path = os.path.join(version.uri, "data.json")
    original = Path(path).read_bytes()
    overwrite(path, b"[]")
    with pytest.raises(ArtifactCorruptedError):
        load_artifact("restored")

    overwrite(path, original)

    assert load_artifact("restored") == [1, 2, 3]
    assert marked(version) is not None  # caching still keeps away from it


# -- versions without a checksum: the reader's own error, named and chained -----------------
def test_an_unchecked_json_file_chains_the_json_error_and_is_marked() -> None:
    version = save_artifact({"a": 1}, "legacy")
    forget_checksum(version)
    overwrite(os.path.join(version.uri, "data.json"), b"not json at all")

    with pytest.raises(ArtifactCorruptedError) as raised:
        load_artifact("legacy")

    message = str(raised.value)
    assert_names_the_version(message, version, BUILT_IN)
    assert "JSONDecodeError: Expecting value" in message
    assert (
        "No checksum was recorded for it, so stackwise treats it as corrupted and "
        "marked it." in message
    )
    assert isinstance(raised.value.__cause__, json.JSONDecodeError)
    assert marked(version)["reason"].startswith("loading failed: JSONDecodeError")


def test_an_unchecked_parquet_file_chains_the_arrow_error() -> None:
    version = save_artifact(pd.DataFrame({"x": [1.0, 2.0]}), "legacy_frame")
    forget_checksum(version)
    same_size_garbage(os.path.join(version.uri, "data.parquet"))

    with pytest.raises(ArtifactCorruptedError) as raised:
        load_artifact("legacy_frame")

    assert_names_the_version(str(raised.value), version, PANDAS)
    assert "ArrowInvalid" in str(raised.value)
    assert isinstance(raised.value.__cause__, pa.ArrowInvalid)


def test_an_unchecked_numpy_file_chains_numpys_error() -> None:
    version = save_artifact(np.arange(10), "legacy_array")
    forget_checksum(version)
    overwrite(os.path.join(version.uri, "data.npy"), b"\x93NUMPY garbage")

    with pytest.raises(ArtifactCorruptedError) as raised:
        load_artifact("legacy_array")

    assert_names_the_version(str(raised.value), version, NUMPY)
    assert raised.value.__cause__ is not None


# -- intact files a reader cannot read: named, not marked -----------------------------------
class Unreadable:
    pass


class UnreadableMaterializer(BaseMaterializer):
    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (Unreadable,)
    USES_ARTIFACT_STORE_IO: ClassVar[bool] = True

    def save(self, data: Unreadable) -> None:
        with self.open("data.txt", "w") as handle:
            handle.write("format 2")

    def load(self, data_type: type[Any]) -> Unreadable:
        raise ValueError("this reader only knows format 1")


def test_intact_files_a_reader_cannot_read_are_not_marked_corrupted() -> None:
    version = save_artifact(Unreadable(), "unreadable", materializer=UnreadableMaterializer)

    with pytest.raises(ArtifactLoadError) as raised:
        load_artifact("unreadable")

    error = raised.value
    assert not isinstance(error, ArtifactCorruptedError)
    message = str(error)
    assert "ValueError: this reader only knows format 1" in message
    assert "Its files are intact" in message and "UnreadableMaterializer" in message
    assert version.uri in message
    assert isinstance(error.__cause__, ValueError)
    assert isinstance(error, MaterializerError)
    assert marked(version) is None


def _record(new: NewArtifactVersion) -> ArtifactVersionRecord:
    from datetime import datetime

    return ArtifactVersionRecord(
        id=new.id,
        artifact_id="a",
        name=new.name,
        version="1",
        version_number=1,
        uri=new.uri,
        materializer=new.materializer,
        data_type=new.data_type,
        artifact_type=new.artifact_type,
        content_hash=new.content_hash,
        artifact_store_id=new.artifact_store_id,
        save_type=new.save_type,
        created=datetime.now(),
        producer_step_run_id=None,
        checksum=new.checksum,
    )


def test_record_checksum_of_nothing_is_none(tmp_path: Path) -> None:
    store = integrity_store()
    assert record_checksum(store, str(tmp_path / "absent")) is None


def test_load_errors_keep_their_fields_across_processes() -> None:
    import pickle

    error = ArtifactCorruptedError(
        "broken", artifact="a", version="2", version_id="i", uri="/x", materializer="m:M"
    )
    back = pickle.loads(pickle.dumps(error))
    assert (str(back), back.artifact, back.version, back.uri, back.materializer) == (
        "broken",
        "a",
        "2",
        "/x",
        "m:M",
    )


class Refusing:
    pass


class RefusingMaterializer(BaseMaterializer):
    """Refuses to load with its own, explained error (as InMemoryMaterializer does)."""

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (Refusing,)
    USES_ARTIFACT_STORE_IO: ClassVar[bool] = True

    def save(self, data: Refusing) -> None:
        with self.open("marker", "w") as handle:
            handle.write("here")

    def load(self, data_type: type[Any]) -> Refusing:
        raise MaterializerError("Refusing values load only in the process that saved them.")


def test_a_materializers_own_error_passes_unchanged_and_marks_nothing() -> None:
    version = save_artifact(Refusing(), "refusing", materializer=RefusingMaterializer)

    with pytest.raises(MaterializerError) as raised:
        load_artifact("refusing")

    assert type(raised.value) is MaterializerError
    assert str(raised.value) == "Refusing values load only in the process that saved them."
    assert marked(version) is None
