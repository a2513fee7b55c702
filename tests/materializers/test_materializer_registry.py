"""Which materializer the registry picks, the cloudpickle fallback, user materializers (including
the XGBoost one from the ZenML lesson), and that heavy libraries stay unimported."""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import subprocess
import sys
from typing import Any

import numpy as np
import pandas as pd
import pytest
import xgboost as xgb
from pydantic import BaseModel
from sklearn.linear_model import LogisticRegression

from stackwise.enums import ArtifactType
from stackwise.exceptions import MaterializerError
from stackwise.materializers.base_materializer import BaseMaterializer
from stackwise.materializers.built_in_materializer import (
    BuiltInContainerMaterializer,
    BuiltInMaterializer,
    BytesMaterializer,
)
from stackwise.materializers.cloudpickle_materializer import CloudpickleMaterializer
from stackwise.materializers.dataclass_materializer import DataclassMaterializer
from stackwise.materializers.materializer_registry import materializer_registry
from stackwise.materializers.numpy_materializer import NumpyMaterializer
from stackwise.materializers.pandas_materializer import PandasMaterializer
from stackwise.materializers.path_materializer import PathMaterializer
from stackwise.materializers.pydantic_materializer import PydanticMaterializer
from stackwise.materializers.sklearn_materializer import SklearnMaterializer


class Features(pd.DataFrame):
    pass


class Settings(BaseModel):
    x: int = 1


@dataclasses.dataclass
class Record:
    x: int


@pytest.mark.parametrize(
    "data_type, expected",
    [
        (bool, BuiltInMaterializer),
        (int, BuiltInMaterializer),
        (float, BuiltInMaterializer),
        (str, BuiltInMaterializer),
        (type(None), BuiltInMaterializer),
        (bytes, BytesMaterializer),
        (list, BuiltInContainerMaterializer),
        (tuple, BuiltInContainerMaterializer),
        (dict, BuiltInContainerMaterializer),
        (set, BuiltInContainerMaterializer),
        (frozenset, BuiltInContainerMaterializer),
        (Settings, PydanticMaterializer),
        (Record, DataclassMaterializer),
        (np.ndarray, NumpyMaterializer),
        (pd.DataFrame, PandasMaterializer),
        (pd.Series, PandasMaterializer),
        (Features, PandasMaterializer),
        (LogisticRegression, SklearnMaterializer),
        (pathlib.Path, PathMaterializer),
        (pathlib.PosixPath, PathMaterializer),
        (pathlib.PurePosixPath, PathMaterializer),
    ],
)
def test_registry_picks_the_built_in(data_type: type, expected: type) -> None:
    assert materializer_registry.get(data_type) is expected
    assert data_type in materializer_registry


def test_bool_and_int_share_a_materializer_but_keep_their_type(roundtrip: Any) -> None:
    assert materializer_registry.get(bool) is materializer_registry.get(int)
    assert roundtrip(True) is True
    assert type(roundtrip(1)) is int


def test_unknown_type_falls_back_to_cloudpickle_with_one_warning() -> None:
    class Opaque:
        pass

    with pytest.warns(UserWarning) as caught:
        assert materializer_registry.get(Opaque) is CloudpickleMaterializer
    message = str(caught[0].message)
    assert "Opaque" in message and "cloudpickle" in message
    assert "Write a materializer" in message
    # the type is spelled as code that imports, and the warning points at this file
    assert f"`import {__name__}`, then" in message
    assert f"ASSOCIATED_TYPES = ({__name__}.{Opaque.__qualname__},)" in message
    assert caught[0].filename == __file__
    # warned once per type: a second lookup is silent (warnings are errors in this suite)
    assert materializer_registry.get(Opaque) is CloudpickleMaterializer
    assert Opaque not in materializer_registry


def test_strict_mode_turns_the_fallback_into_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    class Opaque:
        pass

    monkeypatch.setenv("STACKWISE_STRICT_MATERIALIZERS", "1")
    with pytest.raises(MaterializerError, match=r"Opaque.*STACKWISE_STRICT_MATERIALIZERS"):
        materializer_registry.get(Opaque)


# -- user-defined materializers ---------------------------------------------------------------
class Money:
    def __init__(self, cents: int) -> None:
        self.cents = cents


class MoneyMaterializer(BaseMaterializer):
    ASSOCIATED_TYPES = (Money,)
    ASSOCIATED_ARTIFACT_TYPE = ArtifactType.DATA

    def save(self, data: Money) -> None:
        with self.open("cents.txt", "w") as f:
            f.write(str(data.cents))

    def load(self, data_type: type[Any]) -> Money:
        with self.open("cents.txt") as f:
            return data_type(int(f.read()))


def test_user_materializer_registers_itself_for_its_type_and_subclasses() -> None:
    class Token:
        pass

    class SpecialToken(Token):
        pass

    class TokenMaterializer(BaseMaterializer):
        ASSOCIATED_TYPES = (Token,)

    assert materializer_registry.get(Token) is TokenMaterializer
    assert materializer_registry.get(SpecialToken) is TokenMaterializer


def test_user_materializer_is_used_for_container_elements(roundtrip: Any, make: Any) -> None:
    loaded = roundtrip([Money(150), Money(3)])
    assert [type(m) for m in loaded] == [Money, Money]
    assert [m.cents for m in loaded] == [150, 3]
    materializer = make(BuiltInContainerMaterializer)
    materializer.save((Money(1),))
    with materializer.open("metadata.json") as f:
        entry = json.load(f)["elements"][0]
    assert entry["materializer"].endswith(":MoneyMaterializer")


@pytest.mark.parametrize(
    "associated, problem",
    [
        (Money, "must be a tuple of classes"),
        (("Money",), "not a class"),
    ],
)
def test_bad_associated_types_are_refused(associated: Any, problem: str) -> None:
    with pytest.raises(MaterializerError, match=problem):
        type("BadMaterializer", (BaseMaterializer,), {"ASSOCIATED_TYPES": associated})


def test_bad_artifact_type_is_refused() -> None:
    with pytest.raises(MaterializerError, match="ASSOCIATED_ARTIFACT_TYPE"):
        type(
            "BadMaterializer",
            (BaseMaterializer,),
            {"ASSOCIATED_TYPES": (Money,), "ASSOCIATED_ARTIFACT_TYPE": "model"},
        )


# -- the XGBoost materializer of the ZenML lesson (typing.Type written as `type`) --------------
@pytest.fixture
def lesson_xgboost_materializer() -> Any:
    """Defines the lesson's class inside the test, with no Booster materializer registered before
    it (another test module in this worker may have defined one: the first registered stays the
    default, as in ZenML); the registry is restored after."""
    before = materializer_registry.get_materializer_types().pop(xgb.Booster, None)

    class XGBoostMaterializer(BaseMaterializer):
        ASSOCIATED_TYPES = (xgb.Booster,)
        ASSOCIATED_ARTIFACT_TYPE = ArtifactType.MODEL

        def load(self, data_type: type[xgb.Booster]) -> xgb.Booster:
            model_path = os.path.join(self.uri, "model.json")
            model = xgb.Booster()
            model.load_model(model_path)
            return model

        def save(self, model: xgb.Booster) -> None:
            os.makedirs(self.uri, exist_ok=True)
            model_path = os.path.join(self.uri, "model.json")
            model.save_model(model_path)

        def extract_metadata(self, model: xgb.Booster) -> dict:
            return {"num_trees": model.num_boosted_rounds(), "feature_names": model.feature_names}

    yield XGBoostMaterializer
    if before is not None:
        materializer_registry.register_and_overwrite_type(xgb.Booster, before)


def test_lesson_xgboost_materializer_on_the_local_store(
    local_store: Any, lesson_xgboost_materializer: Any
) -> None:
    XGBoostMaterializer = lesson_xgboost_materializer
    rng = np.random.default_rng(0)
    x = rng.normal(size=(80, 4))
    matrix = xgb.DMatrix(x, label=2 * x[:, 0] + rng.normal(size=80))
    booster = xgb.train({"max_depth": 2, "nthread": 1}, matrix, num_boost_round=4)

    assert materializer_registry.get(xgb.Booster) is XGBoostMaterializer
    materializer = XGBoostMaterializer(
        uri=local_store.join(local_store.path, "xgb"), artifact_store=local_store
    )
    materializer.save(booster)
    assert local_store.exists(materializer.path("model.json"))
    loaded = materializer.load(xgb.Booster)
    np.testing.assert_array_equal(loaded.predict(matrix), booster.predict(matrix))
    assert materializer.extract_metadata(loaded) == {"num_trees": 4, "feature_names": None}


# -- laziness ---------------------------------------------------------------------------------
def test_heavy_libraries_are_imported_only_when_needed() -> None:
    code = (
        "import sys, dataclasses\n"
        "from stackwise.materializers import materializer_registry as r\n"
        "for t in (int, list, bytes, dict):\n"
        "    r.get(t)\n"
        "@dataclasses.dataclass\n"
        "class D:\n"
        "    x: int\n"
        "r.get(D)\n"
        "heavy = ('numpy', 'pandas', 'pyarrow', 'sklearn', 'skops', 'xgboost')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
