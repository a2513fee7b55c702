"""Progress of long artifact transfers and of `artifact prune`: an upload or download above
STACKWISE_PROGRESS_MIN_BYTES reports its bytes (to a run's view, or as a bar on a terminal);
a small one shows nothing. Transfers go against a real S3 peer (moto)."""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from tests.artifact_stores.conftest import build_store
from tests.fixtures.pty_run import plain, run_in_pty

from stackwise.ui import transfer

pytest_plugins = ["fixtures.s3_server"]


@pytest.fixture
def reports() -> Any:
    seen: list[tuple[str, int, int]] = []
    previous = transfer.set_run_reporter(lambda *report: seen.append(report))
    yield seen
    transfer.set_run_reporter(previous)


def s3_store(s3_store_config: dict[str, Any]) -> Any:
    configuration = dict(s3_store_config)
    configuration["path"] = f"{configuration['path']}/artifacts"
    return build_store("s3", configuration)


def test_a_large_upload_and_download_report_every_byte(
    s3_store_config: dict[str, Any],
    reports: list[tuple[str, int, int]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(transfer.MIN_BYTES_ENV, "100000")
    store = s3_store(s3_store_config)
    folder = tmp_path / "staged"
    (folder / "sub").mkdir(parents=True)
    (folder / "data.bin").write_bytes(os.urandom(300_000))
    (folder / "sub" / "more.bin").write_bytes(os.urandom(50_000))
    uri = store.join(store.path, "model", uuid.uuid4().hex)

    store._upload(str(folder), uri)
    assert reports, "no progress was reported for a 350 kB upload"
    label, done, total = reports[-1]
    assert label.startswith("Uploading model/") and done == total == 350_000

    reports.clear()
    target = tmp_path / "downloaded"
    target.mkdir()
    store._download(uri, str(target))
    label, done, total = reports[-1]
    assert label.startswith("Downloading model/") and done == total == 350_000
    assert (target / "data.bin").read_bytes() == (folder / "data.bin").read_bytes()


def test_a_small_transfer_shows_nothing(
    s3_store_config: dict[str, Any], reports: list[tuple[str, int, int]], tmp_path: Path
) -> None:
    store = s3_store(s3_store_config)
    folder = tmp_path / "staged"
    folder.mkdir()
    (folder / "data.json").write_text("[1, 2, 3]")
    store._upload(str(folder), store.join(store.path, "small", uuid.uuid4().hex))
    assert reports == []  # far below the default 32 MiB


def test_no_bar_off_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(transfer.MIN_BYTES_ENV, "1")
    with transfer.transfer_progress("Uploading x", 10) as shown:
        assert shown is None  # pytest's stderr is no terminal, and no run view listens
    with transfer.task_progress("Deleting", 100) as counted:
        assert counted is None


@pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")
def test_prune_of_many_orphans_draws_a_bar_on_a_terminal(tmp_path: Path) -> None:
    from stackwise.client import Client

    root = Path(Client().active_stack.artifact_store.path)
    for index in range(15):
        folder = root / f"orphan_{index}" / uuid.uuid4().hex
        folder.mkdir(parents=True)
        (folder / "data.bin").write_bytes(b"x" * 10)
    code, drawn = run_in_pty(
        [
            sys.executable,
            "-m",
            "stackwise.cli.main",
            "artifact",
            "prune",
            "--orphans",
            "--delete",
            "--min-age",
            "0",
            "-y",
        ]
    )
    assert code == 0, drawn
    assert "Deleting orphaned folders" in plain(drawn)
    assert "Deleted 15 orphaned folder(s)" in plain(drawn)
