"""The local artifact store: a folder on this machine, used through the OS directly."""

from __future__ import annotations

import glob as _glob
import os
import shutil
import uuid
from typing import IO, Any

from pydantic import Field, field_validator

from stackwise.artifact_stores.base_artifact_store import (
    BaseArtifactStore,
    BaseArtifactStoreConfig,
)
from stackwise.exceptions import ArtifactStoreError


class LocalArtifactStoreConfig(BaseArtifactStoreConfig):
    path: str = Field(
        default="", description="Folder for artifacts (default: $STACKWISE_HOME/artifacts)"
    )

    @field_validator("path")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if "://" in value:
            raise ValueError(
                "a local artifact store takes a folder path, not a URI; use the "
                "s3/gcp/azure flavors for object stores"
            )
        return os.path.abspath(os.path.expanduser(value)) if value else value


class LocalArtifactStore(BaseArtifactStore):
    config: LocalArtifactStoreConfig

    @property
    def path(self) -> str:
        if self.config.path:
            return self.config.path
        from stackwise.config.global_config import GlobalConfig

        return str(GlobalConfig().default_artifact_path)

    @property
    def is_local(self) -> bool:
        return True

    def join(self, *parts: str) -> str:
        return os.path.join(*parts)

    def open(self, path: str, mode: str = "r") -> IO[Any]:
        if any(m in mode for m in "wax"):
            os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        return open(path, mode)  # the caller closes it

    def exists(self, path: str) -> bool:
        return os.path.exists(path)

    def isdir(self, path: str) -> bool:
        return os.path.isdir(path)

    def makedirs(self, path: str) -> None:
        os.makedirs(path, exist_ok=True)

    def listdir(self, path: str) -> list[str]:
        return sorted(os.listdir(path))

    def remove(self, path: str) -> None:
        os.remove(path)

    def rmtree(self, path: str) -> None:
        shutil.rmtree(path, ignore_errors=True)

    def copy(self, src: str, dst: str, overwrite: bool = False) -> None:
        if os.path.exists(dst) and not overwrite:
            raise FileExistsError(f"{dst} exists; pass overwrite=True to replace it.")
        os.makedirs(os.path.dirname(dst) or ".", exist_ok=True)
        (shutil.copytree if os.path.isdir(src) else shutil.copyfile)(src, dst)

    def rename(self, src: str, dst: str, overwrite: bool = False) -> None:
        if os.path.exists(dst) and not overwrite:
            raise FileExistsError(f"{dst} exists; pass overwrite=True to replace it.")
        os.replace(src, dst)

    def glob(self, pattern: str) -> list[str]:
        return sorted(_glob.glob(pattern))

    def size(self, path: str) -> int:
        if os.path.isdir(path):
            return sum(
                os.path.getsize(os.path.join(root, f))
                for root, _, files in os.walk(path)
                for f in files
            )
        return os.path.getsize(path)

    def verify(self) -> None:
        """Write, read back and delete a probe file under the store's folder (created if
        missing, as the first artifact would create it)."""
        probe = os.path.join(self.path, f".stackwise-verify-{uuid.uuid4().hex}")
        try:
            self.makedirs(self.path)
            with self.open(probe, "w") as file:
                file.write("stackwise verify")
            with self.open(probe) as file:
                file.read()
            self.remove(probe)
        except OSError as error:
            reason = error.strerror or str(error)
            raise ArtifactStoreError(
                f"Artifact store '{self.name}' cannot write to its folder {self.path}: "
                f"{reason} ({error.filename or probe}). Make the folder writable, or point the "
                f"store at another one: `stackwise artifact-store update {self.name} "
                "--path=FOLDER`."
            ) from error
