"""Checksums of an artifact version's files: recorded when it is saved, checked when it is
loaded, when a step's cached outputs are reused and by `stackwise artifact verify`.

What is recorded (`record.checksum`, `{"files": {path: entry}}`, one entry per file under the
version's folder, paths relative to it):

* `size` — always: the exact byte count.
* `crc32` — a CRC-32 (zlib) of the whole file, for files up to 16 MiB (`FULL_LIMIT`).
* `sample` — a CRC-32 of 64 evenly spaced 16 KiB blocks (1 MiB, the first and last blocks
  included), for files over 1 MiB (`SAMPLE_FROM`).

On a remote store only `size` is recorded: a CRC would mean reading every file back over the
network after writing it; the sizes come from one listing.

What each check costs and reads (`Level`):

* `SIZES` — a cache hit: one `stat` per file (local) or one listing (remote), no data read.
  A cached step's budget is 1 ms, and its outputs are loaded later anyway.
* `LOAD` — before every load from a local store: the sizes, then `crc32` for files up to
  1 MiB and `sample` above, so a check costs at most ~1 MiB of reading per file (a fraction of
  a millisecond) whatever the artifact's size: the 100 MB DataFrame hand-over keeps its
  1.3x-of-raw-Parquet budget. A few flipped bytes in the middle of a large file can pass it;
  a file overwritten, truncated or replaced does not.
* `FULL` — `stackwise artifact verify` and the diagnosis of a load that failed: `crc32`
  where recorded, else `sample`.

A check is *conclusive* when every file was compared by its full `crc32`: the files are then
known to be exactly what was saved, and a load that still fails is not corruption.
"""

from __future__ import annotations

import enum
import logging
import os
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

    from stackwise.artifact_stores.base_artifact_store import BaseArtifactStore
    from stackwise.store.base import Store
    from stackwise.store.records import ArtifactVersionRecord

logger = logging.getLogger(__name__)

FULL_LIMIT = 16 * 1024 * 1024  # files up to this size get a CRC-32 of every byte
SAMPLE_BLOCK = 16 * 1024
SAMPLE_BLOCKS = 64
SAMPLE_FROM = SAMPLE_BLOCK * SAMPLE_BLOCKS  # files over this size get a sampled CRC-32
_CHUNK = 1024 * 1024


class Level(enum.Enum):
    SIZES = "sizes"
    LOAD = "load"
    FULL = "full"


class Status(str, enum.Enum):
    OK = "ok"  # the files match what was recorded
    CORRUPTED = "corrupted"  # a file differs, is missing, or the version is marked corrupted
    MISSING = "missing"  # nothing at the version's URI
    UNVERIFIED = "unverified"  # present, but no checksum was recorded (older or registered)

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Check:
    """The outcome of checking one version's files: a status, one line per problem, and
    whether every file was compared byte for byte (its full CRC-32)."""

    status: Status
    problems: tuple[str, ...] = ()
    conclusive: bool = False


# -- recording -------------------------------------------------------------------------------
def record_checksum(artifact_store: BaseArtifactStore, uri: str) -> dict[str, Any] | None:
    """The checksum of the files under `uri` as just saved (None: nothing there)."""
    if artifact_store.is_local:
        files = {relative: _entry(path) for relative, path in _local_files(uri)}
    else:
        files = {
            relative: {"size": size} for relative, size in artifact_store.file_sizes(uri).items()
        }
    return {"files": files} if files else None


def _entry(path: str) -> dict[str, Any]:
    size = os.stat(path).st_size
    entry: dict[str, Any] = {"size": size}
    if size <= FULL_LIMIT:
        entry["crc32"] = _crc_full(path)
    if size > SAMPLE_FROM:
        entry["sample"] = _crc_sampled(path, size)
    return entry


def _local_files(uri: str, prefix: str = "") -> list[tuple[str, str]]:
    """(relative path, OS path) of every file under the folder `uri` ([] when absent)."""
    if not prefix and os.path.isfile(uri):
        return [("", uri)]
    found: list[tuple[str, str]] = []
    try:
        entries = list(os.scandir(uri))
    except (FileNotFoundError, NotADirectoryError):
        return found
    for entry in entries:
        relative = f"{prefix}{entry.name}"
        if entry.is_dir(follow_symlinks=False):
            found += _local_files(entry.path, f"{relative}/")
        else:
            found.append((relative, entry.path))
    return found


def _crc_full(path: str) -> str:
    crc = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            crc = zlib.crc32(chunk, crc)
    return f"{crc:08x}"


def _crc_sampled(path: str, size: int) -> str:
    crc = 0
    last = size - SAMPLE_BLOCK
    with open(path, "rb", buffering=0) as handle:
        for i in range(SAMPLE_BLOCKS):
            handle.seek(i * last // (SAMPLE_BLOCKS - 1))
            crc = zlib.crc32(handle.read(SAMPLE_BLOCK), crc)
    return f"{crc:08x}"


# -- checking --------------------------------------------------------------------------------
def check_files(
    record: ArtifactVersionRecord,
    artifact_store: BaseArtifactStore,
    level: Level = Level.FULL,
    *,
    respect_mark: bool = True,
) -> Check:
    """Compare a version's files with its recorded checksum, reading as much as `level`
    allows. A version marked corrupted is reported so whatever its files say now (the mark
    is what keeps caching away from it), unless `respect_mark` is False (a load looks at the
    files themselves: restored files load). Raises OSError when the store cannot be read."""
    if respect_mark and record.corrupted is not None:
        return Check(Status.CORRUPTED, (str(record.corrupted.get("reason", "marked")),))
    files: dict[str, dict[str, Any]] = (record.checksum or {}).get("files") or {}
    if not files:
        present = artifact_store.exists(record.uri)
        return Check(Status.UNVERIFIED if present else Status.MISSING)
    if not artifact_store.is_local:
        return _check_sizes(artifact_store.file_sizes(record.uri), files)
    problems: list[str] = []
    conclusive = level is Level.FULL
    for relative, entry in files.items():
        path = os.path.join(record.uri, *relative.split("/")) if relative else record.uri
        name = relative or os.path.basename(record.uri)
        try:
            size = os.stat(path).st_size
        except FileNotFoundError:
            if not os.path.exists(record.uri):  # the whole folder: deleted, not damaged
                return Check(Status.MISSING)
            problems.append(f"{name} is missing")
            continue
        if size != entry.get("size"):
            problems.append(f"{name} is {size:,} bytes; {entry.get('size'):,} were saved")
            continue
        if level is Level.SIZES:
            continue
        key = (
            "sample"
            if "sample" in entry and (level is Level.LOAD or "crc32" not in entry)
            else "crc32"
        )
        conclusive = conclusive and key == "crc32" and "crc32" in entry
        expected = entry.get(key)
        if expected is None:
            continue
        actual = _crc_full(path) if key == "crc32" else _crc_sampled(path, size)
        if actual != expected:
            what = "CRC-32" if key == "crc32" else "CRC-32 of its sampled blocks"
            problems.append(
                f"{name} has other content than was saved ({what} {actual}; "
                f"{expected} was recorded)"
            )
    if problems:
        return Check(Status.CORRUPTED, tuple(problems))
    return Check(Status.OK, conclusive=conclusive)


def unusable_output(
    outputs: Mapping[str, ArtifactVersionRecord], artifact_store: BaseArtifactStore
) -> tuple[str, Check] | None:
    """The first cached output a cache hit cannot use — (output name, its check): marked
    corrupted, deleted, or a file's size differs from what was saved — or None. Reads no
    data (`Level.SIZES`). Raises OSError when the store cannot be read."""
    for name, record in outputs.items():
        check = check_files(record, artifact_store, Level.SIZES)
        if check.status in (Status.CORRUPTED, Status.MISSING):
            return name, check
    return None


def _check_sizes(sizes: dict[str, int], files: dict[str, dict[str, Any]]) -> Check:
    if not sizes:
        return Check(Status.MISSING)
    problems = []
    for relative, entry in files.items():
        size = sizes.get(relative)
        if size is None:
            problems.append(f"{relative or 'the file'} is missing")
        elif size != entry.get("size"):
            problems.append(
                f"{relative or 'the file'} is {size:,} bytes; {entry.get('size'):,} were saved"
            )
    return Check(Status.CORRUPTED, tuple(problems)) if problems else Check(Status.OK)


def mark_corrupted(store: Store, record: ArtifactVersionRecord, reason: str) -> bool:
    """Mark the version corrupted (once); True when the mark is there. A store that cannot
    take the write only costs the mark: the caller's error is what the user must see."""
    if record.corrupted is not None:
        return True
    try:
        store.mark_artifact_version_corrupted(record.id, reason)
    except Exception as error:  # noqa: BLE001 - logged; the corruption is reported anyway
        logger.warning(
            "Could not mark artifact '%s' version %s as corrupted: %s",
            record.name,
            record.version,
            error,
        )
        return False
    return True
