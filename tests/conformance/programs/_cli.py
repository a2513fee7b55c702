"""Runs the `zenml` command line the way a user's script does (copied beside each program)."""

from __future__ import annotations

import json
import subprocess


def cli(*args: str, ok: bool | None = True) -> subprocess.CompletedProcess:
    """Run `zenml ARGS`; ok=True asserts exit 0, ok=False a non-zero exit, None checks nothing."""
    done = subprocess.run(["zenml", *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=120)
    done.all = done.stdout + done.stderr  # what the user sees on the terminal
    if ok is True:
        assert done.returncode == 0, (args, done.returncode, done.all[-2000:])
    elif ok is False:
        assert done.returncode != 0, (args, done.all[-2000:])
    return done


def cli_json(*args: str) -> dict:
    """`zenml ... --output json`: stdout is one JSON document with items and pagination."""
    done = cli(*args, "--output", "json")
    data = json.loads(done.stdout)
    assert set(data) >= {"items", "pagination"}, data
    assert set(data["pagination"]) >= {"index", "max_size", "total_pages", "total"}, data
    return data
