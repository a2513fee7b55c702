"""Which files `stackwise check` reads: the files named, and the `*.py` files under the folders
named, skipping environments and tool folders (checking installed packages would only bury the
user's own findings)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

SKIPPED_DIRS = frozenset({".venv", "venv", ".git", "__pycache__", "site-packages", "node_modules"})


def _is_skipped(directory: Path) -> bool:
    # a virtual environment under any name is marked by its pyvenv.cfg
    return directory.name in SKIPPED_DIRS or (directory / "pyvenv.cfg").is_file()


def python_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The files to check, in a stable order, each once.

    A file named explicitly is checked whatever its suffix; a folder is searched for `*.py`.
    A path that does not exist raises FileNotFoundError.
    """
    seen: set[Path] = set()
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise FileNotFoundError(f"No such file or folder: {path}")
        candidates = _walk(path) if path.is_dir() else iter([path])
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


def _walk(root: Path) -> Iterator[Path]:
    for folder, dirnames, filenames in os.walk(root):
        here = Path(folder)
        dirnames[:] = sorted(d for d in dirnames if not _is_skipped(here / d))
        for name in sorted(filenames):
            if name.endswith(".py"):
                yield here / name
