"""`pathlib.Path` outputs: the file or folder the path names is copied into the artifact.

A step that returns a Path means "this file is my output", so its contents are stored, not the
name (which would dangle on another machine). Loading gives a local path: on a local store the
stored copy itself (treat it as read-only), on a remote store a download into a fresh temporary
folder that outlives the call. A pure path (`PurePosixPath`, no file system behind it) is stored
as its text.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path, PurePath
from typing import Any, ClassVar

from stackwise.enums import ArtifactType
from stackwise.exceptions import MaterializerError
from stackwise.materializers.base_materializer import BaseMaterializer

MANIFEST_FILE = "manifest.json"
CONTENT_DIR = "files"
HASH_LIMIT_BYTES = 16 * 1024 * 1024


def _files(root: Path) -> list[Path]:
    """Every file under `root` (or `root` itself), in a stable order."""
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*") if p.is_file())


class PathMaterializer(BaseMaterializer):
    """A file or a directory, copied under `files/<original name>`, plus `manifest.json`."""

    ASSOCIATED_TYPES: ClassVar[tuple[type, ...]] = (Path, PurePath)
    ASSOCIATED_ARTIFACT_TYPE: ClassVar[ArtifactType] = ArtifactType.DATA
    SKIP_REGISTRATION: ClassVar[bool] = True
    USES_ARTIFACT_STORE_IO: ClassVar[bool] = True  # all I/O through the store

    def save(self, data: PurePath) -> None:
        if not isinstance(data, Path):
            with self.open(MANIFEST_FILE, "w") as f:
                json.dump({"kind": "pure", "path": str(data)}, f)
            return
        if data.is_file():
            kind = "file"
        elif data.is_dir():
            kind = "dir"
        else:
            raise MaterializerError(
                f"The Path output {str(data)!r} names no file or folder here. A Path output is "
                f"saved by copying what it names; return str(path) to save only the text."
            )
        name = data.name or "root"
        with self.local_staging() as folder:
            target = os.path.join(folder, CONTENT_DIR, name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            if kind == "file":
                shutil.copyfile(data, target)
            else:
                shutil.copytree(data, target)
            with open(os.path.join(folder, MANIFEST_FILE), "w") as f:
                json.dump({"kind": kind, "name": name, "original": str(data)}, f)

    def load(self, data_type: type[Any]) -> PurePath:
        with self.open(MANIFEST_FILE, "r") as f:
            manifest = json.load(f)
        if manifest["kind"] == "pure":
            cls = (
                data_type
                if isinstance(data_type, type) and issubclass(data_type, PurePath)
                else PurePath
            )
            return cls(manifest["path"])
        name = manifest["name"]
        if self.artifact_store.is_local:
            return Path(self.artifact_store.join(self.uri, CONTENT_DIR, name))
        keep = tempfile.mkdtemp(prefix="stackwise-path-")  # outlives this call on purpose
        with self.local_copy() as folder:
            source = os.path.join(folder, CONTENT_DIR, name)
            target = os.path.join(keep, name)
            if manifest["kind"] == "file":
                shutil.copyfile(source, target)
            else:
                shutil.copytree(source, target)
        return Path(target)

    def extract_metadata(self, data: PurePath) -> dict[str, Any]:
        if not isinstance(data, Path) or not data.exists():
            return {"path": str(data)}
        files = _files(data)
        return {
            "path": str(data),
            "is_dir": data.is_dir(),
            "files": len(files),
            "size": sum(p.stat().st_size for p in files),
        }

    def compute_content_hash(self, data: PurePath) -> str | None:
        """sha256 of relative names and contents, up to 16 MiB; a pure path hashes its text."""
        digest = hashlib.sha256()
        if not isinstance(data, Path):
            digest.update(f"pure\0{data}".encode())
            return digest.hexdigest()
        if not data.exists():
            return None
        files = _files(data)
        if sum(p.stat().st_size for p in files) > HASH_LIMIT_BYTES:
            return None
        digest.update(b"dir\0" if data.is_dir() else b"file\0")
        for file in files:
            relative = file.relative_to(data).as_posix() if data.is_dir() else data.name
            digest.update(f"{relative}\0".encode())
            with open(file, "rb") as f:
                digest.update(hashlib.sha256(f.read()).digest())
        return digest.hexdigest()
