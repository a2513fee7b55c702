"""What capturing step logs costs per executed step: chains of N trivial int steps on the
local orchestrator (caching off) run with `enable_step_logs` on and off, in interleaved rounds,
for quiet steps (nothing printed: no file is written) and chatty steps (each prints one line
and logs one record: one chunk object per step). The difference of the medians divided by the
steps is the capture's cost; the whole overhead per executed step (run time minus the bodies
in plain Python, per step) is shown next to the 2 ms budget. The run's own capture
(`enable_pipeline_logs`) is off in both, to measure the steps' alone.

Run: .venv/bin/python benchmarks/bench_step_logs.py [--length 200] [--rounds 5]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time

from _common import fmt_ms, machine_note, print_table, temp_home, verdict

from stackwise import pipeline, step

_logger = logging.getLogger("bench.step_logs")


@step
def quiet(value: int) -> int:
    return value + 1


@step
def chatty(value: int) -> int:
    print(f"step sees {value}")
    _logger.info("step logs %d", value)
    return value + 1


def chain(body, length: int, logs: bool):  # type: ignore[no-untyped-def]
    @pipeline(
        name=f"{body.name}_{length}_{'logs' if logs else 'nologs'}",
        enable_cache=False,
        enable_step_logs=logs,
        enable_pipeline_logs=False,
    )
    def chained():
        value = 0
        for _ in range(length):
            value = body(value)

    return chained


def plain(body, length: int) -> float:  # type: ignore[no-untyped-def]
    begin = time.perf_counter()
    value = 0
    for _ in range(length):
        value = body.entrypoint(value)
    return time.perf_counter() - begin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=200, help="steps per chain")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved runs of each")
    args = parser.parse_args()
    n = args.length
    rows = []
    with temp_home("step-logs"):
        logging.getLogger("stackwise").setLevel(logging.WARNING)  # no progress lines
        for body in (quiet, chatty):
            pipelines = {logs: chain(body, n, logs) for logs in (False, True)}
            for p in pipelines.values():
                p()  # warm-up: records the pipeline, imports, caches
            times: dict[bool, list[float]] = {False: [], True: []}
            for _ in range(args.rounds):
                for logs, p in pipelines.items():
                    begin = time.perf_counter()
                    p()
                    times[logs].append(time.perf_counter() - begin)
            bodies = statistics.median(plain(body, n) for _ in range(5))
            off, on = (statistics.median(times[k]) for k in (False, True))
            per_step_on = (on - bodies) / n * 1000
            rows.append(
                [
                    body.name,
                    fmt_ms((off - bodies) / n * 1000),
                    fmt_ms(per_step_on),
                    fmt_ms((on - off) / n * 1000, 3),
                    "2 ms",
                    verdict(per_step_on, 2.0),
                ]
            )
    print_table(
        f"Step logs on vs off, {n}-step chains, local orchestrator, caching off "
        f"({machine_note()}; median of {args.rounds} interleaved rounds)",
        ["steps", "overhead/step, logs off", "logs on", "capture cost/step", "budget", "verdict"],
        rows,
    )


if __name__ == "__main__":
    main()
