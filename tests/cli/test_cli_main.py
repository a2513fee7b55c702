"""The root command: help without heavy imports, lazy subcommands, clean errors, --debug,
`version`, `init` and `db upgrade`."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from stackwise.cli.main import LAZY_COMMANDS
from stackwise.enums import StackComponentType

GROUPS = [
    "version",
    "init",
    "db",
    "stack",
    "pipeline",
    "artifact",
    "check",
    "secret",
    "integration",
    *(t.cli_name for t in StackComponentType),
]
HEAVY = ("sqlalchemy", "pydantic", "rich", "stackwise.client")


def test_help_lists_every_command_with_its_short_help(ok) -> None:
    out = ok("--help").stdout
    for name in GROUPS:
        assert re.search(rf"^\s+{re.escape(name)}\s+\S", out, re.M), f"{name} missing:\n{out}"
    assert "Register and manage experiment trackers." in out
    assert "Register and manage container registries." in out
    assert "--debug" in out


def test_every_lazy_command_resolves_to_a_click_command(ok) -> None:
    for name in LAZY_COMMANDS:
        assert ok(name, "--help").stdout.startswith("Usage: ")


def test_help_does_not_import_heavy_modules_in_a_real_process(stackwise_process) -> None:
    result = stackwise_process("--help", python_flags=("-X", "importtime"))
    assert result.returncode == 0, result.stderr
    imported = {
        line.rsplit("|", 1)[-1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    }
    for module in HEAVY:
        assert not any(m == module or m.startswith(module + ".") for m in imported), module
    assert not any(
        m.startswith("stackwise.cli.") and m != "stackwise.cli.main" for m in imported
    ), sorted(m for m in imported if "stackwise.cli" in m)
    for name in GROUPS:
        assert name in result.stdout


def test_building_the_help_string_leaves_heavy_modules_unloaded() -> None:
    code = (
        "import sys\n"
        "from stackwise.cli.main import cli\n"
        "ctx = cli.make_context('stackwise', [], resilient_parsing=True)\n"
        "text = cli.get_help(ctx)\n"
        "assert 'experiment-tracker' in text and 'pipeline' in text, text\n"
        f"print([m for m in sys.modules if m.split('.')[0] in {HEAVY!r} "
        "or m == 'stackwise.client'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_unknown_command_suggests_the_close_one(invoke) -> None:
    result = invoke("stak", "list")
    assert result.exit_code == 2
    assert "No such command 'stak'. Did you mean 'stack'?" in result.stderr


def test_user_errors_are_one_red_line_without_traceback(invoke) -> None:
    result = invoke("stack", "set", "nope")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: No stack named 'nope'")
    assert "Traceback" not in result.output
    assert result.stdout == ""


@pytest.mark.parametrize("how", ["flag", "env"])
def test_debug_shows_the_traceback(invoke, how: str) -> None:
    if how == "flag":
        result = invoke("--debug", "stack", "set", "nope")
    else:
        result = invoke("stack", "set", "nope", env={"STACKWISE_DEBUG": "1"})
    assert result.exit_code == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "EntityNotFoundError" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith("Error: No stack named 'nope'")


def test_debug_traceback_in_a_real_process(stackwise_process) -> None:
    plain = stackwise_process("stack", "describe", "nope")
    assert plain.returncode == 1
    assert "Traceback" not in plain.stderr
    debug = stackwise_process("--debug", "stack", "describe", "nope")
    assert debug.returncode == 1
    assert "Traceback (most recent call last)" in debug.stderr


def test_a_lookup_miss_reads_as_not_found(invoke) -> None:
    result = invoke("pipeline", "runs", "describe", "ghost")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: No pipeline run named 'ghost'")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("error", [KeyError("ghost"), ValueError("bad"), ZeroDivisionError("bug")])
def test_errors_that_are_not_stackwise_errors_are_reported_as_bugs(
    invoke, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    """A bare KeyError/ValueError from deep inside is a bug, not "not found": it keeps its
    traceback, says it is a bug and exits with 2."""
    from stackwise.client import Client

    def broken(self: Client, **filters: object) -> None:
        raise error

    monkeypatch.setattr(Client, "list_stacks", broken)
    result = invoke("stack", "list")
    assert result.exit_code == 2
    assert "Traceback (most recent call last)" in result.stderr
    assert f"Internal error: {type(error).__name__}" in result.stderr
    assert "This is a bug in stackwise" in result.stderr


def test_version(ok) -> None:
    import stackwise

    assert ok("version").stdout.startswith(f"stackwise {stackwise.__version__} ")


def test_init_creates_the_project_folder_and_says_so(ok, tmp_path: Path) -> None:
    target = tmp_path / "proj"
    out = ok("init", str(target)).stdout
    assert (target / ".stackwise" / "config.yaml").is_file()
    assert str(target / ".stackwise" / "config.yaml") in out
    assert "already a stackwise project" in ok("init", str(target)).stdout


def test_init_default_is_cwd_and_stack_set_saves_there(ok) -> None:
    ok("init")
    assert Path(".stackwise/config.yaml").is_file()
    ok("stack", "register", "proj", "-o", "default", "-a", "default")
    assert "project config" in ok("stack", "set", "proj").stdout
    assert "active_stack: proj" in Path(".stackwise/config.yaml").read_text()
    assert "project config" in ok("stack", "get").stdout


def test_db_upgrade_creates_then_reports_up_to_date(ok, stackwise_home: Path) -> None:
    first = ok("db", "upgrade").stdout
    assert "Upgraded the metadata store" in first and "(empty)" in first
    assert "up to date" in ok("db", "upgrade").stdout
    ok("stack", "list")  # the store opens on the upgraded schema


def test_db_upgrade_refuses_a_newer_schema_cleanly(ok, invoke, stackwise_home: Path) -> None:
    ok("db", "upgrade")
    with sqlite3.connect(stackwise_home / "stackwise.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    result = invoke("db", "upgrade")
    assert result.exit_code == 1
    assert "Cannot upgrade the metadata store" in result.stderr
    assert "Traceback" not in result.stderr


def test_console_script_and_module_are_both_called_stackwise(
    stackwise_process, stackwise_script: Path
) -> None:
    assert stackwise_process("--help").stdout.startswith("Usage: stackwise ")
    result = subprocess.run(
        [str(stackwise_script), "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert result.stdout.startswith("Usage: stackwise ")


GC_PROBE = """
import gc
from pathlib import Path

from stackwise import pipeline, step


@step
def probe() -> int:
    Path("gc.txt").write_text(f"{gc.isenabled()} {gc.get_freeze_count()}")
    return 1


@pipeline(enable_cache=False)
def probed():
    probe()
"""


def test_the_executable_freezes_start_up_but_never_user_code(
    stackwise_process, stackwise_home: Path
) -> None:
    """stackwise.utils.heap: the executable freezes what it loaded before the user's module is
    imported; the user's step runs with the collector on, and the store opened afterwards is
    still closed at exit (SQLite removes its write-ahead log when the last connection
    closes)."""
    Path("gc_probe.py").write_text(GC_PROBE)
    result = stackwise_process("pipeline", "run", "gc_probe.probed")
    assert result.returncode == 0, result.stderr
    enabled, frozen = Path("gc.txt").read_text().split()
    assert enabled == "True" and int(frozen) > 0
    assert stackwise_process("pipeline", "runs", "list").returncode == 0
    assert (stackwise_home / "stackwise.db").exists()
    assert not (stackwise_home / "stackwise.db-wal").exists()
