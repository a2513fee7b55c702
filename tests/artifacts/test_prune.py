"""Crash safety and `stackwise artifact prune --orphans`: a process killed while a step saves its
output leaves no registered version for it, only a folder that prune finds and removes, on a
local folder and on S3 alike."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from stackwise import save_artifact
from stackwise.artifacts.prune import (
    DEFAULT_MIN_AGE,
    _info_time,
    delete_orphans,
    find_orphans,
    parse_age,
)
from stackwise.cli.main import cli
from stackwise.client import Client
from stackwise.store import get_store

pytest_plugins = ["fixtures.s3_server"]

# A pipeline whose second step's materializer writes one file, half of another, then hangs:
# the test kills the process there, as an OOM killer or a lost machine would.
DYING_PIPELINE = textwrap.dedent("""
    import os, time
    from typing import Annotated
    from stackwise import pipeline, step
    from stackwise.materializers.base_materializer import BaseMaterializer


    class Payload:
        pass


    class SlowWriter(BaseMaterializer):
        ASSOCIATED_TYPES = (Payload,)
        USES_ARTIFACT_STORE_IO = True

        def save(self, data):
            with self.artifact_store.open(self.path("part-0"), "wb") as file:
                file.write(b"x" * 1000)
            file = self.artifact_store.open(self.path("part-1"), "wb")
            file.write(b"y" * 500)
            file.flush()
            with open(os.environ["MARKER"], "w") as marker:
                marker.write(self.uri)
            time.sleep(120)

        def load(self, data_type):
            raise AssertionError("never loaded")


    @step
    def survives() -> Annotated[int, "kept"]:
        return 41


    @step(enable_cache=False)
    def dies(value: int) -> Annotated[Payload, "payload"]:
        return Payload()


    @pipeline(enable_cache=False)
    def crashing():
        dies(value=survives())


    if __name__ == "__main__":
        crashing()
""")


def use_s3_stack(config: dict[str, Any], name: str = "cloud") -> Any:
    """Register an S3 artifact store (credentials as a secret) in a stack, and activate it."""
    client = Client()
    client.create_secret(f"{name}_s3", {"key": config["key"], "secret": config["secret"]})
    client.create_stack_component(
        f"{name}_store",
        "s3",
        "artifact_store",
        {**config, "key": f"{{{{{name}_s3.key}}}}", "secret": f"{{{{{name}_s3.secret}}}}"},
    )
    client.create_stack(name, {"orchestrator": "default", "artifact_store": f"{name}_store"})
    return client.activate_stack(name).artifact_store


@pytest.fixture(params=["local", "s3"])
def artifact_store(request: pytest.FixtureRequest) -> Any:
    """The active stack's artifact store: the default local folder, or a fresh S3 bucket."""
    if request.param == "local":
        return Client().active_stack.artifact_store
    return use_s3_stack(request.getfixturevalue("s3_store_config"))


def kill_mid_save(home: Path, tmp_path: Path) -> str:
    """Run DYING_PIPELINE in a subprocess, SIGKILL it once its output is half-written; the URI
    the materializer was writing to."""
    script = tmp_path / "dying.py"
    script.write_text(DYING_PIPELINE)
    marker = tmp_path / "marker"
    env = {**os.environ, "STACKWISE_HOME": str(home), "MARKER": str(marker)}
    process = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() or not marker.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode() if process.stdout else ""
                raise AssertionError(f"the pipeline never reached its save:\n{output}")
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        if process.stdout:
            process.stdout.close()
    assert process.returncode == -signal.SIGKILL
    return marker.read_text()


def prune_cli(*args: str) -> Any:
    result = CliRunner().invoke(cli, ["artifact", "prune", *args], catch_exceptions=False)
    return result


def test_a_step_killed_mid_save_leaves_only_an_orphan_that_prune_removes(
    artifact_store: Any, stackwise_home: Path, tmp_path: Path
) -> None:
    before = save_artifact({"keep": True}, "registered_before")
    half_written = kill_mid_save(stackwise_home, tmp_path)
    assert artifact_store.exists(artifact_store.join(half_written, "part-0"))

    client = Client()
    assert client.list_artifact_versions(name="payload").total == 0  # nothing registered
    kept = client.get_artifact_version("kept")
    assert kept.load() == 41
    run = client.get_pipeline("crashing").last_run
    assert run.steps["survives"].status == "completed"

    store = get_store()
    young = find_orphans(store, artifact_store)  # default: an hour's grace
    assert young.orphans == [] and [o.uri for o in young.too_young] == [half_written]
    scan = find_orphans(store, artifact_store, min_age=0)
    assert [o.uri for o in scan.orphans] == [half_written]
    orphan = scan.orphans[0]
    assert orphan.artifact == "payload" and orphan.size and orphan.size >= 1000
    assert orphan.modified is not None and abs(time.time() - orphan.modified) < 600

    listed = prune_cli("--orphans", "--min-age", "0")
    assert listed.exit_code == 0, listed.output
    assert orphan.version_id in listed.output and "--delete" in listed.output
    assert artifact_store.exists(half_written)  # listing deletes nothing
    default_age = prune_cli("--orphans")
    assert "No orphaned folders" in default_age.output and "1 younger" in default_age.output

    deleted = prune_cli("--orphans", "--min-age", "0", "--delete", "-y")
    assert deleted.exit_code == 0, deleted.output
    assert "Deleted 1 orphaned folder" in deleted.output
    assert not artifact_store.exists(half_written)
    assert find_orphans(store, artifact_store, min_age=0).orphans == []
    assert kept.load() == 41 and before.load() == {"keep": True}  # registered ones untouched
    assert artifact_store.exists(kept.uri) and artifact_store.exists(before.uri)


def test_delete_asks_first_and_names_the_store_when_given(artifact_store: Any) -> None:
    orphan = artifact_store.join(artifact_store.path, "lost", str(uuid.uuid4()))
    with artifact_store.open(artifact_store.join(orphan, "data"), "wb") as file:
        file.write(b"1")
    refused = CliRunner().invoke(
        cli,
        [
            "artifact",
            "prune",
            "--orphans",
            "--min-age",
            "0",
            "--store",
            artifact_store.name,
            "--delete",
        ],
        input="n\n",
    )
    assert refused.exit_code == 1 and "Delete these 1 folder(s)" in refused.output
    assert artifact_store.exists(orphan)
    confirmed = CliRunner().invoke(
        cli,
        [
            "artifact",
            "prune",
            "--orphans",
            "--min-age",
            "0",
            "--store",
            artifact_store.name,
            "--delete",
        ],
        input="y\n",
    )
    assert confirmed.exit_code == 0, confirmed.output
    assert not artifact_store.exists(orphan)


# -- what counts as an orphan -----------------------------------------------------------------
def local_store() -> Any:
    return Client().active_stack.artifact_store


def make_folder(root: Path, *parts: str, age: float = 0.0) -> Path:
    folder = root.joinpath(*parts)
    folder.mkdir(parents=True)
    (folder / "data").write_text("x")
    if age:
        stamp = time.time() - age
        for path in (folder / "data", folder):
            os.utime(path, (stamp, stamp))
    return folder


def test_only_unreferenced_uuid_folders_two_levels_down_are_orphans() -> None:
    kept = save_artifact([1, 2], "kept")
    artifact_store = local_store()
    root = Path(artifact_store.path)
    orphan = make_folder(root, "lost", str(uuid.uuid4()))
    make_folder(root, "lost", "not-a-version-id")  # not of our making: never touched
    make_folder(root, "notes")  # a folder at the root level
    (root / ".stackwise-verify-probe").write_text("")  # a file at the root
    make_folder(root, "deep", str(uuid.uuid4()), "nested", str(uuid.uuid4()))  # inside one

    scan = find_orphans(get_store(), artifact_store, min_age=0)
    assert sorted(o.artifact for o in scan.orphans) == ["deep", "lost"]
    assert str(orphan) in [o.uri for o in scan.orphans]
    assert kept.uri not in [o.uri for o in scan.orphans]


def test_min_age_uses_the_newest_file_in_the_folder() -> None:
    artifact_store = local_store()
    root = Path(artifact_store.path)
    old = make_folder(root, "old", str(uuid.uuid4()), age=2 * DEFAULT_MIN_AGE)
    fresh = make_folder(root, "fresh", str(uuid.uuid4()), age=2 * DEFAULT_MIN_AGE)
    (fresh / "just-written").write_text("a running step")

    scan = find_orphans(get_store(), artifact_store)
    assert [o.uri for o in scan.orphans] == [str(old)]
    assert [o.uri for o in scan.too_young] == [str(fresh)]
    later = find_orphans(get_store(), artifact_store, now=time.time() + 2 * DEFAULT_MIN_AGE)
    assert sorted(o.uri for o in later.orphans) == sorted([str(old), str(fresh)])


def test_delete_skips_a_folder_registered_since_the_scan() -> None:
    artifact_store = local_store()
    version = save_artifact("late", "late")
    scan = find_orphans(get_store(), artifact_store, min_age=0)
    assert scan.orphans == []
    from stackwise.artifacts.prune import OrphanFolder

    stale = OrphanFolder(version.uri, "late", version.id, None, None)  # as a stale scan saw it
    assert delete_orphans(get_store(), artifact_store, [stale]) == []
    assert version.load() == "late"


def test_orphan_options_need_orphans() -> None:
    """Bare `artifact prune` is ZenML's (unused versions); the folder options need --orphans."""
    result = CliRunner().invoke(cli, ["artifact", "prune", "--delete"])
    assert result.exit_code == 2 and "--orphans" in result.output


def test_ages_and_store_times_are_read_in_every_form() -> None:
    from datetime import datetime, timezone

    assert parse_age("0") == 0 and parse_age("90") == 90 and parse_age("90s") == 90
    assert parse_age("30m") == 1800 and parse_age("1h") == 3600 and parse_age("2d") == 172800
    with pytest.raises(ValueError, match="30m, 1h"):
        parse_age("soon")
    with pytest.raises(ValueError, match="negative"):
        parse_age("-1h")
    moment = datetime(2024, 5, 1, 12, tzinfo=timezone.utc)
    assert _info_time({"LastModified": moment}) == moment.timestamp()
    assert _info_time({"mtime": 1714564800.0}) == 1714564800.0
    assert _info_time({"updated": "2024-05-01T12:00:00Z"}) == moment.timestamp()
    assert _info_time({"size": 3}) is None
