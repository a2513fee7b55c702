"""A cached step whose output files were corrupted on disk (JSON, Parquet, .npy) is not reused:
a file of another size makes the cache hit a miss at once; one overwritten with as many bytes
fails the consumer's load with a message naming the artifact, marks the version, and the next
run — or a resume of the failed run — runs the producer again."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import Annotated, Any

import numpy as np
import pandas as pd
import pytest

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.enums import ExecutionStatus
from stackwise.exceptions import PipelineRunFailedError

S = ExecutionStatus
CALLS: list[str] = []


@pytest.fixture(autouse=True)
def _reset() -> Iterator[None]:
    CALLS.clear()
    yield
    CALLS.clear()


@step
def make_rows() -> Annotated[list, "rows"]:
    CALLS.append("make")
    return list(range(50))


@step
def make_frame() -> Annotated[pd.DataFrame, "frame"]:
    CALLS.append("make")
    return pd.DataFrame({"x": np.arange(50.0), "y": np.arange(50)})


@step
def make_array() -> Annotated[np.ndarray, "array"]:
    CALLS.append("make")
    return np.arange(50.0)


@step(enable_cache=False)
def count_rows(rows: list) -> int:
    CALLS.append("count")
    return len(rows)


@step(enable_cache=False)
def count_frame(frame: pd.DataFrame) -> int:
    CALLS.append("count")
    return len(frame)


@step(enable_cache=False)
def count_array(array: np.ndarray) -> int:
    CALLS.append("count")
    return len(array)


@pipeline
def rows_pipeline():
    count_rows(make_rows())


@pipeline
def frame_pipeline():
    count_frame(make_frame())


@pipeline
def array_pipeline():
    count_array(make_array())


# kind -> (pipeline, producer, consumer, the file a corruption overwrites, its materializer)
KINDS: dict[str, tuple[Any, str, str, str, str]] = {
    "json": (rows_pipeline, "make_rows", "count_rows", "data.json", "BuiltInContainerMaterializer"),
    "parquet": (frame_pipeline, "make_frame", "count_frame", "data.parquet", "PandasMaterializer"),
    "numpy": (array_pipeline, "make_array", "count_array", "data.npy", "NumpyMaterializer"),
}


def corrupt(path: str, *, same_size: bool) -> None:
    size = os.path.getsize(path)
    garbage = (b"corrupted!" * (size // 10 + 1))[:size] if same_size else b"corrupted"
    with open(path, "wb") as handle:
        handle.write(garbage)


def first_run(kind: str) -> tuple[Any, Any]:
    """Run the kind's pipeline once; (its run, the producer's output version)."""
    pipe, producer, _, _, _ = KINDS[kind]
    run = pipe()
    CALLS.clear()
    return run, run.steps[producer].output


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_cached_output_of_another_size_is_a_miss_and_is_marked(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    pipe, producer, consumer, filename, _ = KINDS[kind]
    _, version = first_run(kind)
    corrupt(os.path.join(version.uri, filename), same_size=False)

    with caplog.at_level(logging.WARNING, logger="stackwise"):
        run = pipe()

    assert run.steps[producer].status == S.COMPLETED  # not cached: it ran again
    assert CALLS == ["make", "count"]
    assert run.steps[consumer].output.load() == 50
    assert run.steps[producer].output.id != version.id
    assert f"Step '{producer}' is not cached" in caplog.text
    assert f"{filename} is 9 bytes" in caplog.text
    assert Client().get_artifact_version(str(version.id)).corrupted is not None


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_same_size_corruption_fails_the_consumer_then_the_next_run_recovers(kind: str) -> None:
    pipe, producer, consumer, filename, materializer = KINDS[kind]
    _, version = first_run(kind)
    corrupt(os.path.join(version.uri, filename), same_size=True)

    with pytest.raises(PipelineRunFailedError) as raised:
        pipe()

    failed = raised.value.run
    assert failed.steps[producer].status == S.CACHED  # sizes match: the cache hit stood
    assert CALLS == []  # the consumer failed loading its input, before its body
    info = failed.steps[consumer].exception_info
    assert info["type"] == "stackwise.exceptions.ArtifactCorruptedError"
    message = info["message"]
    assert f"Artifact '{version.name}' version {version.version} is corrupted" in message
    assert version.uri in message and materializer in message
    assert f"{filename} has other content than was saved" in message
    assert f"runs step '{producer}'" in message
    assert Client().get_artifact_version(str(version.id)).corrupted is not None

    again = pipe()

    assert again.steps[producer].status == S.COMPLETED
    assert again.steps[consumer].output.load() == 50
    assert CALLS == ["make", "count"]


@pytest.mark.parametrize("kind", list(KINDS))
def test_resume_of_a_run_that_failed_on_a_corrupted_cached_input_reruns_the_producer(
    kind: str,
) -> None:
    pipe, producer, consumer, filename, _ = KINDS[kind]
    _, version = first_run(kind)
    corrupt(os.path.join(version.uri, filename), same_size=True)
    with pytest.raises(PipelineRunFailedError) as raised:
        pipe()
    failed = raised.value.run

    resumed = Client().resume_run(failed.name)

    assert resumed.status == S.COMPLETED
    assert resumed.steps[producer].status == S.COMPLETED  # run again, not reused
    assert resumed.steps[producer].output.id != version.id
    assert resumed.steps[consumer].output.load() == 50
    assert CALLS == ["make", "count"]


def test_a_marked_output_is_never_a_cache_hit_again() -> None:
    _, version = first_run("json")
    Client().verify_artifact_versions()  # all fine: nothing marked
    get = Client().get_artifact_version
    assert get(str(version.id)).corrupted is None
    from stackwise.store import get_store

    get_store().mark_artifact_version_corrupted(str(version.id), "found broken by hand")

    run = rows_pipeline()

    assert run.steps["make_rows"].status == S.COMPLETED
    assert get(str(version.id)).corrupted["reason"] == "found broken by hand"
    again = rows_pipeline()
    assert again.steps["make_rows"].status == S.CACHED  # the new version is fine
    assert again.steps["make_rows"].output.id == run.steps["make_rows"].output.id
