"""`save_artifact` / `load_artifact` inside and outside steps, `ExternalArtifact` and Client
artifact versions as step inputs, and loading an artifact whose files are gone."""

from __future__ import annotations

import os
import shutil
from typing import Annotated

import pytest

from stackwise import ExternalArtifact, load_artifact, pipeline, save_artifact, step
from stackwise.client import Client
from stackwise.exceptions import EntityExistsError, MaterializerError
from stackwise.store import get_store

CALLS: list[str] = []


@pytest.fixture(autouse=True)
def _reset_calls():
    CALLS.clear()
    yield
    CALLS.clear()


def _version_names(name: str) -> list[str]:
    return sorted(v.version for v in Client().list_artifact_versions(name=name, size=1000))


# -- outside steps ----------------------------------------------------------------------------
def test_versions_count_up_per_name():
    first = save_artifact({"a": 1}, "config")
    second = save_artifact({"a": 2}, "config")
    third = save_artifact({"a": 3}, "config")
    assert [first.version, second.version, third.version] == ["1", "2", "3"]
    assert save_artifact([1], "other").version == "1"
    assert load_artifact("config") == {"a": 3}
    assert load_artifact("config", version="1") == {"a": 1}
    assert load_artifact("config", version=2) == {"a": 2}
    assert first.load() == {"a": 1}


def test_saved_version_records_how_it_was_made():
    version = save_artifact([1, 2, 3], "numbers", tags=["raw", "small"])
    assert version.name == "numbers"
    assert [t.name for t in version.tags] == ["raw", "small"]
    assert version.save_type == "manual"
    assert version.producer_step_run_id is None
    assert os.path.isdir(version.uri)
    assert version.uri.startswith(str(Client().active_stack.artifact_store.path))


def test_explicit_version_name():
    save_artifact(1, "model")
    gold = save_artifact(2, "model", version="gold")
    assert gold.version == "gold"
    assert load_artifact("model", version="gold") == 2
    assert load_artifact("model") == 2  # the newest
    assert save_artifact(3, "model").version == "2"  # numbering skips named versions
    assert _version_names("model") == ["1", "2", "gold"]


def test_load_artifact_by_version_id():
    version = save_artifact("hello", "greeting")
    assert load_artifact(version.id) == "hello"


def test_duplicate_explicit_version_is_an_error_and_registers_nothing():
    save_artifact("first", "model", version="gold")
    folder = os.path.dirname(Client().get_artifact_version("model", "gold").uri)
    before = sorted(os.listdir(folder))

    with pytest.raises(EntityExistsError, match="'model' already has a version 'gold'"):
        save_artifact("second", "model", version="gold")

    assert _version_names("model") == ["gold"]
    assert load_artifact("model", version="gold") == "first"
    assert sorted(os.listdir(folder)) == before, "the refused version left files behind"


def test_duplicate_numeric_version_is_an_error():
    save_artifact("a", "thing")
    with pytest.raises(EntityExistsError):
        save_artifact("b", "thing", version=1)
    assert _version_names("thing") == ["1"]


def test_load_unknown_artifact_is_a_key_error():
    save_artifact(1, "config")
    with pytest.raises(KeyError, match="Did you mean 'config'"):
        load_artifact("confg")
    with pytest.raises(KeyError, match="version of artifact 'config'"):
        load_artifact("config", version="7")


def test_loading_an_artifact_whose_files_were_deleted_names_it_and_its_uri():
    version = save_artifact({"a": 1}, "fragile")
    shutil.rmtree(version.uri)
    with pytest.raises(MaterializerError) as info:
        load_artifact("fragile")
    message = str(info.value)
    assert "'fragile'" in message
    assert version.uri in message
    with pytest.raises(MaterializerError, match="fragile"):
        Client().get_artifact_version("fragile").load()


# -- inside steps -----------------------------------------------------------------------------
@step
def saves_on_the_side(value: int = 1) -> Annotated[int, "result"]:
    CALLS.append("saves_on_the_side")
    save_artifact({"value": value}, "side_artifact", tags=["side"])
    return value + 1


@step
def reads_saved() -> Annotated[dict, "copy"]:
    CALLS.append("reads_saved")
    return load_artifact("side_artifact")


@pipeline
def side_pipeline(value: int = 1):
    saves_on_the_side(value=value)


@pipeline
def save_then_load():
    first = saves_on_the_side()
    reads_saved(after=first)


def test_artifact_saved_in_a_step_shows_in_its_outputs():
    run = side_pipeline()
    outputs = run.steps["saves_on_the_side"].outputs
    assert set(outputs) == {"result", "side_artifact"}
    side = outputs["side_artifact"]
    assert side.load() == {"value": 1}
    assert side.version == "1"
    assert [t.name for t in side.tags] == ["side"]
    assert side.producer_step_run_id == run.steps["saves_on_the_side"].id
    assert load_artifact("side_artifact") == {"value": 1}


def test_a_downstream_step_loads_what_an_upstream_step_saved():
    run = save_then_load()
    assert run.steps["reads_saved"].output.load() == {"value": 1}


def test_cached_rerun_creates_no_new_versions():
    first = side_pipeline()
    second = side_pipeline()
    assert CALLS == ["saves_on_the_side"]
    assert second.steps["saves_on_the_side"].status == "cached"
    assert _version_names("side_artifact") == ["1"]
    assert _version_names("result") == ["1"]
    assert (
        second.steps["saves_on_the_side"].outputs["result"][0].id
        == first.steps["saves_on_the_side"].outputs["result"][0].id
    )


def test_a_changed_parameter_saves_a_new_version():
    side_pipeline(value=1)
    side_pipeline(value=5)
    assert _version_names("side_artifact") == ["1", "2"]
    assert load_artifact("side_artifact") == {"value": 5}


# -- inputs from outside the pipeline ---------------------------------------------------------
@step
def total(values: list) -> Annotated[int, "total"]:
    CALLS.append("total")
    return sum(values)


@pipeline(enable_cache=False)
def sum_external():
    total(ExternalArtifact(value=[1, 2, 3], name="external_numbers"))


@pipeline(enable_cache=False)
def sum_version(version_id: str):
    total(Client().get_artifact_version(version_id))


def test_external_artifact_is_saved_and_loaded_as_an_input():
    run = sum_external()
    step_run = run.steps["total"]
    assert step_run.output.load() == 6
    used = step_run.inputs["values"]
    assert used.name == "external_numbers"
    assert used.load() == [1, 2, 3]
    assert used.save_type == "external"
    assert _version_names("external_numbers") == ["1"]


def test_client_artifact_version_as_input_is_used_as_is():
    saved = save_artifact([10, 20], "inputs")
    versions_before = get_store().list_artifact_versions(size=1000).total

    run = sum_version(str(saved.id))

    step_run = run.steps["total"]
    assert step_run.output.load() == 30
    assert step_run.inputs["values"].id == saved.id
    assert _version_names("inputs") == ["1"]
    # only the step's own output is new
    assert get_store().list_artifact_versions(size=1000).total == versions_before + 1


def test_client_artifact_version_passed_directly():
    saved = save_artifact([4, 5], "inputs")

    @pipeline(enable_cache=False)
    def direct():
        total(Client().get_artifact_version("inputs", "1"))

    run = direct()
    assert run.steps["total"].inputs["values"].id == saved.id
    assert run.steps["total"].output.load() == 9
