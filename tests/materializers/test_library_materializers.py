"""numpy, pandas and scikit-learn materializers: exact round trips, no pickle, hashes."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from stackwise.enums import ArtifactType
from stackwise.exceptions import MaterializerError
from stackwise.materializers.numpy_materializer import NumpyMaterializer
from stackwise.materializers.pandas_materializer import PandasMaterializer
from stackwise.materializers.sklearn_materializer import SklearnMaterializer


# -- numpy ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "array",
    [
        np.arange(12, dtype=np.int32).reshape(3, 4),
        np.array([1.5, np.nan, np.inf]),
        np.array(["a", "bc"]),
        np.array([True, False]),
        np.zeros((0, 3)),
        np.array(3.0),
        np.arange(20).reshape(4, 5)[:, ::2],  # not contiguous
        np.array([(1, 2.0)], dtype=[("a", "<i4"), ("b", "<f8")]),
        np.array(["2024-01-01"], dtype="datetime64[D]"),
        np.array([1 + 2j]),
    ],
)
def test_numpy_round_trip(roundtrip: Any, array: np.ndarray) -> None:
    loaded = roundtrip(array)
    assert type(loaded) is np.ndarray
    assert loaded.dtype == array.dtype and loaded.shape == array.shape
    np.testing.assert_array_equal(loaded, array)


def test_numpy_file_is_npy_without_pickle(make: Any) -> None:
    materializer = make(NumpyMaterializer)
    materializer.save(np.arange(3))
    with materializer.open("data.npy", "rb") as f:
        np.testing.assert_array_equal(np.load(f, allow_pickle=False), np.arange(3))


def test_numpy_object_arrays_are_refused(make: Any) -> None:
    materializer = make(NumpyMaterializer)
    with pytest.raises(MaterializerError, match="dtype object.*pickle"):
        materializer.save(np.array([{"a": 1}, None], dtype=object))
    assert not materializer.artifact_store.exists(materializer.path("data.npy"))


def test_numpy_masked_arrays_are_refused(make: Any) -> None:
    with pytest.raises(MaterializerError, match="mask"):
        make(NumpyMaterializer).save(np.ma.masked_array([1, 2], mask=[True, False]))


def test_numpy_metadata_and_hash() -> None:
    m = NumpyMaterializer(uri="unused")
    assert m.extract_metadata(np.zeros((2, 3), dtype=np.float32)) == {
        "shape": [2, 3],
        "dtype": "float32",
        "nbytes": 24,
    }
    a = np.arange(6)
    assert m.compute_content_hash(a) == m.compute_content_hash(a.copy())
    assert m.compute_content_hash(a) != m.compute_content_hash(a + 1)
    assert m.compute_content_hash(a) != m.compute_content_hash(a.reshape(2, 3))
    assert m.compute_content_hash(a) != m.compute_content_hash(a.astype(np.int32))
    strided = np.arange(12)[::2]
    assert m.compute_content_hash(strided) == m.compute_content_hash(strided.copy())
    assert m.compute_content_hash(np.zeros(16 * 1024 * 1024 + 1, dtype=np.uint8)) is None
    assert m.compute_content_hash(np.zeros(16 * 1024 * 1024, dtype=np.uint8)) is not None
    assert NumpyMaterializer.library_versions() == {"numpy": np.__version__}


# -- pandas -----------------------------------------------------------------------------------
def _rich_frame() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "str": pd.Series(["a", None, "c"]),
            "cat": pd.Categorical(["x", "y", "x"]),
            "ordered": pd.Categorical(["lo", "hi", "lo"], categories=["lo", "hi"], ordered=True),
            "when": pd.date_range("2024-01-01", periods=3, tz="Europe/Paris"),
            "nullable_int": pd.array([1, None, 3], dtype="Int64"),
            "float": [1.0, np.nan, 2.5],
            "nullable_bool": pd.array([True, None, False], dtype="boolean"),
            "python_string": pd.array(["a", None, "b"], dtype=pd.StringDtype("python")),
            "arrow_string": pd.array(["a", None, "b"], dtype=pd.StringDtype("pyarrow")),
            "object_string": pd.Series(["a", "b", None], dtype=object),
            "delta": pd.to_timedelta([1, 2, 3], unit="s"),
            "period": pd.period_range("2024-01", periods=3, freq="M"),
        },
    )
    frame.index = pd.MultiIndex.from_tuples([("a", 1), ("b", 2), ("c", 3)], names=["key", None])
    return frame


def test_dataframe_round_trip_keeps_index_and_dtypes(roundtrip: Any) -> None:
    frame = _rich_frame()
    assert frame["str"].tolist()[0] == "a"  # the frame really holds values
    loaded = roundtrip(frame)
    pd.testing.assert_frame_equal(loaded, frame, check_exact=True)
    assert list(loaded.dtypes.map(repr)) == list(frame.dtypes.map(repr))
    assert loaded["object_string"].tolist() == ["a", "b", None]
    assert loaded.index.names == ["key", None]


@pytest.mark.parametrize(
    "frame",
    [
        pd.DataFrame({0: [1, 2], "a": [3, 4], 2.5: [5, 6]}),  # non-str column labels
        pd.DataFrame([[1, 2]], columns=["a", "a"]),  # duplicates
        pd.DataFrame(
            [[1, 2]], columns=pd.MultiIndex.from_tuples([("a", 1), ("b", 2)], names=["level", 3])
        ),
        pd.DataFrame([[1, 2]], columns=pd.date_range("2024-01-01", periods=2, tz="UTC")),
        pd.DataFrame({"a": [1]}, index=pd.Index([5], name=0)),  # non-str index name
        pd.DataFrame({"a": range(3)}, index=pd.date_range("2024-01-01", periods=3, name="t")),
        pd.DataFrame({"a": range(2)}, index=pd.RangeIndex(5, 7, name="r")),
        pd.DataFrame(
            {"a": [1]}, index=pd.Index(["p"], dtype=object), columns=pd.Index(["a"], dtype=object)
        ),
        pd.DataFrame(),
        pd.DataFrame({"a": pd.Series([], dtype="float64")}),
    ],
    ids=[
        "int-labels",
        "duplicates",
        "multi-columns",
        "timestamp-labels",
        "int-index-name",
        "datetime-index-freq",
        "range-index",
        "object-labels",
        "empty",
        "no-rows",
    ],
)
def test_dataframe_labels_parquet_cannot_hold(roundtrip: Any, frame: pd.DataFrame) -> None:
    loaded = roundtrip(frame)
    pd.testing.assert_frame_equal(loaded, frame, check_exact=True, check_freq=True)
    assert list(loaded.columns) == list(frame.columns)


@pytest.mark.parametrize(
    "series",
    [
        pd.Series([1, 2, 3]),  # name None
        pd.Series([1, 2, 3], name=0),
        pd.Series([1.5, None], name="price", index=pd.Index(["a", "b"], name="price")),
        pd.Series(["a", "b"], name=("t", 1), index=pd.Index([1, 2], name=7)),
        pd.Series(pd.Categorical(["u", "v"]), name="c"),
        pd.Series(pd.array([1, None], dtype="Int64"), name="n"),
    ],
    ids=["unnamed", "name-0", "name-equals-index-name", "tuple-name", "categorical", "Int64"],
)
def test_series_round_trip_keeps_name(roundtrip: Any, series: pd.Series) -> None:
    loaded = roundtrip(series)
    assert type(loaded) is pd.Series
    pd.testing.assert_series_equal(loaded, series, check_exact=True)
    assert loaded.name == series.name and type(loaded.name) is type(series.name)


class Features(pd.DataFrame):
    """A user subclass: the registry finds PandasMaterializer through its MRO."""


def test_dataframe_subclass_comes_back_as_the_subclass(roundtrip: Any) -> None:
    loaded = roundtrip(Features({"a": [1, 2]}))
    assert type(loaded) is Features
    pd.testing.assert_frame_equal(pd.DataFrame(loaded), pd.DataFrame({"a": [1, 2]}))


def test_pandas_files(make: Any) -> None:
    materializer = make(PandasMaterializer)
    materializer.save(pd.DataFrame({"a": [1]}))
    with materializer.open("data.parquet", "rb") as f:  # plain Parquet, readable elsewhere
        pd.testing.assert_frame_equal(pd.read_parquet(f), pd.DataFrame({"a": [1]}))
    with materializer.open("metadata.json") as f:
        assert json.load(f)["kind"] == "dataframe"


def test_mixed_object_column_is_refused_with_advice(make: Any) -> None:
    frame = pd.DataFrame({"mixed": pd.Series(["a", 1], dtype=object)})
    with pytest.raises(MaterializerError, match="astype"):
        make(PandasMaterializer).save(frame)


def test_pandas_metadata() -> None:
    m = PandasMaterializer(uri="unused")
    meta = m.extract_metadata(pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}))
    assert meta["shape"] == [2, 2] and meta["rows"] == 2 and meta["columns"] == ["a", "b"]
    assert meta["dtypes"] == {"a": "int64", "b": "str"}
    assert m.extract_metadata(pd.Series([1.0], name="s")) == {
        "rows": 1,
        "dtype": "float64",
        "name": "s",
    }
    assert set(PandasMaterializer.library_versions()) == {"pandas", "pyarrow"}


def test_pandas_hash() -> None:
    h = PandasMaterializer(uri="unused").compute_content_hash
    frame = _rich_frame()
    assert h(frame) is not None
    assert h(frame) == h(frame.copy(deep=True))
    changed = frame.copy()
    changed.loc[("a", 1), "float"] = 9.0
    assert h(frame) != h(changed)
    assert h(frame) != h(frame.rename(columns={"float": "other"}))
    assert h(frame) != h(frame.astype({"float": "float32"}))
    assert h(pd.DataFrame({"a": [1, 2]})) != h(pd.DataFrame({"a": [1, 2]}, index=[5, 6]))
    assert h(pd.Series([1], name="a")) != h(pd.Series([1], name="b"))
    assert h(pd.Series([1], name="a")) != h(pd.DataFrame({"a": [1]}))
    big = pd.DataFrame({"a": np.zeros(3 * 1024 * 1024)})  # 24 MiB
    assert h(big) is None
    assert h(pd.DataFrame({"lists": [[1], [2]]})) is None  # unhashable cells


# -- scikit-learn -----------------------------------------------------------------------------
def _xy() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = np.abs(rng.normal(size=(60, 3)))
    return x, (x[:, 0] > x[:, 1]).astype(int)


@pytest.mark.parametrize(
    "estimator",
    [
        make_pipeline(StandardScaler(), LogisticRegression()),
        RandomForestClassifier(n_estimators=3, random_state=0),
        make_pipeline(FunctionTransformer(np.log1p), LogisticRegression()),
    ],
    ids=["pipeline", "forest", "numpy-function"],
)
def test_sklearn_round_trip_predicts_the_same(
    roundtrip: Any, make: Any, estimator: BaseEstimator
) -> None:
    x, y = _xy()
    estimator.fit(x, y)
    loaded = roundtrip(estimator)
    assert type(loaded) is type(estimator)
    np.testing.assert_array_equal(loaded.predict(x), estimator.predict(x))
    np.testing.assert_allclose(loaded.predict_proba(x), estimator.predict_proba(x))
    materializer = make(SklearnMaterializer)
    materializer.save(estimator)
    with materializer.open("model.skops", "rb") as f:
        assert f.read(2) == b"PK"  # a skops zip archive, not a pickle


def _custom_function(x: np.ndarray) -> np.ndarray:
    return x


class HomeMadeTransformer(TransformerMixin, BaseEstimator):
    def fit(self, x: Any, y: Any = None) -> HomeMadeTransformer:
        return self

    def transform(self, x: Any) -> Any:
        return x


@pytest.mark.parametrize(
    "estimator, untrusted",
    [
        (
            make_pipeline(FunctionTransformer(_custom_function), LogisticRegression()),
            "_custom_function",
        ),
        (make_pipeline(HomeMadeTransformer(), LogisticRegression()), "HomeMadeTransformer"),
    ],
    ids=["function", "class"],
)
def test_sklearn_untrusted_types_are_refused(
    make: Any, estimator: BaseEstimator, untrusted: str
) -> None:
    estimator.fit(*_xy())
    materializer = make(SklearnMaterializer)
    materializer.save(estimator)
    with pytest.raises(MaterializerError, match=rf"does not trust: \S*{untrusted}"):
        materializer.load(type(estimator))


def test_sklearn_subclass_can_widen_trust(make: Any) -> None:
    class TrustingMaterializer(SklearnMaterializer):
        SKIP_REGISTRATION = True
        TRUSTED_PREFIXES = (*SklearnMaterializer.TRUSTED_PREFIXES, f"{__name__}.")

    estimator = make_pipeline(HomeMadeTransformer(), LogisticRegression()).fit(*_xy())
    materializer = make(TrustingMaterializer)
    materializer.save(estimator)
    loaded = materializer.load(type(estimator))
    np.testing.assert_array_equal(loaded.predict(_xy()[0]), estimator.predict(_xy()[0]))


def test_sklearn_metadata_and_type() -> None:
    m = SklearnMaterializer(uri="unused")
    meta = m.extract_metadata(make_pipeline(StandardScaler(), LogisticRegression(C=0.5)))
    assert meta["estimator_class"] == "sklearn.pipeline.Pipeline"
    json.dumps(meta)  # JSON-able
    lr_meta = m.extract_metadata(LogisticRegression(C=0.5))
    assert lr_meta["params"]["C"] == 0.5
    assert SklearnMaterializer.ASSOCIATED_ARTIFACT_TYPE is ArtifactType.MODEL
    assert set(SklearnMaterializer.library_versions()) == {"scikit-learn", "skops"}
