"""Built-in values, pydantic models and dataclasses: exact round trips, layouts, hashes."""

from __future__ import annotations

import dataclasses
import json
import math
from collections import namedtuple
from enum import Enum, IntEnum
from typing import Any

import numpy as np
import pandas as pd
import pytest
from pydantic import BaseModel
from sklearn.linear_model import LogisticRegression

from stackwise.exceptions import MaterializerError
from stackwise.materializers.built_in_materializer import (
    BuiltInContainerMaterializer,
    BuiltInMaterializer,
    BytesMaterializer,
)
from stackwise.materializers.dataclass_materializer import DataclassMaterializer
from stackwise.materializers.pydantic_materializer import PydanticMaterializer


class Color(IntEnum):
    RED = 1


class Mode(str, Enum):
    FAST = "fast"


Point = namedtuple("Point", ["x", "y"])


@pytest.mark.parametrize(
    "value",
    [
        True,
        False,
        0,
        1,
        -(2**70),
        1.0,
        0.1,
        -0.0,
        1e308,
        "",
        'héllo\n"x"',
        "\ud800",
        None,
    ],
)
def test_scalars_round_trip_with_their_exact_type(roundtrip: Any, value: Any) -> None:
    loaded = roundtrip(value)
    assert type(loaded) is type(value)
    assert loaded == value
    if isinstance(value, float):
        assert math.copysign(1, loaded) == math.copysign(1, value)  # -0.0 stays negative


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_floats_round_trip(roundtrip: Any, make: Any, value: float) -> None:
    loaded = roundtrip(value)
    assert type(loaded) is float
    assert repr(loaded) == repr(value)


def test_scalar_file_is_standard_json(make: Any) -> None:
    materializer = make(BuiltInMaterializer)
    materializer.save(float("nan"))
    with materializer.open("data.json") as f:
        text = f.read()
    assert "NaN" not in text  # strict JSON parsers must read it
    assert json.loads(text) == {"type": "float", "value": "nan"}


def test_bool_does_not_come_back_as_int(roundtrip: Any) -> None:
    assert roundtrip(True) is True
    one = roundtrip(1)
    assert one == 1 and type(one) is int


def test_scalar_subclasses_come_back_as_the_subclass(roundtrip: Any) -> None:
    assert roundtrip(Color.RED) is Color.RED
    assert roundtrip(Mode.FAST) is Mode.FAST
    value = roundtrip(np.float64(2.5))
    assert type(value) is np.float64 and value == 2.5


def test_bytes_round_trip_as_raw_file(roundtrip: Any, make: Any) -> None:
    payload = bytes(range(256)) * 3
    assert roundtrip(payload) == payload
    materializer = make(BytesMaterializer)
    materializer.save(b"abc")
    with materializer.open("data.bin", "rb") as f:
        assert f.read() == b"abc"


@pytest.mark.parametrize(
    "value",
    [
        [],
        [1, 2.0, "x", None, True],
        (1, "a"),
        (),
        {1, 2, 3},
        frozenset({"a", "b"}),
        {"a": [1, {"b": None}], "c": 1.5},
        {},
        [[1, 2], {"k": [True]}],
    ],
)
def test_plain_containers_round_trip_as_json(roundtrip: Any, make: Any, value: Any) -> None:
    loaded = roundtrip(value)
    assert type(loaded) is type(value)
    assert loaded == value
    materializer = make(BuiltInContainerMaterializer)
    materializer.save(value)
    assert materializer.artifact_store.exists(materializer.path("data.json"))
    assert not materializer.artifact_store.exists(materializer.path("metadata.json"))


def test_nested_types_json_cannot_carry_are_kept_exactly(roundtrip: Any) -> None:
    value = [(1, 2), {3}, {1: "int key"}, float("nan"), Color.RED, b"raw", [True, 1]]
    loaded = roundtrip(value)
    assert type(loaded[0]) is tuple and loaded[0] == (1, 2)
    assert type(loaded[1]) is set and loaded[1] == {3}
    assert loaded[2] == {1: "int key"} and type(next(iter(loaded[2]))) is int
    assert math.isnan(loaded[3])
    assert loaded[4] is Color.RED
    assert loaded[5] == b"raw"
    assert loaded[6] == [True, 1] and type(loaded[6][0]) is bool


def test_list_of_dataframes_uses_element_folders(make: Any) -> None:
    frames = [pd.DataFrame({"a": [1, 2]}), pd.DataFrame({"b": ["x", None]})]
    materializer = make(BuiltInContainerMaterializer)
    materializer.save(frames)
    store = materializer.artifact_store
    assert not store.exists(materializer.path("data.json"))
    with materializer.open("metadata.json") as f:
        manifest = json.load(f)
    assert manifest["type"] == "list"
    assert [e["path"] for e in manifest["elements"]] == ["element_0", "element_1"]
    assert manifest["elements"][0]["materializer"] == (
        "stackwise.materializers.pandas_materializer:PandasMaterializer"
    )
    assert manifest["elements"][0]["data_type"] == "pandas:DataFrame"
    assert store.exists(store.join(materializer.uri, "element_0", "data.parquet"))
    loaded = materializer.load(list)
    assert len(loaded) == 2
    for got, expected in zip(loaded, frames, strict=True):
        pd.testing.assert_frame_equal(got, expected)


def test_dict_with_non_string_keys_and_array_values(roundtrip: Any) -> None:
    value = {1: np.arange(3), (2, "b"): "text", None: [1.5]}
    loaded = roundtrip(value)
    assert list(loaded) == [1, (2, "b"), None]
    np.testing.assert_array_equal(loaded[1], np.arange(3))
    assert loaded[(2, "b")] == "text" and loaded[None] == [1.5]


def test_tuple_and_set_of_arrays(roundtrip: Any) -> None:
    loaded = roundtrip((np.zeros(2), "x"))
    assert type(loaded) is tuple
    np.testing.assert_array_equal(loaded[0], np.zeros(2))
    assert roundtrip(frozenset({(1, 2), (3, 4)})) == frozenset({(1, 2), (3, 4)})


def test_namedtuple_comes_back_as_itself(roundtrip: Any) -> None:
    loaded = roundtrip(Point(1, 2))
    assert type(loaded) is Point and loaded == Point(1, 2)


def test_container_hash_equal_for_equal_values_and_order_free_for_dicts_and_sets() -> None:
    m = BuiltInContainerMaterializer(uri="unused")
    h = m.compute_content_hash
    assert h([1, 2, 3]) == h([1, 2, 3])
    assert h([1, 2, 3]) != h([1, 2, 4])
    assert h([1, 2, 3]) != h((1, 2, 3))  # different types, different artifacts
    assert h([1]) != h([1.0]) != h([True])
    assert h({"a": 1, "b": 2}) == h({"b": 2, "a": 1})
    assert h({"x", "y", "z"}) == h({"z", "y", "x"})
    assert h([np.arange(3)]) == h([np.arange(3)])
    assert h([np.arange(3)]) != h([np.arange(4)])
    assert h([np.arange(3)]) is not None
    # skops gives no hash; an element without one leaves the whole container without one
    assert h([LogisticRegression()]) is None


def test_scalar_hashes() -> None:
    h = BuiltInMaterializer(uri="unused").compute_content_hash
    assert h(1) == h(1)
    assert h(1) != h(2)
    assert h(1) != h(1.0) != h(True)
    assert h(float("nan")) == h(float("nan"))
    assert h("a") != h("b")
    bytes_hash = BytesMaterializer(uri="unused").compute_content_hash
    assert bytes_hash(b"a") == bytes_hash(b"a") != bytes_hash(b"b")


def test_extract_metadata() -> None:
    assert BuiltInMaterializer(uri="u").extract_metadata(3) == {"value": 3}
    assert BuiltInMaterializer(uri="u").extract_metadata("x" * 1000) == {"length": 1000}
    assert BuiltInContainerMaterializer(uri="u").extract_metadata({1, 2}) == {"length": 2}
    assert BytesMaterializer(uri="u").extract_metadata(b"abc") == {"size": 3}


def test_unknown_element_type_in_strict_mode_is_refused(
    make: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Opaque:
        pass

    monkeypatch.setenv("STACKWISE_STRICT_MATERIALIZERS", "1")
    with pytest.raises(MaterializerError, match="Opaque"):
        make(BuiltInContainerMaterializer).save([Opaque()])


# -- pydantic ---------------------------------------------------------------------------------
class Inner(BaseModel):
    tags: list[str]
    ratio: float = 0.5


class Config(BaseModel):
    name: str
    inner: Inner
    maybe: int | None = None


def test_pydantic_round_trip(roundtrip: Any, make: Any) -> None:
    value = Config(name="x", inner=Inner(tags=["a", "b"]), maybe=3)
    loaded = roundtrip(value)
    assert type(loaded) is Config and loaded == value
    materializer = make(PydanticMaterializer)
    materializer.save(value)
    with materializer.open("data.json") as f:
        assert json.load(f)["inner"]["tags"] == ["a", "b"]


def test_pydantic_hash_and_metadata() -> None:
    m = PydanticMaterializer(uri="unused")
    a = Config(name="x", inner=Inner(tags=[]))
    assert m.compute_content_hash(a) == m.compute_content_hash(a.model_copy(deep=True))
    assert m.compute_content_hash(a) != m.compute_content_hash(a.model_copy(update={"name": "y"}))
    assert m.extract_metadata(a)["fields"] == ["inner", "maybe", "name"]
    assert "pydantic" in PydanticMaterializer.library_versions()


def test_pydantic_refuses_data_that_no_longer_validates(make: Any) -> None:
    class Narrow(BaseModel):
        name: int

    materializer = make(PydanticMaterializer)
    materializer.save(Config(name="not an int", inner=Inner(tags=[])))
    with pytest.raises(
        MaterializerError, match=r"(?s)no longer validates as \S*Narrow.*int_parsing"
    ):
        materializer.load(Narrow)


# -- dataclasses ------------------------------------------------------------------------------
@dataclasses.dataclass
class Leaf:
    value: float
    label: str = "leaf"


@dataclasses.dataclass(frozen=True)
class Tree:
    name: str
    leaf: Leaf
    maybe_leaf: Leaf | None = None
    counts: list[int] = dataclasses.field(default_factory=list)
    derived: int = dataclasses.field(init=False, default=0)

    def __post_init__(self) -> None:
        object.__setattr__(self, "derived", len(self.counts))


@dataclasses.dataclass
class WithFrame:
    frame: pd.DataFrame
    pair: tuple[int, int]
    anything: Any
    note: str = ""


def test_plain_dataclass_is_json_of_asdict(roundtrip: Any, make: Any) -> None:
    value = Tree(name="t", leaf=Leaf(1.5), maybe_leaf=Leaf(2.0, "b"), counts=[1, 2])
    loaded = roundtrip(value)
    assert type(loaded) is Tree and loaded == value
    assert type(loaded.leaf) is Leaf and type(loaded.maybe_leaf) is Leaf
    assert loaded.derived == 2
    materializer = make(DataclassMaterializer)
    materializer.save(value)
    with materializer.open("data.json") as f:
        stored = json.load(f)
    assert stored["fields"] == dataclasses.asdict(value)
    assert stored["materialized"] == {}


def test_dataclass_with_optional_nested_none(roundtrip: Any) -> None:
    value = Tree(name="t", leaf=Leaf(0.0))
    assert roundtrip(value) == value


def test_dataclass_fields_json_cannot_carry_are_saved_per_field(roundtrip: Any, make: Any) -> None:
    value = WithFrame(frame=pd.DataFrame({"a": [1, 2]}), pair=(1, 2), anything=Leaf(3.0), note="n")
    loaded = roundtrip(value)
    assert type(loaded) is WithFrame
    pd.testing.assert_frame_equal(loaded.frame, value.frame)
    assert loaded.pair == (1, 2) and type(loaded.pair) is tuple
    assert loaded.anything == Leaf(3.0)  # hint is Any: saved in its own folder, type recorded
    assert loaded.note == "n"
    materializer = make(DataclassMaterializer)
    materializer.save(value)
    with materializer.open("data.json") as f:
        stored = json.load(f)
    assert stored["fields"] == {"note": "n"}
    assert sorted(stored["materialized"]) == ["anything", "frame", "pair"]
    assert stored["materialized"]["frame"]["path"] == "field_frame"


def test_dataclass_hash() -> None:
    h = DataclassMaterializer(uri="unused").compute_content_hash
    assert h(Tree("t", Leaf(1.0))) == h(Tree("t", Leaf(1.0)))
    assert h(Tree("t", Leaf(1.0))) != h(Tree("t", Leaf(2.0)))
    frame = pd.DataFrame({"a": [1]})
    assert h(WithFrame(frame, (1, 2), None)) == h(WithFrame(frame.copy(), (1, 2), None))
    assert h(WithFrame(frame, (1, 2), None)) != h(WithFrame(frame, (1, 3), None))


def test_dataclass_whose_class_changed_is_refused(make: Any) -> None:
    @dataclasses.dataclass
    class Fewer:
        value: float

    materializer = make(DataclassMaterializer)
    materializer.save(Leaf(1.0, "x"))
    with pytest.raises(MaterializerError, match=r"fields \['label'\]"):
        materializer.load(Fewer)
