"""How long a run takes to fail when a network component is down (DESIGN.md: "a dead network
component (tracker, store): the run fails within 10 s, naming it").

Each case is a fresh `python pipeline.py` process on a throw-away STACKWISE_HOME, timed from
start to exit (imports included), with what it printed to stderr and what the store recorded:

* tracker down at start: an MLflow tracker at a loopback port nothing listens on (the issue's
  `examples/fraud_detection` + `stacks/local-mlflow.yaml` with nothing on :5000): the probe
  before the first step fails the run, which is never recorded;
* the same with the probe off (STACKWISE_PROBE_TIMEOUT=0): the tracked step fails within the
  tracker's retry budget (request_timeout / max_retries); `--mlflow-defaults` adds MLflow's
  own budget (7 retries, backoff factor 2), which is what a run cost before (about 4 minutes);
* S3 store down at start: an S3 store whose endpoint is a closed port;
* S3 store down mid-run (needs moto_server): a step stops the server, its output cannot be
  saved; timed from the stop to the process exit;
* tracker down mid-run (needs `mlflow server`, `--with-mlflow-server`): a step stops the
  tracking server, the next (tracked) step fails within the budget.

Run: .venv/bin/python benchmarks/bench_unreachable.py [--mlflow-defaults] [--with-mlflow-server]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

from _common import PYTHON, fmt_seconds, machine_note, print_table

BUDGET = 10.0

SCRIPT = """
import os, signal, sys, time, warnings
from typing import Annotated

from stackwise import pipeline, step
from stackwise.client import Client

STOP = os.environ.get("BENCH_STOP_PID")


@step
def produce() -> Annotated[int, "number"]:
    return 1


@step
def maybe_stop(number: int) -> Annotated[dict, "payload"]:
    if STOP:
        os.killpg(int(STOP), signal.SIGTERM)  # the server goes away mid-run
        time.sleep(0.5)
        print(f"STOPPED {time.monotonic()}", file=sys.stderr, flush=True)
    return {"number": number}


@step(experiment_tracker=os.environ.get("BENCH_TRACKER") or None)
def tracked(payload: dict) -> int:
    return payload["number"]


@pipeline(enable_cache=False)
def bench_unreachable():
    tracked(maybe_stop(produce()))


if __name__ == "__main__":
    client = Client()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        components = {"orchestrator": "default", "artifact_store": "default"}
        if os.environ.get("BENCH_TRACKER"):
            config = {"tracking_uri": os.environ["BENCH_TRACKER_URI"]}
            if os.environ.get("BENCH_MLFLOW_DEFAULTS"):
                config.update(request_timeout=120, max_retries=7)
            client.create_stack_component("tracker", "mlflow", "experiment_tracker", config)
            components["experiment_tracker"] = "tracker"
        if os.environ.get("BENCH_S3"):
            client.create_stack_component("s3_store", "s3", "artifact_store", {
                "path": "s3://bench-unreachable/root", "key": "bench", "secret": "bench",
                "client_kwargs": {"endpoint_url": os.environ["BENCH_S3"]}})
            components["artifact_store"] = "s3_store"
        client.create_stack("bench", components)
        client.activate_stack("bench")
    print(f"START {time.monotonic()}", file=sys.stderr, flush=True)
    try:
        bench_unreachable()
    finally:
        print(f"END {time.monotonic()}", file=sys.stderr, flush=True)
        runs = client.list_pipeline_runs(pipeline_name="bench_unreachable")
        print("RUNS", "; ".join(
            f"{r.status.value} (" + ", ".join(f"{s.name} {s.status.value}"
                                              for s in r.step_attempts) + ")"
            for r in runs) or "none", file=sys.stderr)
"""


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(command: list[str], ready: str, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(ready, timeout=2):  # loopback
                return process
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    raise RuntimeError(f"{command[0]} did not start; see {log}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
            process.wait(timeout=10)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


def run_case(root: Path, name: str, env: dict[str, str]) -> list[object]:
    home = root / name
    script = root / "pipeline.py"
    script.write_text(textwrap.dedent(SCRIPT))
    full_env = {**os.environ, "STACKWISE_HOME": str(home), **env}
    full_env.pop("STACKWISE_STACK", None)
    begin = time.perf_counter()
    result = subprocess.run(
        [PYTHON, str(script)],
        cwd=root,
        env=full_env,
        text=True,
        capture_output=True,
        timeout=900,
        check=False,
    )
    wall = time.perf_counter() - begin
    lines = result.stderr.splitlines()
    stamps = {
        line.split()[0]: float(line.split()[1])
        for line in lines
        if line.startswith(("START ", "STOPPED ", "END "))
    }
    # from the stop (or the pipeline call) to the failure, on the child's own clock
    after_stop = stamps["END"] - stamps.get("STOPPED", stamps["START"]) if "END" in stamps else None
    runs = next((line[5:] for line in lines if line.startswith("RUNS ")), "?")
    shown = [line for line in lines if not line.startswith(("START ", "STOPPED ", "END ", "RUNS "))]
    # the error's own line (the note on hidden frames comes after it)
    last = next((line for line in reversed(shown) if line.strip() and line[0] != "("), "")
    return [name, fmt_seconds(wall), fmt_seconds(after_stop), len(shown), runs[:70], last[:90]]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--mlflow-defaults",
        action="store_true",
        help="also run with MLflow's own budget (takes about 4 minutes)",
    )
    parser.add_argument(
        "--with-mlflow-server",
        action="store_true",
        help="also stop a real MLflow server mid-run (starts one: ~20 s)",
    )
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="stackwise-bench-unreachable-"))
    rows = []
    try:
        down = closed_port_url()
        tracker = {"BENCH_TRACKER": "tracker", "BENCH_TRACKER_URI": down}
        rows.append(run_case(root, "tracker down at start", tracker))
        rows.append(
            run_case(root, "tracker down, probe off", {**tracker, "STACKWISE_PROBE_TIMEOUT": "0"})
        )
        if args.mlflow_defaults:
            rows.append(
                run_case(
                    root,
                    "tracker down, probe off, MLflow's budget",
                    {**tracker, "STACKWISE_PROBE_TIMEOUT": "0", "BENCH_MLFLOW_DEFAULTS": "1"},
                )
            )
        rows.append(run_case(root, "S3 store down at start", {"BENCH_S3": closed_port_url()}))
        moto = Path(PYTHON).parent / "moto_server"
        program = str(moto) if moto.exists() else shutil.which("moto_server")
        if program:
            port = free_port()
            server = start_server(
                [program, "-H", "127.0.0.1", "-p", str(port)],
                f"http://127.0.0.1:{port}/moto-api/data.json",
                root / "moto.log",
            )
            try:
                import boto3

                endpoint = f"http://127.0.0.1:{port}"
                boto3.client(
                    "s3",
                    endpoint_url=endpoint,
                    region_name="us-east-1",
                    aws_access_key_id="bench",
                    aws_secret_access_key="bench",
                ).create_bucket(Bucket="bench-unreachable")
                rows.append(
                    run_case(
                        root,
                        "S3 store down mid-run",
                        {"BENCH_S3": endpoint, "BENCH_STOP_PID": str(server.pid)},
                    )
                )
            finally:
                stop_server(server)
        else:
            rows.append(["S3 store down mid-run", "n/a (no moto_server)", "", "", "", ""])
        if args.with_mlflow_server:
            port = free_port()
            mlflow = Path(PYTHON).parent / "mlflow"
            server = start_server(
                [
                    str(mlflow),
                    "server",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--workers",
                    "1",
                    "--backend-store-uri",
                    f"sqlite:///{root / 'mlflow.db'}",
                    "--artifacts-destination",
                    str(root / "mlartifacts"),
                ],
                f"http://127.0.0.1:{port}/health",
                root / "mlflow.log",
            )
            try:
                rows.append(
                    run_case(
                        root,
                        "tracker down mid-run",
                        {
                            "BENCH_TRACKER": "tracker",
                            "BENCH_TRACKER_URI": f"http://127.0.0.1:{port}",
                            "BENCH_STOP_PID": str(server.pid),
                        },
                    )
                )
            finally:
                stop_server(server)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(machine_note())
    print_table(
        f"A dead network component: a whole `python pipeline.py` until it exits "
        f"(budget: fails within {BUDGET:g} s)",
        ["case", "process", "call/stop -> failure", "stderr lines", "runs recorded", "last line"],
        rows,
    )


if __name__ == "__main__":
    sys.exit(main())
