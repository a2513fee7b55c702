"""The artifact store's small file API. Materializers do all their I/O through it, which is what
lets one materializer work on every store (local disk here, object stores through fsspec)."""

from __future__ import annotations

import os
import shutil
import tempfile
from abc import abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any, ClassVar

from stackwise.enums import StackComponentType
from stackwise.stack.stack_component import StackComponent, StackComponentConfig


class BaseArtifactStoreConfig(StackComponentConfig):
    path: str = ""


class BaseArtifactStore(StackComponent):
    TYPE: ClassVar[StackComponentType] = StackComponentType.ARTIFACT_STORE
    config: BaseArtifactStoreConfig

    @property
    def path(self) -> str:
        """The root URI under which every artifact of this store lives."""
        return self.config.path

    @property
    def is_local(self) -> bool:
        return False

    def join(self, *parts: str) -> str:
        return "/".join([parts[0].rstrip("/"), *(p.strip("/") for p in parts[1:])])

    @abstractmethod
    def open(self, path: str, mode: str = "r") -> IO[Any]: ...

    @abstractmethod
    def exists(self, path: str) -> bool: ...

    @abstractmethod
    def isdir(self, path: str) -> bool: ...

    @abstractmethod
    def makedirs(self, path: str) -> None: ...

    @abstractmethod
    def listdir(self, path: str) -> list[str]: ...

    @abstractmethod
    def remove(self, path: str) -> None: ...

    @abstractmethod
    def rmtree(self, path: str) -> None: ...

    @abstractmethod
    def copy(self, src: str, dst: str, overwrite: bool = False) -> None: ...

    @abstractmethod
    def rename(self, src: str, dst: str, overwrite: bool = False) -> None: ...

    @abstractmethod
    def glob(self, pattern: str) -> list[str]: ...

    @abstractmethod
    def size(self, path: str) -> int: ...

    def file_sizes(self, uri: str) -> dict[str, int]:
        """Every file under the folder `uri`: its path relative to `uri` ("/"-separated) ->
        its size in bytes; {} when nothing is there. Stores that can list a whole prefix at
        once override it (one request instead of one per folder and file)."""
        sizes: dict[str, int] = {}
        if not self.exists(uri):
            return sizes
        for name in self.listdir(uri):
            path = self.join(uri, name)
            if self.isdir(path):
                sizes.update({f"{name}/{k}": v for k, v in self.file_sizes(path).items()})
            else:
                sizes[name] = self.size(path)
        return sizes

    def contains(self, uri: str) -> bool:
        """True when `uri` lies under this store's root."""
        root = self.path.rstrip("/") + "/"
        return uri == self.path or uri.startswith(root)

    @contextmanager
    def local_copy(self, uri: str) -> Iterator[str]:
        """A local folder holding the files under `uri`, for libraries that only read paths."""
        if self.is_local:
            yield uri
            return
        with tempfile.TemporaryDirectory(prefix="stackwise-") as tmp:
            self._download(uri, tmp)
            yield tmp

    @contextmanager
    def local_staging(self, uri: str) -> Iterator[str]:
        """A local folder to write into; its files are uploaded to `uri` on success only."""
        if self.is_local:
            os.makedirs(uri, exist_ok=True)
            yield uri
            return
        with tempfile.TemporaryDirectory(prefix="stackwise-") as tmp:
            yield tmp
            self._upload(tmp, uri)

    def _download(self, uri: str, local_dir: str) -> None:
        for name in self.listdir(uri):
            source = self.join(uri, name)
            target = os.path.join(local_dir, name)
            if self.isdir(source):
                os.makedirs(target, exist_ok=True)
                self._download(source, target)
            else:
                with self.open(source, "rb") as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)

    def _upload(self, local_dir: str, uri: str) -> None:
        self.makedirs(uri)
        for name in os.listdir(local_dir):
            source = os.path.join(local_dir, name)
            target = self.join(uri, name)
            if os.path.isdir(source):
                self._upload(source, target)
            else:
                with open(source, "rb") as src, self.open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
