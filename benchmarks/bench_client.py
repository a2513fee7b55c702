"""Reading with many runs stored: `Client().get_pipeline(p).last_run` (budget 10 ms) and the CLI
`stackwise pipeline runs list` (budget 0.5 s, a whole process), with 10,000 runs of one pipeline
in the store.

The runs are written through the store API (`get_store().create_run(...)`, one transaction
each, with the spec of a real 3-step pipeline), not by running 10,000 pipelines; one real run
comes first so the pipeline, stack and a complete run exist.

Run: .venv/bin/python benchmarks/bench_client.py [--runs 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

from _common import (
    bytecode_env,
    fmt_seconds,
    machine_note,
    print_table,
    process_median,
    stackwise_command,
    temp_home,
    verdict,
)

from stackwise import pipeline, step

PIPELINE = "many_runs"


@step
def load(rows: int = 3) -> list:
    return list(range(rows))


@step
def train(data: list, factor: float = 0.5) -> float:
    return sum(data) * factor


@step
def evaluate(model: float) -> dict:
    return {"score": model}


@pipeline(name=PIPELINE)
def many_runs(rows: int = 3):
    evaluate(train(load(rows=rows)))


def fill_store(count: int) -> float:
    """`count` more runs of PIPELINE through the store API; returns the seconds it took."""
    from sqlalchemy import text

    from stackwise.client import Client
    from stackwise.store import get_store

    real = many_runs()
    store = get_store()
    pipeline_record = store.get_pipeline(PIPELINE)
    begin = time.perf_counter()
    for i in range(count):
        store.create_run(
            pipeline=pipeline_record,
            name=f"{PIPELINE}-bulk-{i:05d}",
            spec=real.spec,
            config=real.record.config,
            stack_id=real.record.stack_id,
        )
    elapsed = time.perf_counter() - begin
    with store.engine.connect().execution_options(stackwise_write=True) as conn:
        # finished runs look like real ones in listings (status, duration)
        conn.execute(
            text(
                "UPDATE pipeline_runs SET status = 'completed', end_time = created "
                "WHERE status = 'running'"
            )
        )
        conn.commit()
    assert Client().list_pipeline_runs(pipeline_name=PIPELINE, size=1).total == count + 1
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000, help="runs to store")
    parser.add_argument("--repeat", type=int, default=5, help="CLI processes per figure")
    args = parser.parse_args()

    with temp_home("client") as root:
        from stackwise.client import Client
        from stackwise.store import get_store, reset_store_cache

        fill = fill_store(args.runs)
        newest = Client().list_pipeline_runs(pipeline_name=PIPELINE, size=1).items[0].name

        def last_run() -> str:
            run = Client().get_pipeline(PIPELINE).last_run
            return f"{run.name} {run.status}"

        assert last_run().startswith(newest)
        reset_store_cache()
        begin = time.perf_counter()
        last_run()  # first call in a process: connects to the store
        first_call = time.perf_counter() - begin
        times = []
        for _ in range(200):
            begin = time.perf_counter()
            last_run()
            times.append(time.perf_counter() - begin)
        warm = statistics.median(times)

        def listing() -> None:
            page = Client().list_pipeline_runs(pipeline_name=PIPELINE, size=50)
            assert page.total == args.runs + 1 and len(page) == 50

        list_times = []
        for _ in range(20):
            begin = time.perf_counter()
            listing()
            list_times.append(time.perf_counter() - begin)

        rows = [
            [
                "Client().get_pipeline(p).last_run, warm",
                fmt_seconds(warm),
                "10 ms",
                verdict(warm, 0.010),
            ],
            [
                "  same, first call in the process",
                fmt_seconds(first_call),
                "-",
                "includes connecting",
            ],
            [
                "Client().list_pipeline_runs(p) (50 of them)",
                fmt_seconds(statistics.median(list_times)),
                "-",
                "in-process",
            ],
        ]

        command = stackwise_command()
        if command is None:
            rows.append(["stackwise pipeline runs list", "n/a", "500 ms", "CLI not installed"])
        else:
            for label, extra in (
                ("stackwise pipeline runs list", []),
                (f"stackwise pipeline runs list -p {PIPELINE}", ["-p", PIPELINE]),
            ):
                for cached in (True, False):
                    seconds, why = process_median(
                        [*command, "pipeline", "runs", "list", *extra],
                        args.repeat,
                        env=bytecode_env(root, cached),
                    )
                    mode = ".pyc cached" if cached else "no .pyc"
                    rows.append(
                        [
                            f"{label} ({mode})",
                            fmt_seconds(seconds),
                            "500 ms",
                            verdict(seconds, 0.5) + (f" ({why})" if why else ""),
                        ]
                    )
        get_store().close()

        print_table(
            f"Reading with {args.runs + 1:,} runs stored ({machine_note()}; storing "
            f"them took {fill:.1f} s, {fill / args.runs * 1000:.2f} ms/run)",
            ["what", "median", "budget", "verdict"],
            rows,
        )
        print(
            "\nDESIGN references: ZenML 0.98 last_run 86 ms and `pipeline runs list` 3.6 s, "
            "each with 100 runs."
        )


if __name__ == "__main__":
    main()
