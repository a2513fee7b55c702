"""Start-up costs, each the median wall time of fresh processes:

* `python -c "import stackwise"` (budget 150 ms) next to `python -c pass`;
* `stackwise --help` (budget 200 ms), when the CLI is installed;
* a whole process that runs a 1-step pipeline (budget 0.5 s), next to a plain-Python floor
  that pickles the step's output to a file and commits one SQLite row.

Run: .venv/bin/python benchmarks/bench_startup.py [--repeat 10]
"""

from __future__ import annotations

import argparse
import textwrap
import time

from _common import (
    PYTHON,
    bytecode_env,
    fmt_seconds,
    machine_note,
    print_table,
    process_median,
    run_process,
    stackwise_command,
    temp_home,
    verdict,
)

ONE_STEP_PIPELINE = textwrap.dedent(
    """
    from stackwise import pipeline, step

    @step
    def answer() -> int:
        return 42

    @pipeline(enable_cache=False)
    def one_step():
        answer()

    if __name__ == "__main__":
        run = one_step()
        assert run.steps["answer"].output.load() == 42
    """
)

FLOOR = textwrap.dedent(
    """
    import os, pickle, sqlite3, sys, uuid

    folder = sys.argv[1]
    db = sqlite3.connect(os.path.join(folder, "floor.db"), isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE IF NOT EXISTS steps (id TEXT PRIMARY KEY, name TEXT, uri TEXT)")

    def answer():
        return 42

    step_id = str(uuid.uuid4())
    uri = os.path.join(folder, step_id + ".pkl")
    with open(uri, "wb") as f:
        pickle.dump(answer(), f)
    db.execute("BEGIN")
    db.execute("INSERT INTO steps VALUES (?, ?, ?)", (step_id, "answer", uri))
    db.execute("COMMIT")
    """
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="processes per figure")
    repeat = parser.parse_args().repeat

    with temp_home("startup") as root:
        with_pyc, without_pyc = bytecode_env(root, True), bytecode_env(root, False)

        def both(args: list[str]) -> tuple[float | None, float | None, str]:
            cached, why = process_median(args, repeat, env=with_pyc)
            uncached, why_not = process_median(args, repeat, env=without_pyc)
            return cached, uncached, why or why_not

        rows = []

        def add(label: str, args: list[str], budget: float | None, note: str = "") -> None:
            cached, uncached, why = both(args)
            judged = verdict(cached, budget) if budget is not None else note
            rows.append(
                [
                    label,
                    fmt_seconds(cached),
                    fmt_seconds(uncached),
                    fmt_seconds(budget) if budget is not None else "-",
                    judged + (f" ({why})" if why else ""),
                ]
            )

        add("python -c pass", [PYTHON, "-c", "pass"], None, "reference (DESIGN: 12 ms)")
        add('python -c "import stackwise"', [PYTHON, "-c", "import stackwise"], 0.150)

        command = stackwise_command()
        if command is None:
            rows.append(["stackwise --help", "n/a", "n/a", "200.0 ms", "CLI not installed yet"])
        else:
            label = (
                "stackwise --help" if len(command) == 1 else "python -m stackwise.cli.main --help"
            )
            add(label, [*command, "--help"], 0.200)

        script = root / "one_step.py"
        script.write_text(ONE_STEP_PIPELINE)
        # the very first run also creates the store (schema migration) and the default stack
        first_start = time.perf_counter()
        first = run_process([PYTHON, str(script)], env=with_pyc)
        first_run = time.perf_counter() - first_start
        if first.returncode != 0:
            raise SystemExit(f"the 1-step pipeline failed:\n{first.stderr}")
        add("1-step pipeline, whole process", [PYTHON, str(script)], 0.5)
        rows.append(
            [
                "  same, first run (creates the store, cold caches)",
                fmt_seconds(first_run),
                "-",
                "-",
                "one-off",
            ]
        )

        floor_script = root / "floor.py"
        floor_script.write_text(FLOOR)
        add(
            "  floor: pickle + 1 SQLite row (WAL)",
            [PYTHON, str(floor_script), str(root)],
            None,
            "reference (DESIGN: 30 ms)",
        )

        print_table(
            f"Start-up (median of {repeat} processes; {machine_note()})",
            ["what", "median, .pyc cached", "median, no .pyc", "budget", "verdict (cached)"],
            rows,
        )
        print(
            "\n'no .pyc' = PYTHONDONTWRITEBYTECODE=1 (every process compiles stackwise from "
            "source),\nas some sandboxes and CI images set it; users normally have .pyc files."
        )


if __name__ == "__main__":
    main()
