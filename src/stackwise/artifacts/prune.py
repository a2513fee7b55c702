"""Orphaned artifact folders: `<root>/<artifact name>/<version id>/` folders of an artifact store
that no artifact version references.

Outputs are registered only after every output of a step is fully written, so a process that
dies mid-save or mid-upload (killed, out of memory, a lost machine) leaves its folders behind
with nothing pointing at them. They are harmless (nothing loads them) but cost storage;
`stackwise artifact prune --orphans` lists them and `--delete` removes them.

Why a minimum age (default one hour): a step that is still running has written some of its
outputs but registers them only when it finishes, so its folders look exactly like orphans
until then. Folders modified within `min_age` seconds are therefore left alone; the age comes
from the store's own modification times (the newest file in the folder: `os.stat` locally, the
objects' `LastModified`/`mtime` on fsspec stores). A store that reports no times is treated as
young: only `min_age=0` prunes there.

Only this metadata store's versions count as references: two stackwise installations sharing
one bucket root would see each other's artifacts as orphans, so give each its own root.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from stackwise.exceptions import ConfigError

if TYPE_CHECKING:
    from stackwise.artifact_stores.base_artifact_store import BaseArtifactStore
    from stackwise.store.base import Store

DEFAULT_MIN_AGE = 3600.0  # seconds; see the module docstring
_PAGE = 5000
_ID_BATCH = 500


@dataclass(frozen=True)
class OrphanFolder:
    """One unreferenced version folder: its URI, the folder names it is made of, when it was
    last written (epoch seconds, None if the store does not say) and its size in bytes."""

    uri: str
    artifact: str
    version_id: str
    modified: float | None
    size: int | None

    @property
    def modified_at(self) -> datetime | None:
        return (
            None if self.modified is None else datetime.fromtimestamp(self.modified, timezone.utc)
        )


@dataclass(frozen=True)
class OrphanScan:
    """What a scan found: the folders old enough to prune, and those skipped as too young."""

    orphans: list[OrphanFolder] = field(default_factory=list)
    too_young: list[OrphanFolder] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(o.size or 0 for o in self.orphans)


@dataclass
class _Folder:
    artifact: str
    version_id: str
    uri: str
    modified: float | None = None
    size: int | None = None


def find_orphans(
    store: Store,
    artifact_store: BaseArtifactStore,
    *,
    min_age: float = DEFAULT_MIN_AGE,
    now: float | None = None,
) -> OrphanScan:
    """The version folders under `artifact_store`'s root that no version of `store` references.

    Folders are listed before the references are read: a step that registers its outputs
    meanwhile is then seen as referenced, never as an orphan.
    """
    if min_age < 0:
        raise ConfigError(f"min_age must be 0 or more seconds, got {min_age}.")
    folders = list(_version_folders(artifact_store))
    if not folders:
        return OrphanScan()
    ids, pairs = _referenced(store, artifact_store, [f.version_id for f in folders])
    now = time.time() if now is None else now
    scan = OrphanScan()
    for folder in folders:
        if (
            folder.version_id in ids
            or (folder.artifact, folder.version_id) in pairs
            or (folder.artifact, "") in pairs
        ):
            continue
        orphan = OrphanFolder(
            folder.uri, folder.artifact, folder.version_id, folder.modified, folder.size
        )
        old_enough = min_age == 0 or (
            folder.modified is not None and now - folder.modified >= min_age
        )
        (scan.orphans if old_enough else scan.too_young).append(orphan)
    scan.orphans.sort(key=lambda o: o.uri)
    scan.too_young.sort(key=lambda o: o.uri)
    return scan


def delete_orphans(
    store: Store, artifact_store: BaseArtifactStore, orphans: Iterable[OrphanFolder]
) -> list[OrphanFolder]:
    """Remove the folders of `orphans`, checking again just before that no version was
    registered for them since the scan. Returns those removed."""
    orphans = list(orphans)
    registered = set(_existing_version_ids(store, [str(o.version_id) for o in orphans]))
    removed = []
    for orphan in orphans:
        if str(orphan.version_id) in registered:
            continue
        artifact_store.rmtree(orphan.uri)
        removed.append(orphan)
    return removed


# -- references ------------------------------------------------------------------------------
def _referenced(
    store: Store, artifact_store: BaseArtifactStore, folder_ids: list[str]
) -> tuple[set[str], set[tuple[str, str]]]:
    """What versions point at: the ids among `folder_ids` that are versions (folders are named
    after their version), and the (artifact folder, version folder) pairs of every URI under
    the root; ("name", "") stands for a URI naming a whole artifact folder."""
    root = artifact_store.path.rstrip("/")
    pairs: set[tuple[str, str]] = set()
    for record in _all_versions(store):
        uri = record.uri.rstrip("/")
        if uri.startswith(root + "/"):
            parts = uri[len(root) + 1 :].split("/")
            pairs.add((parts[0], parts[1] if len(parts) > 1 else ""))
    # by id as well: paging is no snapshot, and a version may have registered meanwhile
    return set(_existing_version_ids(store, folder_ids)), pairs


def _all_versions(store: Store) -> Iterator[Any]:
    index = 1
    while True:
        page = store.list_artifact_versions(index=index, size=_PAGE)
        yield from page.items
        if index >= page.total_pages:
            return
        index += 1


def _existing_version_ids(store: Store, ids: list[str]) -> Iterator[str]:
    for start in range(0, len(ids), _ID_BATCH):
        yield from store.get_artifact_versions(ids[start : start + _ID_BATCH])


def _is_version_id(name: str) -> bool:
    try:
        uuid.UUID(name)
    except ValueError:
        return False
    return True


# -- listing version folders with their times and sizes --------------------------------------
def _version_folders(artifact_store: BaseArtifactStore) -> Iterator[_Folder]:
    """Every `<root>/<name>/<uuid>/` folder, with its newest modification time and size."""
    if artifact_store.is_local:
        yield from _local_folders(artifact_store.path)
        return
    filesystem = getattr(artifact_store, "filesystem", None)
    if filesystem is not None and hasattr(filesystem, "find"):
        yield from _fsspec_folders(artifact_store, filesystem)
        return
    yield from _generic_folders(artifact_store)


def _local_folders(root: str) -> Iterator[_Folder]:
    if not os.path.isdir(root):
        return
    for artifact in _subdirs(root):
        for version in _subdirs(artifact.path):
            if not _is_version_id(version.name):
                continue
            newest, size = version.stat().st_mtime, 0
            for folder, dirs, files in os.walk(version.path):
                for name in [*dirs, *files]:
                    try:
                        stat = os.stat(os.path.join(folder, name))
                    except FileNotFoundError:  # removed while we looked
                        continue
                    newest = max(newest, stat.st_mtime)
                    if name in files:
                        size += stat.st_size
            yield _Folder(artifact.name, version.name, version.path, newest, size)


def _subdirs(path: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(path) as entries:
            return sorted(
                (e for e in entries if e.is_dir(follow_symlinks=False)), key=lambda e: e.name
            )
    except (FileNotFoundError, NotADirectoryError):
        return []


def _fsspec_folders(artifact_store: BaseArtifactStore, filesystem: Any) -> Iterator[_Folder]:
    """One recursive listing of the root (paged by the store: 1,000 keys a request on S3)."""
    root = artifact_store.path
    root_key = str(filesystem._strip_protocol(root)).rstrip("/")
    try:
        found = filesystem.find(root, detail=True)
    except FileNotFoundError:
        return
    folders: dict[tuple[str, str], _Folder] = {}
    for path, info in found.items():
        parts = str(path).rstrip("/")[len(root_key) + 1 :].split("/")
        if len(parts) < 3 or not _is_version_id(parts[1]):
            continue  # a file at the root or directly in an artifact folder: not ours
        key = (parts[0], parts[1])
        folder = folders.get(key)
        if folder is None:
            folder = folders[key] = _Folder(
                parts[0], parts[1], artifact_store.join(root, parts[0], parts[1]), None, 0
            )
        modified = _info_time(info)
        if modified is not None:
            folder.modified = (
                modified if folder.modified is None else max(folder.modified, modified)
            )
        folder.size = (folder.size or 0) + int(info.get("size") or 0)
    yield from folders.values()


def _info_time(info: dict[str, Any]) -> float | None:
    """An fsspec `info()` entry's modification time, as epoch seconds (the key differs per
    filesystem: S3 `LastModified`, local `mtime`, GCS `updated`, Azure `last_modified`)."""
    for key in ("LastModified", "mtime", "last_modified", "updated", "modified", "created"):
        value = info.get(key)
        if value is None:
            continue
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
        if isinstance(value, datetime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=timezone.utc)
            return value.timestamp()
    return None


def _generic_folders(artifact_store: BaseArtifactStore) -> Iterator[_Folder]:
    """Any other store: through its file API, without modification times."""
    root = artifact_store.path
    if not artifact_store.exists(root):
        return
    for artifact in artifact_store.listdir(root):
        artifact_uri = artifact_store.join(root, artifact)
        if not artifact_store.isdir(artifact_uri):
            continue
        for version in artifact_store.listdir(artifact_uri):
            uri = artifact_store.join(artifact_uri, version)
            if _is_version_id(version) and artifact_store.isdir(uri):
                yield _Folder(artifact, version, uri, None, artifact_store.size(uri))


def parse_age(text: str) -> float:
    """`90`, `90s`, `30m`, `1h`, `2d` -> seconds (a ValueError that says the format)."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    value = text.strip().lower()
    factor = 1
    if value and value[-1] in units:
        factor, value = units[value[-1]], value[:-1]
    try:
        seconds = float(value) * factor
    except ValueError:
        raise ConfigError(
            f"Cannot read the age {text!r}: give a number with an optional unit "
            "s, m, h or d, e.g. 30m, 1h, 0."
        ) from None
    if seconds < 0:
        raise ConfigError(f"The age {text!r} is negative; use 0 to include every folder.")
    return seconds
