"""Helpers the benchmark scripts share: a throw-away STACKWISE_HOME, medians of repeated runs,
subprocess timing and a small aligned table. No stackwise import here: scripts decide when
stackwise is imported (after the temp home is set)."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

PYTHON = sys.executable

# Benchmarks measure stackwise's bookkeeping, not the terminal: per-step progress lines are
# off unless the person running them asks otherwise (STACKWISE_QUIET=0 to include them).
os.environ.setdefault("STACKWISE_QUIET", "1")


@contextmanager
def temp_home(prefix: str) -> Iterator[Path]:
    """A fresh STACKWISE_HOME and working directory, removed afterwards (whatever happens).

    The working directory matters: a `.stackwise/` project folder above the cwd would change
    the active stack.
    """
    root = Path(tempfile.mkdtemp(prefix=f"stackwise-bench-{prefix}-"))
    home, work = root / "home", root / "work"
    work.mkdir(parents=True)
    saved_env = {
        k: os.environ.get(k) for k in ("STACKWISE_HOME", "STACKWISE_STACK", "STACKWISE_STORE_URL")
    }
    saved_cwd = os.getcwd()
    os.environ["STACKWISE_HOME"] = str(home)
    os.environ.pop("STACKWISE_STACK", None)
    os.environ.pop("STACKWISE_STORE_URL", None)
    os.chdir(work)
    try:
        yield root
    finally:
        os.chdir(saved_cwd)
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        shutil.rmtree(root, ignore_errors=True)


def timed(func: Callable[[], object]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def median_time(func: Callable[[], object], repeat: int) -> float:
    return statistics.median(timed(func) for _ in range(repeat))


def bytecode_env(root: Path, cached: bool) -> dict[str, str]:
    """The environment for a child process, with or without a bytecode (.pyc) cache.

    Some sandboxes set PYTHONDONTWRITEBYTECODE=1, so every process compiles stackwise from
    source; users normally have .pyc files. With `cached`, .pyc files go to a prefix folder
    under `root` (removed with it), never into the source tree.
    """
    env = dict(os.environ)
    if cached:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    return env


def run_process(
    args: Sequence[str], *, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        list(args),
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env if env is not None else dict(os.environ),
        timeout=600,
    )


def process_median(
    args: Sequence[str], repeat: int, *, cwd: Path | None = None, env: dict[str, str] | None = None
) -> tuple[float | None, str]:
    """Median wall time of `args` run `repeat` times (after one untimed warm-up run, which
    also fills the bytecode cache), or (None, reason) when it fails."""
    run_process(args, cwd=cwd, env=env)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = run_process(args, cwd=cwd, env=env)
        elapsed = time.perf_counter() - start
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
            return None, f"exit {result.returncode}: {last[:120]}"
        times.append(elapsed)
    return statistics.median(times), ""


def stackwise_command() -> list[str] | None:
    """The installed `stackwise` console script, else `python -m stackwise.cli.main`, else
    None when the CLI is not there (yet)."""
    script = Path(PYTHON).parent / "stackwise"
    if script.exists():
        return [str(script)]
    probe = run_process([PYTHON, "-c", "import stackwise.cli.main"])
    return [PYTHON, "-m", "stackwise.cli.main"] if probe.returncode == 0 else None


def fmt_seconds(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def fmt_ms(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f} ms"


def verdict(value: float | None, budget: float) -> str:
    """'ok' within budget, else how far over (e.g. 'OVER by 35% (1.35x)')."""
    if value is None:
        return "not measured"
    if value <= budget:
        return "ok"
    return f"OVER by {(value / budget - 1) * 100:.0f}% ({value / budget:.2f}x budget)"


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(c) for c in header]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    print(f"\n{title}")
    print(line)
    for n, row in enumerate(cells):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            print(line)
    print(line)


def machine_note() -> str:
    return (
        f"python {sys.version.split()[0]} on {os.cpu_count()} CPU(s); "
        f"{time.strftime('%Y-%m-%d %H:%M:%S')}"
    )
