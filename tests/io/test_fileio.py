"""`stackwise.io.fileio` on local paths and file:// URIs (remote schemes: the artifact store
issue brings their servers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackwise.io import fileio


def test_local_file_operations_round_trip(tmp_path: Path) -> None:
    folder = str(tmp_path / "a" / "b")
    fileio.makedirs(folder)
    with fileio.open(f"{folder}/x.txt", "w") as f:
        f.write("hello")
    assert fileio.exists(f"file://{folder}/x.txt")
    assert fileio.listdir(folder) == ["x.txt"]
    assert fileio.size(folder) == 5
    fileio.copy(f"{folder}/x.txt", f"{folder}/y.txt")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        fileio.copy(f"{folder}/x.txt", f"{folder}/y.txt")
    fileio.rename(f"{folder}/y.txt", f"{folder}/z.txt")
    assert fileio.glob(f"{folder}/*.txt") == [f"{folder}/x.txt", f"{folder}/z.txt"]
    fileio.remove(f"{folder}/z.txt")
    fileio.rmtree(str(tmp_path / "a"))
    assert not fileio.exists(folder)


def test_unknown_scheme_names_the_extra_to_install() -> None:
    with pytest.raises(NotImplementedError, match="stackwise\\[s3\\]"):
        fileio.exists("nosuchscheme://bucket/key")
