"""Runs the conformance programs: small ZenML user programs, each asserting what a user sees.

A program runs unchanged on ZenML 0.98 (the reference) and, after `zenml` -> `stackwise`,
`ZenML` -> `Stackwise` and `ZENML_` -> `STACKWISE_` are rewritten, on stackwise. Each runs in
its own empty working directory with a fresh home (ZENML_CONFIG_PATH / STACKWISE_HOME), so no
program sees another's state. `CONFORMANCE_TARGET` tells a program which side it runs on, for
the few places where stackwise differs on purpose (listed in docs/zenml-differences.md).

    python tests/conformance/runner.py --target stackwise [-j 2] [NAME ...]
    python tests/conformance/runner.py --target zenml --python PATH/TO/zenml-ref/bin/python
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROGRAMS = HERE / "programs"
TIMEOUT_S = 300

_REWRITES = [
    (re.compile(r"zenml"), "stackwise"),
    (re.compile(r"ZenML"), "Stackwise"),
    (re.compile(r"ZENML_"), "STACKWISE_"),
]


def rewrite(source: str) -> str:
    """What a ZenML user does to move to stackwise: rename, nothing else."""
    for pattern, replacement in _REWRITES:
        source = pattern.sub(replacement, source)
    return source


def programs(names: list[str] | None = None) -> list[Path]:
    found = sorted(p for p in PROGRAMS.glob("*.py") if not p.name.startswith("_"))
    if names:
        wanted = {n.removesuffix(".py") for n in names}
        found = [p for p in found if p.stem in wanted]
        missing = wanted - {p.stem for p in found}
        if missing:
            raise SystemExit(f"no such conformance program: {', '.join(sorted(missing))}")
    return found


@dataclass
class Outcome:
    name: str
    passed: bool
    seconds: float
    output: str


def run_program(path: Path, target: str, python: str) -> Outcome:
    """Copy the program (and the shared support files) into a fresh folder and run it."""
    with tempfile.TemporaryDirectory(prefix=f"conformance-{path.stem}-") as tmp:
        work = Path(tmp) / "work"
        work.mkdir()
        for source in [path, *PROGRAMS.glob("_*.py")]:
            text = source.read_text()
            (work / source.name).write_text(rewrite(text) if target == "stackwise" else text)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ZENML_", "STACKWISE_"))}
        env.update(
            CONFORMANCE_TARGET=target,
            PYTHONDONTWRITEBYTECODE="1",
            PATH=f"{Path(python).parent}{os.pathsep}{env.get('PATH', '')}",
        )
        env.pop("PYTHONPATH", None)
        if target == "zenml":
            env.update(
                ZENML_CONFIG_PATH=str(Path(tmp) / "zenml-config"),
                ZENML_ANALYTICS_OPT_IN="false",
                ZENML_ENABLE_REPO_INIT_WARNINGS="false",
                ZENML_DEBUG="false",
                ZENML_LOGGING_COLORS_DISABLED="true",
            )
        else:
            env.update(STACKWISE_HOME=str(Path(tmp) / "stackwise-home"))
        start = time.perf_counter()
        try:
            done = subprocess.run(
                [python, path.name],
                cwd=work,
                env=env,
                text=True,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                timeout=TIMEOUT_S,
                stdin=subprocess.DEVNULL,
            )
            passed, output = done.returncode == 0, done.stdout
        except subprocess.TimeoutExpired as exc:
            passed = False
            output = f"timed out after {TIMEOUT_S} s\n{exc.stdout or ''}"
        return Outcome(path.stem, passed, time.perf_counter() - start, output)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=["zenml", "stackwise"], default="stackwise")
    parser.add_argument(
        "--python", default=sys.executable, help="the interpreter that has the target installed"
    )
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("-v", "--verbose", action="store_true", help="print passing output too")
    parser.add_argument("names", nargs="*")
    args = parser.parse_args(argv)
    selected = programs(args.names)
    python = os.path.abspath(args.python)  # not resolve(): a venv's python is a symlink
    if not Path(python).exists():
        raise SystemExit(f"no interpreter at {args.python}")
    failed = 0
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for outcome in pool.map(lambda p: run_program(p, args.target, python), selected):
            mark = "PASS" if outcome.passed else "FAIL"
            print(f"{mark} {outcome.name} ({outcome.seconds:.1f} s)", flush=True)
            if not outcome.passed or args.verbose:
                print("    " + outcome.output.strip().replace("\n", "\n    "), flush=True)
            failed += not outcome.passed
    print(f"conformance ({args.target}): {len(selected) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
