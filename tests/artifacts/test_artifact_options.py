"""`save_artifact`'s options, `register_artifact` (files already in the artifact store, loaded
as a Path), `load_artifact` by id prefix, and `ExternalArtifact`'s members."""

from __future__ import annotations

import os
from pathlib import Path
from uuid import UUID

import pytest
from pydantic import ValidationError

from stackwise import (
    ArtifactConfig,
    ExternalArtifact,
    load_artifact,
    pipeline,
    register_artifact,
    save_artifact,
    step,
)
from stackwise.client import Client
from stackwise.enums import ArtifactSaveType, ArtifactType
from stackwise.exceptions import EntityCreationError
from stackwise.materializers.built_in_materializer import BuiltInMaterializer


def _root() -> str:
    return Client().active_stack.artifact_store.path


def test_save_artifact_options_are_recorded():
    version = save_artifact(
        "abc",
        "opts",
        artifact_type=ArtifactType.MODEL,
        tags=["t"],
        user_metadata={"um": 1},
        extract_metadata=False,
        include_visualizations=False,
        save_type=ArtifactSaveType.EXTERNAL,
        has_custom_name=False,
        materializer="stackwise.materializers.built_in_materializer.BuiltInMaterializer",
    )
    assert version.type == ArtifactType.MODEL
    assert version.save_type == ArtifactSaveType.EXTERNAL
    assert [t.name for t in version.tags] == ["t"]
    assert dict(version.run_metadata) == {"um": 1}  # kept without extracted metadata
    assert version.visualizations == []
    assert version.artifact.has_custom_name is False
    assert load_artifact("opts") == "abc"
    by_class = save_artifact("x", "by_class", materializer=BuiltInMaterializer)
    assert load_artifact(by_class.id) == "x"


def test_save_artifact_into_a_chosen_uri_inside_the_store():
    uri = os.path.join(_root(), "chosen")
    assert save_artifact(3, "chosen", uri=uri).uri == uri
    assert load_artifact("chosen") == 3
    with pytest.raises(EntityCreationError, match="already holds artifact 'chosen'"):
        save_artifact(4, "again", uri=uri)
    with pytest.raises(FileNotFoundError, match="outside the artifact store"):
        save_artifact(4, "outside", uri=os.path.join(os.path.dirname(_root()), "elsewhere"))
    store = Client().active_stack.artifact_store
    assert save_artifact(5, "given_store", artifact_store=store).uri.startswith(_root())
    with pytest.raises(ValueError, match="non-empty artifact name"):
        save_artifact(1, " ")


def test_load_artifact_by_id_and_prefix():
    version = save_artifact({"a": 1}, "loadable")
    save_artifact({"a": 2}, "loadable")
    assert load_artifact(version.id) == {"a": 1}
    assert load_artifact(str(version.id)[:8]) == {"a": 1}
    assert load_artifact("loadable") == {"a": 2}
    assert load_artifact("loadable", version=1) == {"a": 1}


def test_register_a_folder_and_a_file_where_they_are():
    folder = Path(_root(), "data_folder")
    folder.mkdir(parents=True)
    (folder / "rows.csv").write_text("a,b\n")
    single = Path(_root(), "single.txt")
    single.write_text("hi")

    version = register_artifact(str(folder), "raw", tags=["r"], artifact_metadata={"rows": 1})
    assert version.uri == str(folder) and version.version == "1"
    assert version.save_type == ArtifactSaveType.PREEXISTING
    assert version.type == ArtifactType.DATA
    assert version.run_metadata["rows"] == 1 and [t.name for t in version.tags] == ["r"]
    loaded = load_artifact("raw")
    assert isinstance(loaded, Path) and (loaded / "rows.csv").read_text() == "a,b\n"

    file_version = register_artifact(
        str(single), "one_file", version="v", artifact_type=ArtifactType.MODEL
    )
    assert file_version.version == "v" and file_version.type == ArtifactType.MODEL
    assert load_artifact("one_file").read_text() == "hi"
    assert single.exists() and folder.exists()  # registering copies and moves nothing


def test_register_refuses_what_it_cannot_own(tmp_path):
    with pytest.raises(FileNotFoundError, match="outside the artifact store"):
        register_artifact(str(tmp_path), "outside")
    with pytest.raises(FileNotFoundError, match="nothing at"):
        register_artifact(os.path.join(_root(), "missing"), "missing")
    folder = Path(_root(), "once")
    folder.mkdir(parents=True)
    register_artifact(str(folder), "once")
    with pytest.raises(EntityCreationError, match="already holds artifact 'once'"):
        register_artifact(str(folder), "twice")


def test_artifact_config_fields_and_refusals():
    config = ArtifactConfig(
        name="n", version=1, tags=["t"], run_metadata={"x": 1}, artifact_type="ModelArtifact"
    )
    assert config.artifact_type is ArtifactType.MODEL
    assert ArtifactConfig().tags is None
    with pytest.raises(ValidationError):
        ArtifactConfig(nmae="typo")


def test_external_artifact_members():
    external = ExternalArtifact(value=[1, 2])
    assert external.config.id is None
    assert external.store_artifact_metadata and external.store_artifact_visualizations
    with pytest.raises(RuntimeError, match="upload_by_value"):
        external.get_artifact_version_id()
    version_id = external.upload_by_value()
    assert isinstance(version_id, UUID) and external.get_artifact_version_id() == version_id
    assert external.config.id == version_id
    version = Client().get_artifact_version(str(version_id))
    assert version.save_type == ArtifactSaveType.EXTERNAL
    assert version.artifact.name == f"external_{version_id}"
    assert version.load() == [1, 2]
    with pytest.raises(RuntimeError, match="uploaded already"):
        external.upload_by_value()
    bare = ExternalArtifact(
        value="v",
        name="named_bare",
        store_artifact_metadata=False,
        store_artifact_visualizations=False,
        materializer="stackwise.materializers.built_in_materializer.BuiltInMaterializer",
    )
    bare_version = Client().get_artifact_version(str(bare.upload_by_value()))
    assert bare_version.artifact.name == "named_bare"
    assert dict(bare_version.run_metadata) == {} and bare_version.visualizations == []
    with pytest.raises(ValidationError):
        ExternalArtifact(value=1, materializer=3)


@step
def total(values: list) -> int:
    return sum(values)


@pipeline(enable_cache=False)
def with_external():
    total(ExternalArtifact(value=[4, 5], store_artifact_metadata=False))


def test_external_artifact_as_a_step_input_honours_its_options():
    run = with_external()
    step_run = Client().get_pipeline_run(run.id).steps["total"]
    assert step_run.output.load() == 9
    assert dict(step_run.inputs["values"][0].run_metadata) == {}


@pipeline(enable_cache=False)
def with_uploaded(external: ExternalArtifact):  # type: ignore[no-untyped-def]
    total(external)


def test_an_uploaded_external_artifact_is_used_as_is():
    external = ExternalArtifact(value=[1, 2])
    version_id = external.upload_by_value()
    run = with_uploaded(external)
    step_run = Client().get_pipeline_run(run.id).steps["total"]
    assert step_run.inputs["values"][0].id == version_id
    assert step_run.output.load() == 3
    assert len(Client().list_artifact_versions()) == 2  # the upload and the output
