"""Fixtures for the materializer tests: a local store, and an in-memory store whose URIs are
not file paths, so any materializer that touches `self.uri` with `open()`/`os` instead of going
through the artifact store fails there."""

from __future__ import annotations

import fnmatch
import io
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pytest

from stackwise.artifact_stores.base_artifact_store import (
    BaseArtifactStore,
    BaseArtifactStoreConfig,
)
from stackwise.artifact_stores.local_artifact_store import (
    LocalArtifactStore,
    LocalArtifactStoreConfig,
)
from stackwise.materializers.base_materializer import BaseMaterializer


class _Upload(io.BytesIO):
    """A write buffer that lands in the memory store when closed."""

    def __init__(self, commit: Callable[[bytes], None]) -> None:
        super().__init__()
        self._commit = commit

    def close(self) -> None:
        if not self.closed:
            self._commit(self.getvalue())
        super().close()


class MemoryArtifactStore(BaseArtifactStore):
    """A remote-like store: `mem://` URIs, bytes in a dict, `is_local` False."""

    def __init__(self) -> None:
        super().__init__(
            id="m", name="mem", flavor="memory", config=BaseArtifactStoreConfig(path="mem://root")
        )
        self.files: dict[str, bytes] = {}
        self.dirs: set[str] = set()

    def _key(self, path: str) -> str:
        assert path.startswith("mem://"), f"not a store URI: {path}"
        return path.rstrip("/")

    def open(self, path: str, mode: str = "r") -> IO[Any]:
        key = self._key(path)
        if any(m in mode for m in "wax"):
            self.makedirs(key.rsplit("/", 1)[0])

            def commit(data: bytes) -> None:
                self.files[key] = data

            upload = _Upload(commit)
            return upload if "b" in mode else io.TextIOWrapper(upload, encoding="utf-8")
        if key not in self.files:
            raise FileNotFoundError(key)
        data = io.BytesIO(self.files[key])
        return data if "b" in mode else io.TextIOWrapper(data, encoding="utf-8")

    def exists(self, path: str) -> bool:
        return self._key(path) in self.files or self.isdir(path)

    def isdir(self, path: str) -> bool:
        key = self._key(path)
        return key in self.dirs or any(k.startswith(key + "/") for k in self.files)

    def makedirs(self, path: str) -> None:
        key = self._key(path)
        while key != "mem:/" and key not in self.dirs:
            self.dirs.add(key)
            key = key.rsplit("/", 1)[0]

    def listdir(self, path: str) -> list[str]:
        prefix = self._key(path) + "/"
        names = {
            k[len(prefix) :].split("/", 1)[0]
            for k in [*self.files, *self.dirs]
            if k.startswith(prefix)
        }
        return sorted(names)

    def remove(self, path: str) -> None:
        del self.files[self._key(path)]

    def rmtree(self, path: str) -> None:
        prefix = self._key(path)
        for key in [k for k in self.files if k == prefix or k.startswith(prefix + "/")]:
            del self.files[key]
        self.dirs = {d for d in self.dirs if not (d == prefix or d.startswith(prefix + "/"))}

    def copy(self, src: str, dst: str, overwrite: bool = False) -> None:
        if self.exists(dst) and not overwrite:
            raise FileExistsError(dst)
        self.files[self._key(dst)] = self.files[self._key(src)]

    def rename(self, src: str, dst: str, overwrite: bool = False) -> None:
        self.copy(src, dst, overwrite)
        self.remove(src)

    def glob(self, pattern: str) -> list[str]:
        return sorted(k for k in self.files if fnmatch.fnmatch(k, pattern))

    def size(self, path: str) -> int:
        key = self._key(path)
        if key in self.files:
            return len(self.files[key])
        return sum(len(v) for k, v in self.files.items() if k.startswith(key + "/"))


@pytest.fixture
def local_store(tmp_path: Path) -> LocalArtifactStore:
    return LocalArtifactStore(
        id="x",
        name="t",
        flavor="local",
        config=LocalArtifactStoreConfig(path=str(tmp_path / "store")),
    )


@pytest.fixture(params=["local", "memory"])
def store(request: pytest.FixtureRequest, local_store: LocalArtifactStore) -> BaseArtifactStore:
    """Each round-trip test runs on a local folder and on a non-file-system store."""
    return local_store if request.param == "local" else MemoryArtifactStore()


@pytest.fixture
def make(store: BaseArtifactStore) -> Callable[..., BaseMaterializer]:
    """make(MaterializerClass, name="a") -> an instance writing to a fresh folder of `store`."""
    counter = iter(range(10_000))

    def _make(cls: type[BaseMaterializer], name: str | None = None) -> BaseMaterializer:
        folder = name or f"a{next(counter)}"
        return cls(uri=store.join(store.path, folder), artifact_store=store)

    return _make


@pytest.fixture
def roundtrip(make: Callable[..., BaseMaterializer]) -> Callable[..., Any]:
    """roundtrip(value, cls=None) -> the value saved and loaded by `cls` (default: registry)."""
    from stackwise.materializers.materializer_registry import materializer_registry

    def _roundtrip(
        value: Any, cls: type[BaseMaterializer] | None = None, data_type: type[Any] | None = None
    ) -> Any:
        materializer = make(cls or materializer_registry.get(type(value)))
        materializer.save(value)
        return materializer.load(data_type or type(value))

    return _roundtrip
