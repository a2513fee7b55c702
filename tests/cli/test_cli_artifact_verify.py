"""`stackwise artifact verify [NAME]`: every stored version checked against its checksum, a
table (or `--output json`) of ok / corrupted / missing / unverified, exit code 1 when any is
broken; corrupted versions are marked and show so in `artifact version list` and `describe`."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from stackwise import register_artifact, save_artifact
from stackwise.client import Client


def _corrupt(uri: str, name: str) -> None:
    path = os.path.join(uri, name)
    size = os.path.getsize(path)
    with open(path, "wb") as handle:
        handle.write(b"x" * size)


def test_intact_versions_pass_with_exit_code_0(ok) -> None:
    save_artifact({"a": 1}, "config")
    save_artifact([1, 2], "rows")

    result = ok("artifact", "verify")

    assert "config" in result.stdout and "rows" in result.stdout
    assert "2 version(s): 2 ok" in result.stdout
    assert "every one matches its checksum" in result.stdout


def test_broken_versions_are_listed_marked_and_exit_1(invoke, ok) -> None:
    good = save_artifact({"a": 1}, "config")
    corrupted = save_artifact([1, 2, 3], "rows")
    gone = save_artifact("text", "note")
    registered_file = Path(Client().active_stack.artifact_store.path, "external.txt")
    registered_file.write_text("mine")
    register_artifact(str(registered_file), "external")
    _corrupt(corrupted.uri, "data.json")
    shutil.rmtree(gone.uri)

    result = invoke("artifact", "verify")

    assert result.exit_code == 1
    lines = {
        line.split("│")[1].strip(): line
        for line in result.stdout.splitlines()
        if line.startswith("│")
    }
    assert "│ ok " in lines["config"]
    assert "│ corrupted " in lines["rows"]
    assert "data.json has other content than was saved" in lines["rows"]
    assert "│ missing " in lines["note"] and "nothing at" in lines["note"]
    assert "│ unverified " in lines["external"]
    assert "1 corrupted, 1 missing, 1 ok, 1 unverified" in result.stdout
    assert "2 artifact version(s) are broken" in result.stderr
    assert "no cache hit uses them" in result.stderr

    assert Client().get_artifact_version(str(corrupted.id)).corrupted is not None
    assert Client().get_artifact_version(str(good.id)).corrupted is None
    listed = ok("artifact", "version", "list").stdout
    assert "1 (corrupted)" in listed
    described = ok("artifact", "version", "describe", "rows").stdout
    assert "corrupted: data.json has other content than was saved" in described
    assert "no cache hit uses it" in described
    assert (
        "checksum of 1 file(s) recorded" in ok("artifact", "version", "describe", "config").stdout
    )


def test_json_output_and_a_name_filter(invoke) -> None:
    save_artifact({"a": 1}, "config")
    first = save_artifact([1], "rows")
    second = save_artifact([1, 2], "rows")
    _corrupt(second.uri, "data.json")

    result = invoke("artifact", "verify", "rows", "--output", "json")

    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["counts"] == {"ok": 1, "corrupted": 1}
    assert [(i["artifact"], i["version"], i["status"]) for i in report["items"]] == [
        ("rows", "1", "ok"),
        ("rows", "2", "corrupted"),
    ]
    assert report["items"][0]["id"] == str(first.id)
    assert report["items"][1]["uri"] == second.uri
    assert "data.json has other content" in report["items"][1]["problems"][0]
    listed = json.loads(invoke("artifact", "version", "list", "-o", "json").stdout)
    marks = {i["version"]: i["corrupted"] for i in listed["items"] if i["artifact"] == "rows"}
    assert marks["1"] is None and "data.json" in marks["2"]["reason"]


def test_an_unknown_name_says_so(invoke) -> None:
    save_artifact([1], "rows")

    result = invoke("artifact", "verify", "rowz")

    assert result.exit_code != 0
    assert "rows" in result.output  # did you mean
