"""Logging metadata to artifact versions, step runs and pipeline runs, in the forms ZenML users
write (the seed's `log_artifact_metadata(artifact_name=..., metadata=...)` and `log_metadata`),
and reading it back through `.run_metadata`."""

from __future__ import annotations

from typing import Annotated

import pytest

from stackwise import log_artifact_metadata, log_metadata, pipeline, save_artifact, step
from stackwise.client import Client


def _logged(run_metadata: dict, expected: dict) -> bool:
    """Every logged key is there with its value (materializers add keys of their own)."""
    return {k: run_metadata.get(k) for k in expected} == expected


@step
def raw_data(rows: int = 3) -> Annotated[list, "raw_dataframe"]:
    data = list(range(rows))
    log_artifact_metadata(
        artifact_name="raw_dataframe",
        metadata={"num_rows": len(data), "source_uri": "memory://rows"},
    )
    return data


@step
def evaluate(data: list) -> Annotated[dict, "evaluation_metrics"]:
    metrics = {"accuracy": 0.9, "n": len(data)}
    log_artifact_metadata(artifact_name="evaluation_metrics", metadata=metrics)
    return metrics


@step
def logs_to_itself(data: list) -> int:
    log_metadata({"rows_seen": len(data), "nested": {"ok": True}})
    return len(data)


@step
def logs_to_its_single_output() -> int:
    log_artifact_metadata(metadata={"kind": "single"})
    return 1


@step
def logs_to_a_manual_artifact() -> int:
    save_artifact([1, 2], "manual_in_step")
    log_artifact_metadata(metadata={"from": "step"}, artifact_name="manual_in_step")
    return 2


@pipeline
def seed_like():
    evaluate(raw_data())


@pipeline(enable_cache=False)
def step_level():
    logs_to_itself(raw_data())


@pipeline(enable_cache=False)
def single_output():
    logs_to_its_single_output()


@pipeline(enable_cache=False)
def manual_artifact():
    logs_to_a_manual_artifact()


def test_seed_form_lands_on_the_output_artifact():
    run = seed_like()
    raw = run.steps["raw_data"].outputs["raw_dataframe"]
    assert _logged(raw.run_metadata, {"num_rows": 3, "source_uri": "memory://rows"})
    metrics = run.steps["evaluate"].output
    assert _logged(metrics.run_metadata, {"accuracy": 0.9, "n": 3})
    assert Client().get_artifact_version("evaluation_metrics").run_metadata["accuracy"] == 0.9


def test_output_metadata_is_not_logged_on_the_step_run():
    run = seed_like()
    assert run.steps["raw_data"].run_metadata == {}
    assert run.run_metadata == {}


def test_cached_rerun_keeps_the_metadata_of_the_reused_version():
    seed_like()
    second = seed_like()
    assert second.steps["raw_data"].status == "cached"
    assert second.steps["raw_data"].output.run_metadata["num_rows"] == 3


def test_log_artifact_metadata_without_a_name_targets_the_single_output():
    run = single_output()
    assert _logged(run.steps["logs_to_its_single_output"].output.run_metadata, {"kind": "single"})


def test_log_artifact_metadata_on_an_artifact_saved_in_the_step():
    run = manual_artifact()
    output = run.steps["logs_to_a_manual_artifact"].outputs["manual_in_step"]
    assert _logged(output.run_metadata, {"from": "step"})


def test_log_metadata_inside_a_step_lands_on_the_step_run():
    run = step_level()
    step_run = run.steps["logs_to_itself"]
    assert step_run.run_metadata == {"rows_seen": 3, "nested": {"ok": True}}
    assert "rows_seen" not in step_run.output.run_metadata
    assert Client().get_run_step(step_run.id).run_metadata["rows_seen"] == 3


def test_log_metadata_to_a_run_by_name():
    run = step_level()
    log_metadata({"reviewed_by": "ana", "score": 0.5}, run_id_name_or_prefix=run.name)
    assert Client().get_pipeline_run(run.name).run_metadata == {"reviewed_by": "ana", "score": 0.5}


def test_log_metadata_to_a_run_by_id():
    run = step_level()
    log_metadata({"k": 1}, run_id_name_or_prefix=run.id)
    assert Client().get_pipeline_run(run.id).run_metadata == {"k": 1}


def test_log_metadata_to_a_step_by_name_outside():
    run = step_level()
    log_metadata({"note": "checked"}, step_name="logs_to_itself", run_id_name_or_prefix=run.name)
    step_run = Client().get_pipeline_run(run.name).steps["logs_to_itself"]
    assert step_run.run_metadata["note"] == "checked"
    assert step_run.run_metadata["rows_seen"] == 3


def test_log_metadata_to_an_artifact_version_outside():
    save_artifact(1, "config")
    save_artifact(2, "config")
    log_metadata({"approved": True}, artifact_name="config", artifact_version="1")
    assert _logged(Client().get_artifact_version("config", "1").run_metadata, {"approved": True})
    assert "approved" not in Client().get_artifact_version("config", "2").run_metadata


def test_log_metadata_to_the_newest_artifact_version_outside():
    save_artifact(1, "config")
    save_artifact(2, "config")
    log_metadata({"latest": True}, artifact_name="config")
    assert _logged(Client().get_artifact_version("config", "2").run_metadata, {"latest": True})
    assert "latest" not in Client().get_artifact_version("config", "1").run_metadata


def test_log_artifact_metadata_outside_a_step():
    version = save_artifact({"x": 1}, "model")
    log_artifact_metadata(metadata={"f1": 0.7}, artifact_name="model")
    log_artifact_metadata(metadata={"f1": 0.8}, artifact_name="model", artifact_version="1")
    # logged twice: the newest value wins
    assert _logged(Client().get_artifact_version(version.id).run_metadata, {"f1": 0.8})


def test_log_metadata_outside_a_step_without_a_target_is_a_value_error():
    with pytest.raises(ValueError, match="outside a step needs a target"):
        log_metadata({"x": 1})


def test_log_artifact_metadata_outside_a_step_without_a_name_is_a_value_error():
    with pytest.raises(ValueError, match="artifact_name"):
        log_artifact_metadata(metadata={"x": 1})


def test_log_metadata_to_an_unknown_artifact_is_a_key_error():
    with pytest.raises(KeyError):
        log_metadata({"x": 1}, artifact_name="nothing_here")
