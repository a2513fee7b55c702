"""A ~100 MB DataFrame of numeric columns handed from one step to the next, against raw pyarrow
Parquet writing and reading the same frame (budget: stackwise <= 1.3x raw).

Prints, as medians:
* raw: `pq.write_table(pa.Table.from_pandas(df))` + `pq.read_table(...).to_pandas()`, and the
  same through pandas (`df.to_parquet` + `pd.read_parquet`), which the materializer uses;
* stackwise, a whole 2-step pipeline (producer returns the frame, consumer reads it), caching
  off: save + load plus two steps of bookkeeping;
* stackwise, `save_artifact` + `load_artifact` alone.

Run: .venv/bin/python benchmarks/bench_dataframe.py [--mb 100] [--repeat 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from _common import fmt_seconds, machine_note, print_table, temp_home

from stackwise import load_artifact, pipeline, save_artifact, step

FRAME: pd.DataFrame | None = None


@step
def produce() -> pd.DataFrame:
    assert FRAME is not None
    return FRAME


@step
def consume(frame: pd.DataFrame) -> int:
    return int(frame.shape[0])


@pipeline(enable_cache=False)
def hand_over():
    consume(produce())


def make_frame(megabytes: int, columns: int = 10) -> pd.DataFrame:
    rows = megabytes * 1_000_000 // (8 * columns)
    data = np.random.default_rng(0).standard_normal((rows, columns))
    return pd.DataFrame(data, columns=[f"c{i}" for i in range(columns)])


def raw_pyarrow(frame: pd.DataFrame, path: Path) -> tuple[float, float]:
    begin = time.perf_counter()
    pq.write_table(pa.Table.from_pandas(frame), path)
    written = time.perf_counter()
    back = pq.read_table(path).to_pandas()
    read = time.perf_counter()
    assert back.shape == frame.shape
    path.unlink()
    return written - begin, read - written


def raw_pandas(frame: pd.DataFrame, path: Path) -> tuple[float, float]:
    begin = time.perf_counter()
    frame.to_parquet(path, engine="pyarrow")
    written = time.perf_counter()
    back = pd.read_parquet(path, engine="pyarrow")
    read = time.perf_counter()
    assert back.shape == frame.shape
    path.unlink()
    return written - begin, read - written


def main() -> None:
    global FRAME
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=100, help="size of the frame's data in MB")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (median)")
    args = parser.parse_args()

    with temp_home("dataframe") as root:
        FRAME = make_frame(args.mb)
        size_mb = FRAME.memory_usage(index=True, deep=True).sum() / 1e6
        hand_over()  # warm-up: imports, store, default stack, materializer registry

        artifacts = Path(str(save_artifact(1, "probe").uri)).parent.parent
        arrow, pandas_io, pipeline_times, saves, loads = [], [], [], [], []
        raw_pyarrow(FRAME, root / "arrow.parquet")  # warm-up: allocator, page cache
        raw_pandas(FRAME, root / "pandas.parquet")
        # interleaved, so drift on a shared machine hits every figure alike
        for i in range(args.repeat):
            arrow.append(raw_pyarrow(FRAME, root / "arrow.parquet"))
            pandas_io.append(raw_pandas(FRAME, root / "pandas.parquet"))

            begin = time.perf_counter()
            run = hand_over()
            pipeline_times.append(time.perf_counter() - begin)
            assert run.steps["consume"].output.load() == len(FRAME)

            begin = time.perf_counter()
            version = save_artifact(FRAME, f"frame_{i}")
            saved = time.perf_counter()
            back = load_artifact(f"frame_{i}")
            loaded = time.perf_counter()
            saves.append(saved - begin)
            loads.append(loaded - saved)
            if i == 0:
                pd.testing.assert_frame_equal(back, FRAME)
            del back
            shutil.rmtree(version.uri, ignore_errors=True)
            for step_run in run.steps.values():  # keep the temp disk use flat
                for output in step_run.outputs.values():
                    if output.uri.startswith(str(artifacts)) and "DataFrame" in output.data_type:
                        shutil.rmtree(output.uri, ignore_errors=True)

        def med(values: list[float]) -> float:
            return statistics.median(values)

        arrow_totals = [w + r for w, r in arrow]
        pandas_totals = [w + r for w, r in pandas_io]
        # the reference is raw Parquet done well: the faster of the two raw ways, per round
        raw_totals = [min(x, y) for x, y in zip(arrow_totals, pandas_totals, strict=True)]
        saveload = [s + lo for s, lo in zip(saves, loads, strict=True)]
        raw, raw_best = med(raw_totals), min(raw_totals)

        def row(
            what: str,
            write: list[float] | None,
            read: list[float] | None,
            totals: list[float],
            budgeted: bool,
        ) -> list[str]:
            ratio = med(totals) / raw
            best_ratio = min(totals) / raw_best
            if not budgeted:
                judged = "reference"
            elif ratio <= 1.3:
                judged = "ok"
            else:
                judged = f"OVER budget by {(ratio / 1.3 - 1) * 100:.0f}%"
            return [
                what,
                fmt_seconds(med(write)) if write else "-",
                fmt_seconds(med(read)) if read else "-",
                fmt_seconds(med(totals)),
                fmt_seconds(min(totals)),
                f"{ratio:.2f}x",
                f"{best_ratio:.2f}x",
                "<= 1.3x" if budgeted else "-",
                judged,
            ]

        rows = [
            row(
                "raw pyarrow write_table + read_table",
                [w for w, _ in arrow],
                [r for _, r in arrow],
                arrow_totals,
                False,
            ),
            row(
                "raw pandas to_parquet + read_parquet",
                [w for w, _ in pandas_io],
                [r for _, r in pandas_io],
                pandas_totals,
                False,
            ),
            row("raw reference (faster of the two)", None, None, raw_totals, False),
            row("stackwise 2-step pipeline (whole run)", None, None, pipeline_times, True),
            row("stackwise save_artifact + load_artifact", saves, loads, saveload, True),
        ]
        print_table(
            f"{size_mb:.0f} MB DataFrame ({len(FRAME):,} rows x {FRAME.shape[1]} float64 "
            f"columns), {args.repeat} interleaved rounds; {machine_note()}",
            [
                "what",
                "write (med)",
                "read (med)",
                "total (med)",
                "total (best)",
                "vs raw (med)",
                "vs raw (best)",
                "budget",
                "verdict",
            ],
            rows,
        )
        print("\nDESIGN references: ZenML 0.98 13x; floor 0.75 s.")


if __name__ == "__main__":
    main()
