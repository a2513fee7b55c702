"""The dashboard's run list with 10,000 runs stored, as a browser sees it (budget: first
render <= 1 s): a real `stackwise server` subprocess on a loopback port over a SQLite file
filled like bench_server.py fills it, loaded in the system's headless Chromium through
Playwright; each load in a fresh browser context (no cache, no cookies).

Per page it prints the p50 of several loads of navigation start -> first contentful paint
(the first render, which the verdict judges) and of navigation start -> load event end, and
the worst load. Pages: the first page of runs, a filtered page
(status and tag) and a deep page (offset ~9,950).

Run: .venv/bin/python benchmarks/bench_dashboard.py [--runs 10000] [--loads 15]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
from pathlib import Path

from _common import fmt_ms, machine_note, print_table, verdict

from stackwise.cli.server import start_server_process

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMING = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  return {load: nav.loadEventEnd, fcp: paint ? paint.startTime : null,
          rows: document.querySelectorAll("table.runs tbody tr[data-run]").length};
}"""


def fill(database: Path, runs: int) -> None:
    """`runs` finished runs of one pipeline (every 7th failed, every 10th tagged nightly)."""
    from stackwise.store.sql.sql_store import SqlStore

    store = SqlStore(f"sqlite:///{database}")
    owner = store.get_or_create_pipeline("many")
    tagged = []
    for i in range(runs):
        run = store.create_run(pipeline=owner, name=f"run-{i}", spec={}, config={}, stack_id=None)
        store.finish_run(run.id, "failed" if i % 7 == 0 else "completed")
        if i % 10 == 0:
            tagged.append(run.id)
    store.attach_tags("pipeline_run", tagged, ["nightly"])
    store.close()


def measure(url: str, paths: list[str], loads: int) -> dict[str, list[dict[str, float]]]:
    from playwright.sync_api import sync_playwright

    figures: dict[str, list[dict[str, float]]] = {path: [] for path in paths}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        for path in paths:
            for _ in range(loads + 1):  # the first load warms the server's process
                context = browser.new_context()
                page = context.new_page()
                page.goto(url + path, wait_until="load")
                figures[path].append(page.evaluate(TIMING))
                context.close()
            figures[path] = figures[path][1:]
        browser.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--loads", type=int, default=15)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    database = root / "runs.db"
    fill(database, args.runs)
    env = {**os.environ, "STACKWISE_STORE_URL": "", "STACKWISE_HOME": str(root / "home")}
    url, process = start_server_process(
        f"sqlite:///{database}", database.with_suffix(".log"), env=env
    )
    deep = max(1, args.runs // 50)
    paths = ["/runs", "/runs?status=failed&tag=nightly", f"/runs?page={deep}"]
    try:
        figures = measure(url, paths, args.loads)
    finally:
        process.terminate()
        process.wait()
        shutil.rmtree(root, ignore_errors=True)
    print(machine_note())
    rows = []
    for path in paths:
        loads = [f["load"] for f in figures[path]]
        paints = [f["fcp"] for f in figures[path] if f["fcp"] is not None]
        assert all(f["rows"] > 0 for f in figures[path]), f"{path} showed no runs"
        first_render = statistics.median(paints) if paints else statistics.median(loads)
        rows.append(
            [
                path,
                fmt_ms(statistics.median(paints)) if paints else "n/a",
                fmt_ms(statistics.median(loads)),
                fmt_ms(max(loads)),
                verdict(first_render / 1000, 1.0),
            ]
        )
    print_table(
        f"Dashboard run list with {args.runs:,} runs, headless Chromium, "
        f"{args.loads} loads each (budget: first render <= 1 s)",
        ["page", "FCP p50", "load p50", "load worst", "verdict"],
        rows,
    )


if __name__ == "__main__":
    main()
