"""MLflow's scoring protocol, as both deployer flavors speak it: `POST /invocations` with one of
`dataframe_split`, `dataframe_records`, `instances` or `inputs` (and optional `params`), and a
`{"predictions": ...}` answer.

Pure Python, no pandas: the gateway in front of `mlflow models serve` checks and reorders
columns with it too. `normalize` checks a request against the input schema recorded from the
training data and returns it in one shape (`Table`: columns in the schema's order, rows as
lists, or `Tensor`: the raw instances); a request with missing or unexpected columns raises
`ProtocolError` with status 422 naming them, a malformed one status 400.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FORMATS = ("dataframe_split", "dataframe_records", "instances", "inputs")


class ProtocolError(Exception):
    """A request the server refuses: `status` (400 malformed, 422 wrong columns) and a
    message; `details` go into the JSON answer next to it."""

    def __init__(self, status: int, message: str, **details: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details

    def body(self) -> dict[str, Any]:
        code = "INVALID_PARAMETER_VALUE" if self.status == 422 else "BAD_REQUEST"
        return {"error_code": code, "message": self.message, **self.details}


@dataclass
class Table:
    """Rows of named columns (in the schema's order when a schema is known)."""

    columns: list[str]
    rows: list[list[Any]]
    params: dict[str, Any] | None = None

    def as_split(self) -> dict[str, Any]:
        body: dict[str, Any] = {"dataframe_split": {"columns": self.columns, "data": self.rows}}
        if self.params:
            body["params"] = self.params
        return body


@dataclass
class Tensor:
    """Unnamed instances (lists of numbers, or nested lists), passed to the model as an array."""

    instances: Any
    key: str = "instances"
    params: dict[str, Any] | None = field(default=None)

    def as_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {self.key: self.instances}
        if self.params:
            body["params"] = self.params
        return body


def schema_columns(schema: dict[str, Any] | None) -> list[str] | None:
    """The column names of an input schema (`{"columns": [{"name", "type"}, ...]}`)."""
    if not schema or not schema.get("columns"):
        return None
    return [str(c["name"]) for c in schema["columns"]]


def normalize(body: Any, schema: dict[str, Any] | None) -> Table | Tensor:
    """The request `body` (decoded JSON) as a Table or a Tensor, checked against `schema`."""
    if not isinstance(body, dict):
        raise ProtocolError(
            400, f"The request body must be a JSON object with one of {', '.join(FORMATS)}."
        )
    given = [k for k in FORMATS if k in body]
    unknown = sorted(set(body) - set(FORMATS) - {"params"})
    if len(given) != 1 or unknown:
        found = ", ".join(sorted(body)) or "nothing"
        raise ProtocolError(
            400,
            f"The request body must hold exactly one of {', '.join(FORMATS)} (and optionally "
            f"params); found {found}.",
        )
    key = given[0]
    params = body.get("params")
    if params is not None and not isinstance(params, dict):
        raise ProtocolError(400, "params must be a JSON object.")
    value = body[key]
    parsed: Table | Tensor
    if key == "dataframe_split":
        parsed = _from_split(value)
    elif key == "dataframe_records":
        parsed = _from_records(value, key)
    else:
        parsed = _from_instances(value, key, schema)
    parsed.params = params
    return parsed if isinstance(parsed, Tensor) else _checked(parsed, schema)


def _from_split(value: Any) -> Table:
    if not isinstance(value, dict) or "data" not in value:
        raise ProtocolError(400, "dataframe_split must be an object with columns and data.")
    data = value["data"]
    if not isinstance(data, list) or not all(isinstance(r, list) for r in data):
        raise ProtocolError(400, "dataframe_split.data must be a list of rows (lists).")
    columns = value.get("columns")
    if columns is None:
        width = len(data[0]) if data else 0
        columns = [str(i) for i in range(width)]
    if not isinstance(columns, list):
        raise ProtocolError(400, "dataframe_split.columns must be a list of column names.")
    columns = [str(c) for c in columns]
    for i, row in enumerate(data):
        if len(row) != len(columns):
            raise ProtocolError(
                422,
                f"Row {i} of dataframe_split has {len(row)} values for {len(columns)} columns.",
            )
    return Table(columns, data)


def _from_records(value: Any, key: str) -> Table:
    if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
        raise ProtocolError(400, f"{key} must be a list of objects (one per row).")
    columns: list[str] = []
    seen: set[str] = set()
    for record in value:
        for name in record:
            if name not in seen:
                seen.add(name)
                columns.append(str(name))
    for i, record in enumerate(value):
        missing = [c for c in columns if c not in record]
        if missing:
            raise ProtocolError(
                422,
                f"Row {i} lacks columns other rows have: {', '.join(missing)}.",
                missing=missing,
            )
    return Table(columns, [[r[c] for c in columns] for r in value])


def _from_instances(value: Any, key: str, schema: dict[str, Any] | None) -> Table | Tensor:
    if isinstance(value, dict):  # columnar: {"col": [values...]}
        columns = [str(c) for c in value]
        lists = [v if isinstance(v, list) else [v] for v in value.values()]
        lengths = {len(v) for v in lists}
        if len(lengths) > 1:
            raise ProtocolError(422, f"The columns of {key} have different lengths.")
        return Table(columns, [list(r) for r in zip(*lists, strict=True)])
    if not isinstance(value, list):
        raise ProtocolError(400, f"{key} must be a list of instances or an object of columns.")
    if value and all(isinstance(v, dict) for v in value):
        return _from_records(value, key)
    names = schema_columns(schema)
    if names is None:
        return Tensor(value, key)
    rows = [v if isinstance(v, list) else [v] for v in value]
    for i, row in enumerate(rows):
        if len(row) != len(names):
            raise ProtocolError(
                422,
                f"Instance {i} has {len(row)} values; the model expects {len(names)} "
                f"({', '.join(names)}).",
                expected=names,
            )
    return Table(list(names), rows)


def _checked(table: Table, schema: dict[str, Any] | None) -> Table:
    names = schema_columns(schema)
    if names is None:
        return table
    present = set(table.columns)
    missing = [c for c in names if c not in present]
    unexpected = [c for c in table.columns if c not in set(names)]
    if missing or unexpected:
        parts = []
        if missing:
            parts.append(f"missing columns: {', '.join(missing)}")
        if unexpected:
            parts.append(f"unexpected columns: {', '.join(unexpected)}")
        raise ProtocolError(
            422,
            f"The request does not match the model's input schema ({'; '.join(parts)}). "
            f"Expected the columns {', '.join(names)}.",
            missing=missing,
            unexpected=unexpected,
            expected=names,
        )
    if table.columns == names:
        return table
    order = [table.columns.index(c) for c in names]
    return Table(list(names), [[row[i] for i in order] for row in table.rows], table.params)


__all__ = ["FORMATS", "ProtocolError", "Table", "Tensor", "normalize", "schema_columns"]
