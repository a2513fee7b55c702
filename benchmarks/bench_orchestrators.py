"""Orchestrators side by side, in the same run:

* fan-out: one step feeding 4 CPU-bound steps (~2 s of pure-Python work each, calibrated on
  this machine) and a fan-in; speedup of each orchestrator over `local` (DESIGN.md budgets on
  2 cores: `local_parallel` >= 1.8x, Dask with its own LocalCluster >= 1.6x), next to the ideal
  (`local`'s time with the CPU-bound work spread over the cores, everything else as on
  `local`) and the floor measured in the same rounds: the same calls in a row vs on a bare
  ProcessPoolExecutor (on a shared host two "cores" may not give 2x to anyone). Orchestrators
  that keep processes warm between runs (`local_parallel`'s workers, Dask's LocalCluster) are
  measured warm (a process's later runs) and cold (its first run);
* per-step overhead on a 200-step chain of trivial int steps, caching off:
  (run time - the same bodies in plain Python) / steps, next to Dask's own latency per
  dependent task on the same cluster (a chain of trivial Dask tasks): stackwise's share is the
  difference. DESIGN.md budget on a running Dask cluster: <= 5 ms a step.

The steps are defined in this script, so worker processes load them from its file (the path
user scripts take). Another orchestrator gets a column by adding it to ORCHESTRATORS.

Run: STACKWISE_QUIET=1 .venv/bin/python benchmarks/bench_orchestrators.py [--repeat 3]
     [--only local,local_parallel,dask,dask_cluster]
`dask` runs on the orchestrator's own LocalCluster (started by the process's first run, then
reused); `dask_cluster` on a running scheduler with 2 single-threaded workers: the one at
DASK_ADDRESS (start its workers with PYTHONPATH=benchmarks so they import the steps), else one
this script starts for the measurement and stops after.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import Any

from _common import bytecode_env, fmt_ms, fmt_seconds, machine_note, print_table, temp_home, timed
from bench_step_overhead import increment, start  # the same trivial int steps

from stackwise import pipeline, step

# The orchestrators measured: name -> (flavor, factory of the component configuration). A
# factory may start what its orchestrator needs and return its address; keep `local` first:
# the speedups are relative to it.
ORCHESTRATORS: dict[str, tuple[str, Callable[[], dict[str, Any]]]] = {
    "local": ("local", dict),
    "local_parallel": ("local_parallel", dict),  # max_workers: the CPU count
    # the orchestrator's own LocalCluster of 2 single-threaded worker processes
    "dask": ("dask", lambda: {"n_workers": 2, "threads_per_worker": 1}),
    # a running scheduler with 2 workers: DASK_ADDRESS, else one started by `running_cluster`
    "dask_cluster": ("dask", lambda: {"address": os.environ["DASK_ADDRESS"]}),
}
SPEEDUP_BUDGETS = {"local_parallel": 1.8, "dask": 1.6}  # DESIGN.md, on 2 cores
PER_STEP_BUDGET_MS = {"dask_cluster": 5.0}  # DESIGN.md: per step on a running Dask cluster

FAN_OUT = 4
CHAIN = 200
DASK_FLOOR_TASKS = 200


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
def fan_in(a: int, b: int, c: int, d: int) -> int:
    return a + b + c + d


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


def ideal_time(local: float, plain_sequential: float) -> float:
    """`local`'s run with its CPU-bound steps spread evenly over the cores (each core runs
    ceil(steps / cores) of them), everything else taking as long as on `local`.
    `plain_sequential`: the steps' work as plain calls in a row (the least disturbed round)."""
    one = plain_sequential / FAN_OUT
    cores = os.cpu_count() or 1
    return local - (FAN_OUT - math.ceil(FAN_OUT / cores)) * one


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


def release(name: str) -> None:
    """Stop what `name` keeps warm between runs, so that its next run is a process's first."""
    if name == "local_parallel":
        from stackwise.execution.worker_pool import POOL

        POOL.release()
    elif name == "dask":
        from stackwise.integrations.dask.orchestrators.local_cluster import close_local_cluster

        close_local_cluster()


COLD = ("local_parallel", "dask")  # measured warm and cold (see `release`)


def worker_start_time(repeat: int) -> float:
    from stackwise.execution.worker_process import StepWorker

    def start_one() -> None:
        worker = StepWorker()
        worker.wait_ready()
        worker.stop()

    return statistics.median(timed(start_one) for _ in range(repeat))


def inc(value: int) -> int:
    return value + 1


def dask_task_latency(name: str) -> float | None:
    """Seconds per task of a chain of trivial Dask tasks, submitted as one graph, on the
    cluster `name` runs on: Dask's own floor under a chain of steps."""
    if name == "dask":
        from stackwise.integrations.dask.orchestrators.local_cluster import local_cluster_client

        client = local_cluster_client(2, 1, 30.0)
        owned = False
    elif name == "dask_cluster":
        from distributed import Client

        client = Client(os.environ["DASK_ADDRESS"], set_as_default=False, timeout=30)
        owned = True
    else:
        return None
    try:
        future = client.submit(inc, 0, pure=False)
        future.result()  # the function reaches the workers first
        begin = time.perf_counter()
        futures = [client.submit(inc, 0, pure=False)]
        for _ in range(DASK_FLOOR_TASKS - 1):
            futures.append(client.submit(inc, futures[-1], pure=False))
        assert futures[-1].result() == DASK_FLOOR_TASKS
        return (time.perf_counter() - begin) / DASK_FLOOR_TASKS
    finally:
        if owned:
            client.close()


@contextmanager
def running_cluster() -> Iterator[str]:
    """A `dask scheduler` with 2 single-threaded workers on loopback (their PYTHONPATH holds
    this folder, so they import the steps), stopped after."""
    import signal
    import socket

    from distributed import Client

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    here = str(Path(__file__).resolve().parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([here, os.environ.get("PYTHONPATH", "")])}
    dask = str(Path(sys.executable).parent / "dask")
    commands = [
        [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        [dask, "worker", address, "--host", "127.0.0.1", "--no-dashboard"]
        + ["--nworkers", "2", "--nthreads", "1"],
    ]
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for command in commands:
            processes.append(
                subprocess.Popen(
                    command,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    start_new_session=True,
                )
            )
        with Client(address, set_as_default=False, timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        for process in reversed(processes):  # workers first
            for sig in (signal.SIGTERM, signal.SIGKILL):
                with suppress(ProcessLookupError):
                    os.killpg(process.pid, sig)
                with suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=10)
                    break


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

    with ExitStack() as scope:
        root = scope.enter_context(temp_home("orchestrators"))
        # Worker processes inherit this environment. Users normally have .pyc files; some
        # sandboxes turn them off (PYTHONDONTWRITEBYTECODE), which makes each worker compile
        # stackwise from source at start-up. The cache lives under the temp dir.
        env = bytecode_env(root, cached=not args.no_pyc)
        for key in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX"):
            os.environ.pop(key, None)
            if key in env:
                os.environ[key] = env[key]
        if "dask_cluster" in names and "DASK_ADDRESS" not in os.environ:
            os.environ["DASK_ADDRESS"] = scope.enter_context(running_cluster())
        loops = calibrate(args.seconds)
        bodies = statistics.median(plain_chain() for _ in range(5))
        for name in names:  # warm: stacks, imports, pipeline records, warm processes
            use(name)
            chain()
        # Rounds interleave the orchestrators, so load from other processes on the machine
        # hits all of them alike; a speedup is the median of its per-round ratios.
        rows = [*names[:1], *(r for n in names[1:] for r in (n, *[f"{n} (cold)"] * (n in COLD)))]
        fan: dict[str, list[float]] = {r: [] for r in rows}
        chains: dict[str, list[float]] = {n: [] for n in names}
        plain: dict[str, list[float]] = {PLAIN_SEQUENTIAL: [], PLAIN_POOL: []}
        for _ in range(args.fan_repeat):
            plain[PLAIN_SEQUENTIAL].append(timed(lambda: [burn(loops) for _ in range(FAN_OUT)]))
            plain[PLAIN_POOL].append(timed(lambda: plain_pool(loops)))
            for name in names:
                use(name)
                fan[name].append(timed(lambda: fan_out(loops)))
                if name in COLD:
                    release(name)
                    fan[f"{name} (cold)"].append(timed(lambda: fan_out(loops)))
        for _ in range(args.repeat):
            for name in names:
                use(name)
                chains[name].append(timed(chain))
        floors = {name: dask_task_latency(name) for name in names}

        base = fan[names[0]]
        ideal = [ideal_time(t, min(plain[PLAIN_SEQUENTIAL])) for t in base]
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
        fan_rows.append(
            [
                f"ideal on {os.cpu_count()} cores (see docstring)",
                fmt_seconds(statistics.median(ideal)),
                " ".join(fmt_seconds(t) for t in ideal),
                f"{speedup(base, ideal):.2f}x",
                "-",
                "-",
            ]
        )
        for row in rows:
            ratio = speedup(base, fan[row])
            budget = SPEEDUP_BUDGETS.get(row.split()[0]) if row != names[0] else None
            fan_rows.append(
                [
                    row,
                    fmt_seconds(statistics.median(fan[row])),
                    " ".join(fmt_seconds(t) for t in fan[row]),
                    f"{ratio:.2f}x",
                    f">= {budget}x" if budget else "-",
                    "-"
                    if budget is None
                    else "ok"
                    if ratio >= budget
                    else f"UNDER budget (the bare pool got {floor:.2f}x in the same rounds)",
                ]
            )
        print_table(
            f"Fan-out of {FAN_OUT} CPU-bound steps of ~{args.seconds:g} s each + "
            f"fan-in ({machine_note()}; median of {args.fan_repeat} interleaved "
            f"rounds; speedup: plain rows over one call after another, the rest "
            f"over {names[0]}; (cold): the process's first run, nothing kept warm)",
            ["", "run (median)", "rounds", "speedup", "budget", "verdict"],
            fan_rows,
        )
        chain_rows = []
        for name in names:
            total = statistics.median(chains[name])
            per_step = (total - bodies) / CHAIN * 1000
            dask_floor = floors[name]
            budget = PER_STEP_BUDGET_MS.get(name)
            chain_rows.append(
                [
                    name,
                    fmt_seconds(total),
                    fmt_ms(per_step),
                    "-" if dask_floor is None else fmt_ms(dask_floor * 1000),
                    "-" if dask_floor is None else fmt_ms(per_step - dask_floor * 1000),
                    "-" if budget is None else f"<= {budget:g} ms",
                    "-" if budget is None else "ok" if per_step <= budget else "OVER budget",
                ]
            )
        print_table(
            f"{CHAIN}-step chain of trivial int steps, caching off (median of "
            f"{args.repeat}; plain-Python bodies {fmt_ms(bodies * 1000)} in all; Dask "
            f"floor: a chain of {DASK_FLOOR_TASKS} trivial Dask tasks on the same cluster)",
            [
                "orchestrator",
                "run",
                "overhead/step",
                "Dask floor/task",
                "stackwise/step",
                "budget",
                "verdict",
            ],
            chain_rows,
        )
        if "local_parallel" in names:
            pyc = "no bytecode cache" if args.no_pyc else "bytecode cached"
            print(
                f"\nlocal_parallel: starting one worker process (a fresh interpreter importing "
                f"stackwise, {pyc}) takes {fmt_seconds(worker_start_time(3))}: a process's "
                "first run starts as many as its widest level of steps (up to max_workers) "
                "while the run is recorded; later runs reuse them."
            )


if __name__ == "__main__":
    main()
