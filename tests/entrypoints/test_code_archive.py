"""The code archive a remote run uploads: the same files give the same bytes (so the same
object in the artifact store, uploaded once), ignore rules as Docker reads them, a size limit
that says what to leave out, and the round trip through a real artifact store."""

from __future__ import annotations

import os
import sys
import tarfile
import time
from io import BytesIO
from pathlib import Path

import pytest

from stackwise.artifact_stores.local_artifact_store import (
    LocalArtifactStore,
    LocalArtifactStoreConfig,
)
from stackwise.exceptions import ConfigError
from stackwise.execution.code_archive import (
    MAX_MB_VARIABLE,
    archive_code,
    code_root,
    extract_code,
    ignore_patterns,
    is_installed,
    relative_sources,
    upload_code,
)
from stackwise.utils.source import load_source


def names(data: bytes) -> list[str]:
    with tarfile.open(fileobj=BytesIO(data), mode="r:gz") as tar:
        return tar.getnames()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "steps.py").write_text("def answer():\n    return 42\n")
    (root / "run.py").write_text("def hello():\n    return 'hi'\n")
    (root / "data").mkdir()
    (root / "data" / "big.parquet").write_bytes(b"x" * 1000)
    (root / "__pycache__").mkdir()
    (root / "__pycache__" / "run.cpython-311.pyc").write_bytes(b"\0")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref")
    return root


def artifact_store(path: Path) -> LocalArtifactStore:
    return LocalArtifactStore(
        id="store", name="store", flavor="local", config=LocalArtifactStoreConfig(path=str(path))
    )


def test_the_same_files_make_the_same_bytes_whatever_their_times(project: Path) -> None:
    first = archive_code(project, ignore_patterns(project))
    os.utime(project / "run.py", (time.time() + 100, time.time() + 100))
    assert archive_code(project, ignore_patterns(project)) == first
    assert names(first) == ["data/big.parquet", "pkg/__init__.py", "pkg/steps.py", "run.py"]
    (project / "run.py").write_text("print('changed')\n")
    assert archive_code(project, ignore_patterns(project)) != first


def test_ignore_rules_come_from_dockerignore_else_gitignore_and_the_settings(
    project: Path, tmp_path: Path
) -> None:
    (project / ".gitignore").write_text("data/\n")
    assert "data/big.parquet" not in names(archive_code(project, ignore_patterns(project)))

    (project / ".dockerignore").write_text("# comment\n*.py\n!pkg/steps.py\n")
    kept = names(archive_code(project, ignore_patterns(project)))
    assert kept == [".dockerignore", ".gitignore", "data/big.parquet", "pkg/steps.py"]

    extra = tmp_path / "more.ignore"
    extra.write_text("data\n")
    kept = names(archive_code(project, ignore_patterns(project, str(extra))))
    assert "data/big.parquet" not in kept
    with pytest.raises(ConfigError, match="dockerignore='nowhere.ignore'.*names no file"):
        ignore_patterns(project, "nowhere.ignore")


def test_an_archive_over_the_limit_is_refused_naming_the_largest_files(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MAX_MB_VARIABLE, "0.0005")  # 524 bytes
    with pytest.raises(ConfigError) as raised:
        archive_code(project, ignore_patterns(project))
    message = str(raised.value)
    assert "data/big.parquet (0.0 MB)" in message
    assert str(project / ".dockerignore") in message and MAX_MB_VARIABLE in message


def test_uploads_are_content_addressed_and_an_unchanged_archive_is_not_uploaded_again(
    project: Path, tmp_path: Path
) -> None:
    store = artifact_store(tmp_path / "artifacts")
    data = archive_code(project, ignore_patterns(project))
    uri = upload_code(data, store)
    assert uri.endswith(".tar.gz") and "/code_uploads/" in uri
    Path(uri).chmod(0o400)  # another write would have to replace it
    before = Path(uri).stat().st_mtime_ns
    assert upload_code(data, store) == uri
    assert Path(uri).stat().st_mtime_ns == before
    assert len(list(Path(uri).parent.iterdir())) == 1


def test_the_archive_round_trip_puts_the_code_on_sys_path(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "path", list(sys.path))
    store = artifact_store(tmp_path / "artifacts")
    uri = upload_code(archive_code(project, ignore_patterns(project)), store)
    folder = extract_code(uri, store)
    assert sys.path[0] == str(folder)
    assert (folder / "pkg" / "steps.py").read_text() == (project / "pkg" / "steps.py").read_text()
    assert load_source("run.py:hello")() == "hi"  # a script's relative source, on sys.path
    monkeypatch.delitem(sys.modules, "pkg", raising=False)
    monkeypatch.delitem(sys.modules, "pkg.steps", raising=False)
    assert load_source("pkg.steps:answer")() == 42


def test_the_code_root_is_where_the_pipeline_module_is_imported_from(project: Path) -> None:
    assert code_root(f"{project / 'run.py'}:my_pipeline") == project
    assert (
        code_root("stackwise.pipelines.pipeline:pipeline")
        == Path(sys.modules["stackwise"].__file__).parents[1]
    )  # type: ignore[arg-type]
    assert code_root("stackwise:pipeline") == Path(sys.modules["stackwise"].__file__).parents[1]  # type: ignore[arg-type]


def test_script_sources_become_relative_to_the_code_root(project: Path) -> None:
    spec = {
        "steps": {
            "a": {"source": f"{project / 'run.py'}:a", "on_failure": "pkg.hooks:alert"},
            "b": {"source": f"{project / 'sub' / 'x.py'}:b", "outputs": [{"data_type": "int"}]},
        },
        "other": ["/elsewhere/run.py:c"],
    }
    assert relative_sources(spec, project) == {
        "steps": {
            "a": {"source": "run.py:a", "on_failure": "pkg.hooks:alert"},
            "b": {"source": "sub/x.py:b", "outputs": [{"data_type": "int"}]},
        },
        "other": ["/elsewhere/run.py:c"],
    }


def test_an_installed_package_is_not_code_to_upload(project: Path) -> None:
    import sysconfig

    assert is_installed(Path(sysconfig.get_paths()["purelib"]))
    assert not is_installed(project)
