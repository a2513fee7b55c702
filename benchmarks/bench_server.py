"""The store behind a stackwise server versus direct SQLite: a 100-step chain (executed, then
all cached) run both ways in the same process, the ratio of the two, the HTTP requests per
step, and `GET /api/v1/runs?size=50` on a server holding 10,000 runs (budget: p50 <= 50 ms).

The server is `stackwise server` in a subprocess on a loopback port, over its own SQLite file,
with authentication on: the client logs in once (as the admin) and reuses its token, so the
per-step request counts include no logins beyond the first.

Run: .venv/bin/python benchmarks/bench_server.py [--steps 100] [--runs 10000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
from _common import fmt_ms, machine_note, print_table, verdict

from stackwise import pipeline, step
from stackwise.cli.server import start_server_process
from stackwise.store import get_store, reset_store_cache


@step
def start() -> int:
    return 0


@step
def increment(value: int) -> int:
    return value + 1


def chain(length: int, tag: str):  # type: ignore[no-untyped-def]
    @pipeline(name=f"chain_{length}_{tag}")
    def chained() -> None:
        value = start()
        for _ in range(length):
            value = increment(value)

    return chained


ADMIN, PASSWORD = "admin", "bench-admin-password"


def start_server(database: Path) -> tuple[str, subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "STACKWISE_STORE_URL": "",
        "STACKWISE_SERVER_ADMIN_PASSWORD": PASSWORD,
        "STACKWISE_HOME": str(database.parent / f"{database.stem}-home"),
    }
    return start_server_process(f"sqlite:///{database}", database.with_suffix(".log"), env=env)


def time_chain(steps: int, tag: str) -> tuple[float, float, int, int]:
    """Seconds of the first (executed) and second (cached) run, and their request counts."""
    store = get_store()
    from stackwise.client import Client

    assert Client().active_stack  # the default stack exists before timing
    counter = getattr(store, "requests", None)
    pipe = chain(steps, tag)
    figures: list[float] = []
    counts: list[int] = []
    for _ in range(2):
        if counter is not None:
            store.requests = 0  # type: ignore[attr-defined]
        began = time.perf_counter()
        pipe()
        figures.append(time.perf_counter() - began)
        counts.append(getattr(store, "requests", 0))
    return figures[0], figures[1], counts[0], counts[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--runs", type=int, default=10_000)
    args = parser.parse_args()
    import logging

    logging.getLogger("stackwise").setLevel(logging.WARNING)
    root = Path(tempfile.mkdtemp(prefix="bench-server-"))
    os.environ["STACKWISE_HOME"] = str(root / "home")
    os.environ.pop("STACKWISE_STORE_URL", None)
    reset_store_cache()
    sqlite = time_chain(args.steps, "sqlite")

    url, process = start_server(root / "server.db")
    try:
        os.environ["STACKWISE_STORE_URL"] = url
        os.environ["STACKWISE_STORE_USERNAME"] = ADMIN
        os.environ["STACKWISE_STORE_PASSWORD"] = PASSWORD
        reset_store_cache()
        server = time_chain(args.steps, "server")
    finally:
        process.terminate()
        process.wait()
    n = args.steps + 1
    print(machine_note())
    print_table(
        f"{n}-step chain, local orchestrator",
        ["", "direct SQLite", "via server", "ratio", "requests/step"],
        [
            [
                "executed",
                f"{sqlite[0]:.2f} s",
                f"{server[0]:.2f} s",
                f"{server[0] / sqlite[0]:.2f}x",
                f"{server[2] / n:.2f} (budget 3)",
            ],
            [
                "cached",
                f"{sqlite[1]:.2f} s",
                f"{server[1]:.2f} s",
                f"{server[1] / sqlite[1]:.2f}x",
                f"{server[3] / n:.2f} (budget 2)",
            ],
        ],
    )

    # GET /api/v1/runs?size=50 with many runs stored
    from stackwise.store.sql.sql_store import SqlStore

    database = root / "runs.db"
    store = SqlStore(f"sqlite:///{database}")
    owner = store.get_or_create_pipeline("many")
    for i in range(args.runs):
        store.create_run(pipeline=owner, name=f"run-{i}", spec={}, config={}, stack_id=None)
    store.close()
    url, process = start_server(database)
    try:
        with httpx.Client(base_url=url) as client:
            login = client.post("/api/v1/login", data={"username": ADMIN, "password": PASSWORD})
            client.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
            latencies = []
            for _ in range(60):
                began = time.perf_counter()
                answer = client.get("/api/v1/runs", params={"size": 50})
                latencies.append(time.perf_counter() - began)
                assert answer.status_code == 200 and answer.json()["total"] == args.runs
    finally:
        process.terminate()
        process.wait()
    p50 = statistics.median(latencies[10:])
    print_table(
        f"GET /api/v1/runs?size=50 with {args.runs:,} runs",
        ["p50", "budget", ""],
        [[fmt_ms(p50 * 1000), "50 ms", verdict(p50, 0.050)]],
    )


if __name__ == "__main__":
    main()
