"""MLflow's scoring protocol as both flavors read it: every request format, column checks
(422 naming the columns), malformed bodies (400)."""

from __future__ import annotations

import pytest

from stackwise.model_deployers.serving.protocol import ProtocolError, Table, Tensor, normalize

SCHEMA = {"columns": [{"name": "a", "type": "float64"}, {"name": "b", "type": "int64"}]}


@pytest.mark.parametrize(
    "body",
    [
        {"dataframe_split": {"columns": ["a", "b"], "data": [[1.0, 2]]}},
        {"dataframe_split": {"columns": ["b", "a"], "data": [[2, 1.0]]}},
        {"dataframe_records": [{"b": 2, "a": 1.0}]},
        {"instances": [{"a": 1.0, "b": 2}]},
        {"instances": [[1.0, 2]]},
        {"inputs": {"a": [1.0], "b": [2]}},
        {"inputs": [[1.0, 2]]},
    ],
    ids=[
        "split",
        "split-reordered",
        "records",
        "instances-dicts",
        "instances-rows",
        "inputs-columns",
        "inputs-rows",
    ],
)
def test_every_format_gives_the_schema_order(body):
    table = normalize(body, SCHEMA)
    assert isinstance(table, Table)
    assert table.columns == ["a", "b"]
    assert table.rows == [[1.0, 2]]


def test_missing_and_unexpected_columns_are_422_naming_them():
    with pytest.raises(ProtocolError) as caught:
        normalize({"dataframe_records": [{"a": 1.0, "c": 3}]}, SCHEMA)
    error = caught.value
    assert error.status == 422
    assert error.details["missing"] == ["b"]
    assert error.details["unexpected"] == ["c"]
    assert "missing columns: b" in error.message and "unexpected columns: c" in error.message


def test_rows_of_the_wrong_width_are_422():
    with pytest.raises(ProtocolError, match="expects 2") as caught:
        normalize({"instances": [[1.0, 2, 3]]}, SCHEMA)
    assert caught.value.status == 422


@pytest.mark.parametrize(
    "body",
    [
        [1, 2],
        {},
        {"rows": []},
        {"instances": [[1]], "inputs": [[1]]},
        {"dataframe_split": {"columns": ["a"]}},
        {"dataframe_records": [1, 2]},
    ],
    ids=["list", "empty", "unknown-key", "two-formats", "split-without-data", "records-not-dicts"],
)
def test_malformed_bodies_are_400(body):
    with pytest.raises(ProtocolError) as caught:
        normalize(body, SCHEMA)
    assert caught.value.status == 400


def test_without_a_schema_instances_stay_a_tensor():
    parsed = normalize({"instances": [[1, 2], [3, 4]], "params": {"k": 1}}, None)
    assert isinstance(parsed, Tensor)
    assert parsed.instances == [[1, 2], [3, 4]]
    assert parsed.params == {"k": 1}
