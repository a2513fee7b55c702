"""Orchestrators side by side, in the same run:

* fan-out: one step feeding 8 CPU-bound steps (~2 s of pure-Python work each, calibrated on
  this machine) and a fan-in; speedup of each orchestrator over `local` (DESIGN.md budget for
  the parallel orchestrator on 2 cores: >= 1.7x), next to the floor measured in the same
  rounds: the same 8 calls in a row vs on a bare ProcessPoolExecutor (on a shared host two
  "cores" may not give 2x to anyone);
* per-step overhead on a 200-step chain of trivial int steps, caching off:
  (run time - the same bodies in plain Python) / steps. For orchestrators with worker
  processes this includes starting them (printed on its own too).

The steps are defined in this script, so worker processes load them from its file (the path
user scripts take). Another orchestrator gets a column by adding it to ORCHESTRATORS.

Run: .venv/bin/python benchmarks/bench_orchestrators.py [--repeat 3] [--only local,local_parallel]
Dask: `--only local,dask` starts an in-process LocalCluster per run (its start-up is counted);
`--only local,dask_cluster` uses a running scheduler with 2 workers given by DASK_ADDRESS
(start the workers with PYTHONPATH=benchmarks so they import the steps).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from _common import bytecode_env, fmt_ms, fmt_seconds, machine_note, print_table, temp_home, timed
from bench_step_overhead import increment, start  # the same trivial int steps

from stackwise import pipeline, step

# The orchestrators measured: name -> (flavor, factory of the component configuration). A
# factory may start what its orchestrator needs (e.g. a Dask LocalCluster) and return its
# address; keep `local` first: the speedups are relative to it.
ORCHESTRATORS: dict[str, tuple[str, Callable[[], dict[str, Any]]]] = {
    "local": ("local", dict),
    "local_parallel": ("local_parallel", dict),  # max_workers: the CPU count
    # an in-process LocalCluster of 2 single-threaded worker processes, started per run
    "dask": ("dask", lambda: {"n_workers": 2, "threads_per_worker": 1}),
    # an already running scheduler with 2 workers: DASK_ADDRESS=tcp://127.0.0.1:8786
    "dask_cluster": ("dask", lambda: {"address": os.environ["DASK_ADDRESS"]}),
}

FAN_OUT = 8
CHAIN = 200
SPEEDUP_BUDGET = 1.7


def burn(loops: int) -> int:
    """Pure-Python CPU work (holds the GIL: threads would not help, processes do)."""
    total = 0
    for i in range(loops):
        total = (total + i * i) % 1_000_003
    return total


def calibrate(seconds: float) -> int:
    """Loops of `burn` that take about `seconds` here."""
    loops = 200_000
    while (elapsed := timed(lambda n=loops: burn(n))) < 0.2:
        loops *= 2
    return int(loops * seconds / elapsed)


@step
def fan_source(loops: int) -> int:
    return loops


@step
def cpu_bound(loops: int, salt: int) -> int:
    return burn(loops) + salt


@step
def fan_in(a: int, b: int, c: int, d: int, e: int, f: int, g: int, h: int) -> int:
    return a + b + c + d + e + f + g + h


@pipeline(enable_cache=False)
def fan_out(loops: int):
    seed = fan_source(loops)
    fan_in(*[cpu_bound(seed, salt=i) for i in range(FAN_OUT)])


@pipeline(enable_cache=False)
def chain():
    value = start()
    for _ in range(CHAIN - 1):
        value = increment(value)


PLAIN_SEQUENTIAL = "plain Python, one call after another"
PLAIN_POOL = "plain Python, ProcessPoolExecutor (spawn)"


def plain_pool(loops: int) -> None:
    """The floor of any process-based orchestrator: the same work, bare worker processes."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(burn, [loops] * FAN_OUT))


def speedup(base: list[float], times: list[float]) -> float:
    """The median of per-round ratios (rounds interleave what they compare)."""
    return statistics.median(b / t for b, t in zip(base, times, strict=True))


def plain_chain() -> float:
    begin = time.perf_counter()
    value = start.entrypoint()
    for _ in range(CHAIN - 1):
        value = increment.entrypoint(value)
    assert value == CHAIN - 1
    return time.perf_counter() - begin


def use(name: str) -> None:
    from stackwise.client import Client

    flavor, configure = ORCHESTRATORS[name]
    client = Client()
    component = f"bench-{name}"
    try:
        client.get_stack(component)
    except KeyError:
        client.create_stack_component(component, flavor, "orchestrator", configure())
        client.create_stack(component, {"orchestrator": component, "artifact_store": "default"})
    client.activate_stack(component)


def worker_start_time(repeat: int) -> float:
    from stackwise.execution.worker import StepWorker

    def start_one() -> None:
        worker = StepWorker()
        worker.wait_ready()
        worker.stop()

    return statistics.median(timed(start_one) for _ in range(repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the chain (median)")
    parser.add_argument("--fan-repeat", type=int, default=3, help="rounds of the fan-out")
    parser.add_argument("--seconds", type=float, default=2.0, help="work per fan-out step")
    parser.add_argument(
        "--only",
        default=",".join(ORCHESTRATORS),
        help="orchestrators to measure, comma-separated (local first)",
    )
    parser.add_argument(
        "--no-pyc",
        action="store_true",
        help="workers compile stackwise from source (no bytecode cache)",
    )
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n]

    with temp_home("orchestrators") as root:
        # Worker processes inherit this environment. Users normally have .pyc files; some
        # sandboxes turn them off (PYTHONDONTWRITEBYTECODE), which makes each worker compile
        # stackwise from source at start-up. The cache lives under the temp dir.
        env = bytecode_env(root, cached=not args.no_pyc)
        for key in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX"):
            os.environ.pop(key, None)
            if key in env:
                os.environ[key] = env[key]
        loops = calibrate(args.seconds)
        bodies = statistics.median(plain_chain() for _ in range(5))
        for name in names:  # warm: stacks, imports, pipeline records
            use(name)
            chain()
        # Rounds interleave the orchestrators, so load from other processes on the machine
        # hits all of them alike; a speedup is the median of its per-round ratios.
        fan: dict[str, list[float]] = {n: [] for n in names}
        chains: dict[str, list[float]] = {n: [] for n in names}
        plain: dict[str, list[float]] = {PLAIN_SEQUENTIAL: [], PLAIN_POOL: []}
        for _ in range(args.fan_repeat):
            plain[PLAIN_SEQUENTIAL].append(timed(lambda: [burn(loops) for _ in range(FAN_OUT)]))
            plain[PLAIN_POOL].append(timed(lambda: plain_pool(loops)))
            for name in names:
                use(name)
                fan[name].append(timed(lambda: fan_out(loops)))
        for _ in range(args.repeat):
            for name in names:
                use(name)
                chains[name].append(timed(chain))

        fan_rows = []
        for label, times in plain.items():
            fan_rows.append(
                [
                    label,
                    fmt_seconds(statistics.median(times)),
                    " ".join(fmt_seconds(t) for t in times),
                    f"{speedup(plain[PLAIN_SEQUENTIAL], times):.2f}x",
                    "-",
                    "floor: what the machine allows now",
                ]
            )
        floor = speedup(plain[PLAIN_SEQUENTIAL], plain[PLAIN_POOL])
        for name in names:
            ratio = speedup(fan[names[0]], fan[name])
            judged = name != names[0]
            fan_rows.append(
                [
                    name,
                    fmt_seconds(statistics.median(fan[name])),
                    " ".join(fmt_seconds(t) for t in fan[name]),
                    f"{ratio:.2f}x",
                    f">= {SPEEDUP_BUDGET}x" if judged else "-",
                    (
                        "ok"
                        if ratio >= SPEEDUP_BUDGET
                        else f"UNDER budget (the bare pool got {floor:.2f}x in the same rounds)"
                    )
                    if judged
                    else "-",
                ]
            )
        print_table(
            f"Fan-out of {FAN_OUT} CPU-bound steps of ~{args.seconds:g} s each + "
            f"fan-in ({machine_note()}; median of {args.fan_repeat} interleaved "
            f"rounds; speedup: plain rows over one call after another, orchestrators "
            f"over {names[0]})",
            ["", "run (median)", "rounds", "speedup", "budget", "verdict"],
            fan_rows,
        )
        chain_rows = []
        for name in names:
            total = statistics.median(chains[name])
            chain_rows.append([name, fmt_seconds(total), fmt_ms((total - bodies) / CHAIN * 1000)])
        print_table(
            f"{CHAIN}-step chain of trivial int steps, caching off (median of "
            f"{args.repeat}; plain-Python bodies {fmt_ms(bodies * 1000)} in all)",
            ["orchestrator", "run", "overhead/step"],
            chain_rows,
        )
        if "local_parallel" in names:
            pyc = "no bytecode cache" if args.no_pyc else "bytecode cached"
            print(
                f"\nlocal_parallel: starting one worker process (a fresh interpreter importing "
                f"stackwise, {pyc}) takes {fmt_seconds(worker_start_time(3))}, paid once per "
                "worker per run; a run starts as many as its widest level of steps (up to "
                "max_workers) when it is submitted."
            )


if __name__ == "__main__":
    main()
