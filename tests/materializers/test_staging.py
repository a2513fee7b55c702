"""Staging: a materializer written for local paths (the seed's XGBoost one, verbatim) works on a
remote store through a local temporary folder, and one that does its I/O through the artifact
store is never staged."""

from __future__ import annotations

import gc
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any, ClassVar

import numpy as np
import pandas as pd
import pytest
import xgboost as xgb

from stackwise import load_artifact, pipeline, save_artifact, step
from stackwise.client import Client
from stackwise.enums import ArtifactType
from stackwise.materializers.base_materializer import BaseMaterializer
from stackwise.materializers.materializer_registry import materializer_registry
from stackwise.materializers.pandas_materializer import PandasMaterializer
from stackwise.materializers.staging import load_with, materializer_for_save, needs_staging

pytest_plugins = ["fixtures.s3_server"]

_EARLIER = materializer_registry.get(xgb.Booster) if xgb.Booster in materializer_registry else None


# -- the seed's materializer, verbatim (typing.Type written as `type`) -----------------------
# fmt: off
class XGBoostMaterializer(BaseMaterializer):
    ASSOCIATED_TYPES = (xgb.Booster,)
    ASSOCIATED_ARTIFACT_TYPE = ArtifactType.MODEL
    def load(self, data_type):
        model_path = os.path.join(self.uri, "model.json"); model = xgb.Booster(); model.load_model(model_path); return model  # noqa: E501, E702
    def save(self, model):
        os.makedirs(self.uri, exist_ok=True); model.save_model(os.path.join(self.uri, "model.json"))  # noqa: E702
# fmt: on


if _EARLIER is not None:  # other test modules expect their own registration to stand
    materializer_registry.register(xgb.Booster, _EARLIER)

SEEN: list[tuple[str, str, str]] = []  # (operation, self.uri, type of self.artifact_store)


class StoreIOText(BaseMaterializer):
    """Does everything through `self.artifact_store`, and says so."""

    ASSOCIATED_TYPES = ()
    USES_ARTIFACT_STORE_IO: ClassVar[bool] = True

    def save(self, data: str) -> None:
        SEEN.append(("save", self.uri, type(self.artifact_store).__name__))
        with self.artifact_store.open(self.path("text.txt"), "w") as file:
            file.write(data)

    def load(self, data_type: type[Any]) -> str:
        SEEN.append(("load", self.uri, type(self.artifact_store).__name__))
        with self.artifact_store.open(self.path("text.txt")) as file:
            return str(file.read())


class PathText(BaseMaterializer):
    """Local paths only; records where it ran."""

    ASSOCIATED_TYPES = ()

    def save(self, data: str) -> None:
        SEEN.append(("save", self.uri, type(self.artifact_store).__name__))
        os.makedirs(self.uri, exist_ok=True)
        Path(self.uri, "text.txt").write_text(data)

    def load(self, data_type: type[Any]) -> str:
        SEEN.append(("load", self.uri, type(self.artifact_store).__name__))
        return Path(self.uri, "text.txt").read_text()


class FailsAfterWriting(PathText):
    def save(self, data: str) -> None:
        super().save(data)
        raise RuntimeError("disk on fire")


class LazyText(PathText):
    """Returns an object that reads its file only when asked."""

    LOADS_LAZILY: ClassVar[bool] = True

    def load(self, data_type: type[Any]) -> Any:
        return LazyHandle(Path(self.uri, "text.txt"))


class LazyHandle:
    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> str:
        return self.path.read_text()


@pytest.fixture(autouse=True)
def _clear_seen() -> None:
    SEEN.clear()


def booster(seed: int = 0) -> tuple[xgb.Booster, xgb.DMatrix]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(120, 4))
    matrix = xgb.DMatrix(x, label=2 * x[:, 0] - x[:, 1] + rng.normal(scale=0.1, size=120))
    return xgb.train({"max_depth": 3, "nthread": 1}, matrix, num_boost_round=5), matrix


def use_s3_stack(config: dict[str, Any], name: str = "cloud") -> Any:
    """Register an S3 artifact store (credentials as a secret) in a stack, and activate it."""
    client = Client()
    client.create_secret(f"{name}_s3", {"key": config["key"], "secret": config["secret"]})
    client.create_stack_component(
        f"{name}_store",
        "s3",
        "artifact_store",
        {**config, "key": f"{{{{{name}_s3.key}}}}", "secret": f"{{{{{name}_s3.secret}}}}"},
    )
    client.create_stack(name, {"orchestrator": "default", "artifact_store": f"{name}_store"})
    client.activate_stack(name)
    return client.active_stack.artifact_store


def boto3_client(s3_server: Any) -> Any:
    """A plain boto3 client on the test server (moto accepts any credentials)."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=s3_server.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def bucket_keys(s3_server: Any, bucket_uri: str) -> list[str]:
    bucket = bucket_uri.removeprefix("s3://")
    response = boto3_client(s3_server).list_objects_v2(Bucket=bucket)
    return sorted(o["Key"] for o in response.get("Contents", []))


# -- the rule ---------------------------------------------------------------------------------
def test_built_ins_do_their_io_through_the_store() -> None:
    from stackwise.materializers import (
        built_in_materializer,
        cloudpickle_materializer,
        dataclass_materializer,
        numpy_materializer,
        path_materializer,
        pydantic_materializer,
        sklearn_materializer,
    )

    classes = [
        built_in_materializer.BuiltInMaterializer,
        built_in_materializer.BytesMaterializer,
        built_in_materializer.BuiltInContainerMaterializer,
        cloudpickle_materializer.CloudpickleMaterializer,
        dataclass_materializer.DataclassMaterializer,
        numpy_materializer.NumpyMaterializer,
        PandasMaterializer,
        path_materializer.PathMaterializer,
        pydantic_materializer.PydanticMaterializer,
        sklearn_materializer.SklearnMaterializer,
    ]
    assert all(c.USES_ARTIFACT_STORE_IO for c in classes)
    assert BaseMaterializer.USES_ARTIFACT_STORE_IO is False
    assert XGBoostMaterializer.USES_ARTIFACT_STORE_IO is False


def test_overriding_save_or_load_drops_an_inherited_promise() -> None:
    class Renamed(PandasMaterializer):
        SKIP_REGISTRATION = True

    class OwnSave(PandasMaterializer):
        SKIP_REGISTRATION = True

        def save(self, data: Any) -> None:
            os.makedirs(self.uri)

    class OwnLoadDeclared(PandasMaterializer):
        SKIP_REGISTRATION = True
        USES_ARTIFACT_STORE_IO = True

        def load(self, data_type: Any) -> Any:
            return super().load(data_type)

    assert Renamed.USES_ARTIFACT_STORE_IO is True
    assert OwnSave.USES_ARTIFACT_STORE_IO is False
    assert OwnLoadDeclared.USES_ARTIFACT_STORE_IO is True


def test_staging_only_for_path_materializers_on_remote_stores(store: Any) -> None:
    """`store` is a local folder and an in-memory store whose URIs are not paths."""
    remote = not store.is_local
    assert needs_staging(PathText, store) is remote
    assert needs_staging(StoreIOText, store) is False

    uri = store.join(store.path, "text", "v1")
    with materializer_for_save(PathText, uri, store) as materializer:
        materializer.save("hello")
    assert store.exists(store.join(uri, "text.txt"))
    assert load_with(PathText, uri, store, str) == "hello"
    (_, saved_at, saved_with), (_, loaded_at, loaded_with) = SEEN
    if remote:  # local stand-ins, gone afterwards
        assert saved_at != uri and loaded_at != uri
        assert saved_with == loaded_with == "LocalArtifactStore"
        assert not os.path.exists(saved_at) and not os.path.exists(loaded_at)
    else:
        assert saved_at == loaded_at == uri


def test_a_failed_staged_save_uploads_nothing(store: Any) -> None:
    uri = store.join(store.path, "broken", "v1")
    with (
        pytest.raises(RuntimeError, match="disk on fire"),
        materializer_for_save(FailsAfterWriting, uri, store) as materializer,
    ):
        materializer.save("half")
    if not store.is_local:
        assert not store.exists(uri)
        assert not os.path.exists(SEEN[0][1])


def test_a_lazy_loader_keeps_its_download_while_the_result_lives(store: Any) -> None:
    uri = store.join(store.path, "lazy", "v1")
    with materializer_for_save(LazyText, uri, store) as materializer:
        materializer.save("later")
    handle = load_with(LazyText, uri, store, str)
    assert handle.read() == "later"
    folder = handle.path.parent
    del handle
    gc.collect()
    assert folder.exists() is bool(store.is_local)  # a staged download is removed


# -- on S3 ------------------------------------------------------------------------------------
def test_the_seed_xgboost_materializer_works_verbatim_on_s3(
    s3_server: Any, s3_store_config: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # where staging folders go
    artifact_store = use_s3_stack(s3_store_config)
    model, matrix = booster()
    saved = save_artifact(model, "xgb_model", materializer=XGBoostMaterializer)

    assert saved.uri.startswith(s3_store_config["path"] + "/")
    assert str(saved.artifact_store_id) == str(artifact_store.id)
    keys = bucket_keys(s3_server, s3_store_config["path"])
    assert keys == [f"xgb_model/{saved.id}/model.json"]
    assert not any(p.name.startswith("s3") for p in Path.cwd().iterdir())  # no "s3:" folder

    loaded = load_artifact("xgb_model")
    assert isinstance(loaded, xgb.Booster)
    np.testing.assert_array_equal(loaded.predict(matrix), model.predict(matrix))
    assert Client().get_artifact_version("xgb_model").load().num_boosted_rounds() == 5
    assert list(temp.iterdir()) == []  # staging folders removed after save and load


@step(output_materializers=XGBoostMaterializer)
def train() -> Annotated[xgb.Booster, "model"]:
    return booster()[0]


@step
def predict(model: xgb.Booster) -> Annotated[np.ndarray, "predictions"]:
    return model.predict(booster()[1])


@pipeline(enable_cache=False)
def train_and_predict():
    predict(model=train())


def test_a_pipeline_passes_an_xgboost_model_between_steps_on_s3(
    s3_server: Any, s3_store_config: dict[str, Any]
) -> None:
    use_s3_stack(s3_store_config)
    run = train_and_predict()
    assert run.status == "completed"
    predictions = run.steps["predict"].output.load()
    model, matrix = booster()
    np.testing.assert_allclose(predictions, model.predict(matrix), rtol=1e-6)
    keys = bucket_keys(s3_server, s3_store_config["path"])
    assert f"model/{run.steps['train'].output.id}/model.json" in keys


def test_a_store_io_materializer_is_not_staged_on_s3(s3_store_config: dict[str, Any]) -> None:
    artifact_store = use_s3_stack(s3_store_config)
    saved = save_artifact("straight to the bucket", "text", materializer=StoreIOText)
    assert load_artifact("text") == "straight to the bucket"
    assert SEEN == [
        ("save", saved.uri, type(artifact_store).__name__),
        ("load", saved.uri, type(artifact_store).__name__),
    ]
    assert saved.uri.startswith("s3://")


def test_a_path_materializer_is_staged_on_s3_and_leaves_no_temp_folders(
    s3_store_config: dict[str, Any],
) -> None:
    use_s3_stack(s3_store_config)
    saved = save_artifact("via a local folder", "text", materializer=PathText)
    assert load_artifact("text") == "via a local folder"
    (_, saved_at, saved_with), (_, loaded_at, _) = SEEN
    assert saved_with == "LocalArtifactStore"
    assert not saved_at.startswith("s3://") and saved_at != saved.uri
    assert not os.path.exists(saved_at) and not os.path.exists(loaded_at)


def test_a_failed_staged_save_on_s3_leaves_nothing_in_the_bucket(
    s3_server: Any, s3_store_config: dict[str, Any]
) -> None:
    use_s3_stack(s3_store_config)
    with pytest.raises(RuntimeError, match="disk on fire"):
        save_artifact("half", "broken", materializer=FailsAfterWriting)
    assert bucket_keys(s3_server, s3_store_config["path"]) == []
    assert Client().list_artifact_versions(name="broken").total == 0


def test_built_in_materializers_write_to_s3_directly(
    s3_server: Any, s3_store_config: dict[str, Any]
) -> None:
    use_s3_stack(s3_store_config)
    frame = pd.DataFrame({"a": range(50), "b": [str(i) for i in range(50)]})
    saved = save_artifact(frame, "frame")
    pd.testing.assert_frame_equal(load_artifact("frame"), frame)
    assert any(
        k.startswith(f"frame/{saved.id}/") for k in bucket_keys(s3_server, s3_store_config["path"])
    )
