"""`open`, `exists`, `makedirs`, `listdir`, ... on local paths and artifact-store URIs alike.

Local paths (and `file://` URIs) use the OS directly; other schemes (`s3://`, `gs://`, `az://`)
go through fsspec, whose backend for the scheme comes with the matching stackwise extra.
"""

from __future__ import annotations

import builtins
import glob as _glob
import os
import shutil
from typing import IO, Any

_LOCAL_PREFIX = "file://"


def _remote(path: str) -> Any:
    """The fsspec filesystem for a URI with a scheme, or None for a local path."""
    if "://" not in path or path.startswith(_LOCAL_PREFIX):
        return None
    scheme = path.split("://", 1)[0]
    try:
        import fsspec

        return fsspec.filesystem(scheme)
    except (ImportError, ValueError) as error:
        raise NotImplementedError(
            f"stackwise.io.fileio cannot reach '{scheme}://' URIs here ({error}). Install the "
            'integration of that store, e.g. pip install "stackwise[s3]".'
        ) from error


def _local(path: str) -> str:
    return path[len(_LOCAL_PREFIX) :] if path.startswith(_LOCAL_PREFIX) else path


def open(path: str, mode: str = "r") -> IO[Any]:  # mirrors ZenML's fileio.open
    fs = _remote(path)
    if fs is not None:
        return fs.open(path, mode)  # type: ignore[no-any-return]
    return builtins.open(_local(path), mode)


def exists(path: str) -> bool:
    fs = _remote(path)
    return bool(fs.exists(path)) if fs is not None else os.path.exists(_local(path))


def isdir(path: str) -> bool:
    fs = _remote(path)
    return bool(fs.isdir(path)) if fs is not None else os.path.isdir(_local(path))


def makedirs(path: str) -> None:
    fs = _remote(path)
    if fs is not None:
        fs.makedirs(path, exist_ok=True)
    else:
        os.makedirs(_local(path), exist_ok=True)


mkdir = makedirs


def listdir(path: str) -> list[str]:
    fs = _remote(path)
    if fs is not None:
        return sorted(os.path.basename(p.rstrip("/")) for p in fs.ls(path, detail=False))
    return sorted(os.listdir(_local(path)))


def remove(path: str) -> None:
    fs = _remote(path)
    if fs is not None:
        fs.rm_file(path)
    else:
        os.remove(_local(path))


def rmtree(path: str) -> None:
    fs = _remote(path)
    if fs is not None:
        fs.rm(path, recursive=True)
    else:
        shutil.rmtree(_local(path))


def copy(src: str, dst: str, overwrite: bool = False) -> None:
    if not overwrite and exists(dst):
        raise FileExistsError(f"{dst} exists; pass overwrite=True to replace it.")
    with open(src, "rb") as source, open(dst, "wb") as target:
        shutil.copyfileobj(source, target)


def rename(src: str, dst: str, overwrite: bool = False) -> None:
    if not overwrite and exists(dst):
        raise FileExistsError(f"{dst} exists; pass overwrite=True to replace it.")
    fs = _remote(src)
    if fs is not None:
        fs.mv(src, dst)
    else:
        os.replace(_local(src), _local(dst))


def glob(pattern: str) -> list[str]:
    fs = _remote(pattern)
    return sorted(fs.glob(pattern)) if fs is not None else sorted(_glob.glob(_local(pattern)))


def size(path: str) -> int:
    fs = _remote(path)
    if fs is not None:
        return int(fs.du(path))
    local = _local(path)
    if os.path.isdir(local):
        return sum(
            os.path.getsize(os.path.join(root, f))
            for root, _, files in os.walk(local)
            for f in files
        )
    return os.path.getsize(local)
