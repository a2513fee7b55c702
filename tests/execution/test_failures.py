"""A failing step: the pipeline call raises with the step and the original error, the run and
the step are `failed` with the traceback kept, downstream steps get no step run, independent
branches still complete, and nothing half-written is left registered or on disk."""

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import pytest

from stackwise import get_step_context, pipeline, step
from stackwise.client import Client
from stackwise.exceptions import PipelineRunFailedError, StackwiseError
from stackwise.materializers.base_materializer import BaseMaterializer

CALLS: list[str] = []
FLAGS: dict[str, bool] = {}


@pytest.fixture(autouse=True)
def _reset() -> Iterator[None]:
    CALLS.clear()
    FLAGS.clear()
    yield
    CALLS.clear()
    FLAGS.clear()


@step
def start() -> Annotated[int, "seed"]:
    CALLS.append("start")
    return 1


@step
def explode(seed: int) -> Annotated[int, "exploded"]:
    CALLS.append("explode")
    if FLAGS.get("fixed"):
        return seed
    raise ValueError("kaboom: the data is bad")


@step
def after_explode(value: int) -> int:
    CALLS.append("after_explode")
    return value


@step
def far_downstream(value: int) -> int:
    CALLS.append("far_downstream")
    return value


@step
def independent(seed: int) -> Annotated[int, "independent_result"]:
    CALLS.append("independent")
    return seed * 10


@step
def half_written() -> tuple[Annotated[int, "first_part"], Annotated[int, "second_part"]]:
    CALLS.append("half_written")
    return 1, "not an int"  # type: ignore[return-value]


@step
def writes_then_fails() -> Annotated[str, "scratch"]:
    CALLS.append("writes_then_fails")
    folder = Path(get_step_context().get_output_artifact_uri())
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "partial.bin").write_bytes(b"half")
    raise OSError("disk full halfway")


class _BrokenMaterializer(BaseMaterializer):
    """Writes part of the data, then fails: a materializer bug users do hit."""

    SKIP_REGISTRATION = True
    ASSOCIATED_TYPES = (dict,)

    def save(self, data: dict) -> None:
        with self.open("part-0.json", "w") as f:
            f.write("{}")
        raise RuntimeError("serializer crashed")

    def load(self, data_type: type) -> dict:
        raise AssertionError("never saved")


@step(output_materializers={"table": _BrokenMaterializer})
def broken_save() -> Annotated[dict, "table"]:
    CALLS.append("broken_save")
    return {"a": 1}


@pipeline
def broken_save_pipeline():
    broken_save()


@pipeline
def failing():
    seed = start()
    far_downstream(after_explode(explode(seed)))
    independent(seed)


@pipeline
def half_written_pipeline():
    half_written()


@pipeline
def writes_then_fails_pipeline():
    writes_then_fails()


def _artifact_store_root() -> Path:
    return Path(Client().active_stack.artifact_store.path)


def _run_failing() -> tuple[PipelineRunFailedError, object]:
    with pytest.raises(PipelineRunFailedError) as info:
        failing()
    return info.value, Client().get_pipeline("failing").last_run


def test_failing_step_makes_the_pipeline_call_raise_with_the_step_and_the_original_error():
    error, run = _run_failing()

    assert isinstance(error, RuntimeError)
    assert isinstance(error, StackwiseError)
    message = str(error)
    assert f"Pipeline run '{run.name}' has failed due to failure in step(s): explode" in message
    assert "explode: ValueError: kaboom: the data is bad" in message
    assert error.failed_steps == ["explode"]
    assert error.run.id == run.id
    assert isinstance(error.errors["explode"], ValueError)
    # kept as the (unprinted) context, so a script that does not catch it prints the summary
    assert error.__context__ is error.errors["explode"] and error.__suppress_context__
    assert error.__cause__ is None


def test_failed_run_and_step_are_recorded_as_failed_with_the_traceback():
    _, run = _run_failing()

    assert run.status == "failed"
    assert run.end_time is not None
    step_run = run.steps["explode"]
    assert step_run.status == "failed"
    info = step_run.exception_info
    assert "ValueError: kaboom: the data is bad" in info["traceback"]
    assert "in explode" in info["traceback"]
    assert info["type"] == "builtins.ValueError"
    assert info["message"] == "kaboom: the data is bad"
    assert Client().list_pipeline_runs(status="failed").total == 1


def test_downstream_steps_of_a_failed_step_get_no_step_run_and_do_not_execute():
    _, run = _run_failing()

    assert "after_explode" not in run.steps
    assert "far_downstream" not in run.steps
    assert "after_explode" not in CALLS
    assert "far_downstream" not in CALLS


def test_independent_branch_still_completes():
    _, run = _run_failing()

    assert run.steps["start"].status == "completed"
    assert run.steps["independent"].status == "completed"
    assert run.steps["independent"].output.load() == 10
    assert CALLS.count("independent") == 1


def test_failed_step_registers_no_output_artifact():
    _, run = _run_failing()

    assert run.steps["explode"].outputs == {}
    assert Client().list_artifact_versions(name="exploded").total == 0


def test_rerun_after_a_fix_reuses_completed_steps_and_runs_the_rest():
    _run_failing()
    FLAGS["fixed"] = True
    CALLS.clear()

    run = failing()

    assert run.status == "completed"
    assert run.steps["start"].status == "cached"
    assert run.steps["independent"].status == "cached"
    assert run.steps["explode"].status == "completed"
    assert run.steps["after_explode"].status == "completed"
    assert run.steps["far_downstream"].output.load() == 1
    assert CALLS == ["explode", "after_explode", "far_downstream"]


def test_output_saved_before_a_later_output_failed_is_neither_registered_nor_kept():
    with pytest.raises(PipelineRunFailedError, match="output 'second_part' should be int"):
        half_written_pipeline()

    run = Client().get_pipeline("half_written_pipeline").last_run
    assert run.steps["half_written"].status == "failed"
    assert run.steps["half_written"].outputs == {}
    assert Client().list_artifact_versions().total == 0
    folder = _artifact_store_root() / "first_part"
    assert not folder.exists() or list(folder.iterdir()) == []


def test_materializer_failing_halfway_leaves_nothing_registered_or_on_disk():
    with pytest.raises(PipelineRunFailedError, match="RuntimeError: serializer crashed") as info:
        broken_save_pipeline()

    step_run = info.value.run.steps["broken_save"]
    assert step_run.status == "failed"
    assert "serializer crashed" in step_run.exception_info["traceback"]
    assert Client().list_artifact_versions().total == 0
    folder = _artifact_store_root() / "table"
    assert not folder.exists() or list(folder.rglob("*")) == []


def test_files_a_failed_step_wrote_into_its_output_folder_are_removed():
    with pytest.raises(PipelineRunFailedError, match="OSError: disk full halfway"):
        writes_then_fails_pipeline()

    assert Client().list_artifact_versions().total == 0
    folder = _artifact_store_root() / "scratch"
    leftovers = (
        sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []
    )
    assert leftovers == []
