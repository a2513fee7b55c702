"""Staging: running a path-based materializer against a remote artifact store.

A materializer that does not declare `USES_ARTIFACT_STORE_IO` treats `self.uri` as a
local folder (`os.makedirs(self.uri)`, `model.save_model(path)`). On a local store that is what
it is. On a remote store (`is_local` False) such a materializer runs against a local stand-in:

* save: `self.uri` is a fresh temporary folder and `self.artifact_store` a local store rooted
  there; once `save()` (and metadata extraction) succeeded the folder is uploaded to the real
  URI, then removed. A failure uploads nothing; a failed upload removes what it wrote.
* load: the artifact's folder is downloaded to a temporary folder, `load()` reads it there, and
  the folder is removed when `load()` returns: loaders read eagerly (a model, a DataFrame, a
  JSON file are in memory by then). A materializer whose result keeps reading its files
  (`LOADS_LAZILY`) keeps the download until that result is garbage-collected (or the process
  exits, for results that cannot be weakly referenced).

Limits: staging needs local disk for the whole artifact, costs one extra local write and read,
and a process killed mid-save leaves its temporary folder behind (in the system temp dir) and,
mid-upload, a partial folder in the store that no version references (`stackwise artifact
prune --orphans` finds those).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from stackwise.materializers.base_materializer import BaseMaterializer

if TYPE_CHECKING:
    from stackwise.artifact_stores.base_artifact_store import BaseArtifactStore


def needs_staging(
    materializer_class: type[BaseMaterializer], artifact_store: BaseArtifactStore
) -> bool:
    """True when the materializer uses local paths and the store is not a local folder."""
    return not artifact_store.is_local and not materializer_class.USES_ARTIFACT_STORE_IO


def _local_store(folder: str, real: BaseArtifactStore) -> BaseArtifactStore:
    """A local store rooted at `folder`, standing in for `real` while staging."""
    from stackwise.artifact_stores.local_artifact_store import (
        LocalArtifactStore,
        LocalArtifactStoreConfig,
    )

    return LocalArtifactStore(
        id=real.id, name=real.name, flavor="local", config=LocalArtifactStoreConfig(path=folder)
    )


@contextmanager
def materializer_for_save(
    materializer_class: type[BaseMaterializer], uri: str, artifact_store: BaseArtifactStore
) -> Iterator[BaseMaterializer]:
    """A materializer to save into `uri`. Staged (see the module docstring) when needed: the
    local folder is uploaded when the block succeeds, and nothing is uploaded when it fails."""
    if not needs_staging(materializer_class, artifact_store):
        yield materializer_class(uri, artifact_store=artifact_store)
        return
    with artifact_store.local_staging(uri) as folder:
        yield materializer_class(folder, artifact_store=_local_store(folder, artifact_store))


def load_with(
    materializer_class: type[BaseMaterializer],
    uri: str,
    artifact_store: BaseArtifactStore,
    data_type: type[Any],
    expected_content_hash: str | None = None,
) -> Any:
    """`materializer_class(uri).load(data_type)`, through a local download when needed.
    `expected_content_hash` (the hash recorded at save time) is set on the materializer."""

    def build(folder: str, store: BaseArtifactStore) -> BaseMaterializer:
        instance = materializer_class(folder, artifact_store=store)
        instance.expected_content_hash = expected_content_hash
        return instance

    if not needs_staging(materializer_class, artifact_store):
        return build(uri, artifact_store).load(data_type)
    if materializer_class.LOADS_LAZILY:
        folder = _download_kept(uri, artifact_store)
        try:
            value = build(folder, _local_store(folder, artifact_store)).load(data_type)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        _remove_when_collected(value, folder)
        return value
    with artifact_store.local_copy(uri) as folder:
        return build(folder, _local_store(folder, artifact_store)).load(data_type)


def _download_kept(uri: str, artifact_store: BaseArtifactStore) -> str:
    """A local download of `uri` that outlives this call (the caller removes it)."""
    kept = tempfile.mkdtemp(prefix="stackwise-loaded-")
    try:
        with artifact_store.local_copy(uri) as folder:
            for name in os.listdir(folder):
                shutil.move(os.path.join(folder, name), os.path.join(kept, name))
    except BaseException:
        shutil.rmtree(kept, ignore_errors=True)
        raise
    return kept


def _remove_when_collected(value: Any, folder: str) -> None:
    try:
        weakref.finalize(value, shutil.rmtree, folder, True)
    except TypeError:  # ints, tuples, dicts cannot be weakly referenced: keep until exit
        atexit.register(shutil.rmtree, folder, True)
