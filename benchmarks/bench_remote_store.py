"""A ~100 MB DataFrame saved and loaded on the local artifact store and on S3 over loopback
(`moto_server`, started here and stopped at the end), and the peak memory of a large upload.

Prints, as medians of interleaved rounds:
* the floors: pyarrow Parquet to a local file and back; the same file uploaded and downloaded
  with boto3 (`upload_file`/`download_file`), i.e. what a hand-written step would do on S3;
* stackwise `save_artifact` + `load_artifact` on the local store, on S3 through the built-in
  pandas materializer (streams through the store's file API, no staging), and on S3 through a
  path-based materializer (`df.to_parquet(os.path.join(self.uri, ...))`), which is staged
  through a local temporary folder;
* the peak memory of saving a ~500 MB frame, each case in a fresh process: the rise of the
  resident set's high-water mark (VmHWM, reset just before the save through
  /proc/self/clear_refs) over the resident set before the save, and tracemalloc's peak (Python
  and numpy allocations only: Arrow's memory pool is not traced, so VmHWM is the real figure).

moto keeps objects in its own process's memory: expect moto_server to grow by what is stored.

Run: .venv/bin/python benchmarks/bench_remote_store.py [--mb 100] [--repeat 3] [--upload-mb 500]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from _common import PYTHON, fmt_seconds, machine_note, print_table, temp_home

from stackwise.materializers.base_materializer import BaseMaterializer

CREDENTIALS = {"key": "bench", "secret": "bench"}
REGION = "us-east-1"


class StagedParquet(BaseMaterializer):
    """A DataFrame materializer written for local paths, as users write them: staged on S3."""

    ASSOCIATED_TYPES = ()

    def save(self, data: pd.DataFrame) -> None:
        os.makedirs(self.uri, exist_ok=True)
        data.to_parquet(os.path.join(self.uri, "data.parquet"), engine="pyarrow")

    def load(self, data_type: type[Any]) -> pd.DataFrame:
        return pd.read_parquet(os.path.join(self.uri, "data.parquet"), engine="pyarrow")


# -- moto_server -----------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def moto_server(log_dir: Path) -> Iterator[str]:
    """moto_server on a free loopback port, in a process group of its own; its endpoint URL.
    Stopped with SIGTERM (SIGKILL after 10 s) whatever happens."""
    program = Path(PYTHON).parent / "moto_server"
    if not program.exists():
        found = shutil.which("moto_server")
        if found is None:
            sys.exit('moto_server is not installed: pip install "moto[server]"')
        program = Path(found)
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    log = (log_dir / "moto_server.log").open("wb")
    process = subprocess.Popen(
        [str(program), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=2):
                    break
            except (urllib.error.URLError, OSError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"moto_server did not start; see {log_dir / 'moto_server.log'}"
                    ) from None
                time.sleep(0.1)
        yield endpoint
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                break
            try:
                process.wait(timeout=10)
                break
            except subprocess.TimeoutExpired:
                continue
        log.close()


def boto_client(endpoint: str) -> Any:
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=CREDENTIALS["key"],
        aws_secret_access_key=CREDENTIALS["secret"],
    )


def register_s3_stack(endpoint: str, bucket: str) -> None:
    """An S3 artifact store on `bucket` and a stack `cloud` using it (not activated)."""
    from stackwise.client import Client

    client = Client()
    with warnings.catch_warnings():  # the credentials in plain text: fine for a benchmark
        warnings.simplefilter("ignore", UserWarning)
        client.create_stack_component(
            "s3_store",
            "s3",
            "artifact_store",
            {
                "path": f"s3://{bucket}/stackwise",
                **CREDENTIALS,
                "client_kwargs": {"endpoint_url": endpoint, "region_name": REGION},
            },
        )
    client.create_stack("cloud", {"orchestrator": "default", "artifact_store": "s3_store"})


# -- timing ----------------------------------------------------------------------------------
def make_frame(megabytes: int, columns: int = 10) -> pd.DataFrame:
    rows = megabytes * 1_000_000 // (8 * columns)
    data = np.random.default_rng(0).standard_normal((rows, columns))
    return pd.DataFrame(data, columns=[f"c{i}" for i in range(columns)])


def timed_pair(write: Callable[[], Any], read: Callable[[], Any]) -> tuple[float, float, Any]:
    begin = time.perf_counter()
    write()
    middle = time.perf_counter()
    back = read()
    end = time.perf_counter()
    return middle - begin, end - middle, back


def raw_local(frame: pd.DataFrame, path: Path) -> tuple[float, float]:
    write, read, back = timed_pair(
        lambda: pq.write_table(pa.Table.from_pandas(frame), path),
        lambda: pq.read_table(path).to_pandas(),
    )
    assert back.shape == frame.shape
    path.unlink()
    return write, read


def raw_s3(frame: pd.DataFrame, path: Path, s3: Any, bucket: str) -> tuple[float, float]:
    """Parquet to a local file, uploaded with boto3; downloaded and read back."""
    key = f"raw/{uuid.uuid4()}.parquet"

    def write() -> None:
        pq.write_table(pa.Table.from_pandas(frame), path)
        s3.upload_file(str(path), bucket, key)
        path.unlink()

    def read() -> pd.DataFrame:
        s3.download_file(bucket, key, str(path))
        back = pq.read_table(path).to_pandas()
        path.unlink()
        return back

    w, r, back = timed_pair(write, read)
    assert back.shape == frame.shape
    s3.delete_object(Bucket=bucket, Key=key)
    return w, r


def stackwise_round(
    frame: pd.DataFrame, stack: str, name: str, materializer: type[BaseMaterializer] | None
) -> tuple[float, float]:
    from stackwise import load_artifact, save_artifact
    from stackwise.client import Client

    Client().activate_stack(stack)
    holder: dict[str, Any] = {}

    def write() -> None:
        holder["version"] = save_artifact(frame, name, materializer=materializer)

    w, r, back = timed_pair(write, lambda: load_artifact(holder["version"].id))
    assert back.shape == frame.shape
    artifact_store = Client().active_stack.artifact_store
    artifact_store.rmtree(holder["version"].uri)  # keep disk and moto's memory flat
    return w, r


# -- peak memory (one fresh process per case) ------------------------------------------------
def status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def child_peak(stack: str, megabytes: int, staged: bool) -> None:
    """In a fresh process: build the frame, reset the high-water mark, save, print JSON."""
    import gc
    import tracemalloc

    from stackwise import save_artifact
    from stackwise.client import Client

    Client().activate_stack(stack)
    frame = make_frame(megabytes)
    save_artifact(1, "warm_up")  # imports, store, stack
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
        reset = True
    except OSError:
        reset = False
    rss_before = status_kb("VmRSS")
    tracemalloc.start()
    begin = time.perf_counter()
    version = save_artifact(frame, "big", materializer=StagedParquet if staged else None)
    elapsed = time.perf_counter() - begin
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "frame_mb": frame.memory_usage(index=True).sum() / 1e6,
                "rss_before_mb": rss_before / 1024,
                "hwm_mb": status_kb("VmHWM") / 1024,
                "reset": reset,
                "traced_peak_mb": traced_peak / 1e6,
                "arrow_pool_max_mb": pa.default_memory_pool().max_memory() / 1e6,
                "seconds": elapsed,
            }
        )
    )
    Client().active_stack.artifact_store.rmtree(version.uri)


def peak_of(stack: str, megabytes: int, staged: bool) -> dict[str, Any]:
    result = subprocess.run(
        [PYTHON, __file__, "--child", stack, "--upload-mb", str(megabytes)]
        + (["--staged"] if staged else []),
        capture_output=True,
        text=True,
        timeout=1800,
        env=dict(os.environ),
        cwd=os.getcwd(),
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"peak-memory child failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def time_save_and_load(megabytes: int, repeat: int, root: Path, s3: Any, bucket: str) -> None:
    """The timing table: every case on the same frame, in interleaved rounds."""
    frame = make_frame(megabytes)
    size_mb = frame.memory_usage(index=True).sum() / 1e6

    cases: dict[str, Callable[[], tuple[float, float]]] = {
        "raw: pyarrow Parquet, local file": lambda: raw_local(frame, root / "raw.parquet"),
        "raw: pyarrow Parquet + boto3 upload/download": lambda: raw_s3(
            frame, root / "raw-s3.parquet", s3, bucket
        ),
        "stackwise, local store": lambda: stackwise_round(frame, "default", "frame", None),
        "stackwise, S3 (built-in, streamed)": lambda: stackwise_round(
            frame, "cloud", "frame", None
        ),
        "stackwise, S3 (path materializer, staged)": lambda: stackwise_round(
            frame, "cloud", "frame_staged", StagedParquet
        ),
    }
    for case in cases.values():  # warm-up: allocators, page cache, connections
        case()
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    for _ in range(repeat):  # interleaved: drift hits every figure alike
        for name, case in cases.items():
            results[name].append(case())

    local_total = statistics.median(w + r for w, r in results["stackwise, local store"])
    rows = []
    for name, pairs in results.items():
        totals = [w + r for w, r in pairs]
        rows.append(
            [
                name,
                fmt_seconds(statistics.median(w for w, _ in pairs)),
                fmt_seconds(statistics.median(r for _, r in pairs)),
                fmt_seconds(statistics.median(totals)),
                fmt_seconds(min(totals)),
                f"{statistics.median(totals) / local_total:.2f}x",
            ]
        )
    print_table(
        f"{size_mb:.0f} MB DataFrame ({len(frame):,} rows x {frame.shape[1]} float64 "
        f"columns) save + load, {repeat} interleaved rounds; {machine_note()}",
        ["what", "save (med)", "load (med)", "total (med)", "total (best)", "vs stackwise local"],
        rows,
    )


# -- main ------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=100, help="size of the timed frame in MB")
    parser.add_argument("--repeat", type=int, default=3, help="interleaved rounds (median)")
    parser.add_argument(
        "--upload-mb",
        type=int,
        default=500,
        help="size of the frame whose upload's peak memory is measured",
    )
    parser.add_argument("--skip-memory", action="store_true", help="timings only")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--staged", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_peak(args.child, args.upload_mb, args.staged)
        return

    with temp_home("remote-store") as root, moto_server(root) as endpoint:
        from stackwise import save_artifact

        bucket = f"bench-{uuid.uuid4().hex[:12]}"
        s3 = boto_client(endpoint)
        s3.create_bucket(Bucket=bucket)
        register_s3_stack(endpoint, bucket)
        save_artifact(1, "warm_up")  # creates the default stack
        time_save_and_load(args.mb, args.repeat, root, s3, bucket)

        if args.skip_memory:
            return
        memory_rows = []
        for label, stack, staged in (
            ("local store", "default", False),
            ("S3, built-in (streamed)", "cloud", False),
            ("S3, path materializer (staged)", "cloud", True),
        ):
            peak = peak_of(stack, args.upload_mb, staged)
            rise = peak["hwm_mb"] - peak["rss_before_mb"]
            memory_rows.append(
                [
                    label,
                    f"{peak['frame_mb']:.0f} MB",
                    f"{peak['rss_before_mb']:.0f} MB",
                    f"{peak['hwm_mb']:.0f} MB",
                    f"{rise:.0f} MB ({rise / peak['frame_mb']:.2f}x frame)"
                    if peak["reset"]
                    else "n/a (no clear_refs)",
                    f"{peak['traced_peak_mb']:.0f} MB",
                    f"{peak['arrow_pool_max_mb']:.0f} MB",
                    fmt_seconds(peak["seconds"]),
                ]
            )
        print_table(
            f"Peak memory of one save_artifact of a ~{args.upload_mb} MB frame, each in "
            "a fresh process",
            [
                "case",
                "frame",
                "RSS before",
                "VmHWM",
                "peak rise over RSS",
                "tracemalloc peak",
                "Arrow pool max",
                "save time",
            ],
            memory_rows,
        )


if __name__ == "__main__":
    main()
