"""ZenML's filter and sort syntax, turned into SQL conditions.

List methods take filters as keyword arguments: a plain value means equality; a string may
start with an operator, `"contains:abc"`, `"startswith:run-"`, `"gte:2026-01-01"`,
`"oneof:['a','b']"`, `"isnull:"`… (the operators of `GenericFilterOps`). `sort_by` is a column
name with an optional `asc:`/`desc:` prefix. Every list method of the SQL store goes through
`FilterSpec.apply`, so the syntax and its error messages are the same everywhere.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, and_, false, or_, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from stackwise.exceptions import ConfigError

OPERATORS = (
    "equals",
    "notequals",
    "contains",
    "notcontains",
    "startswith",
    "endswith",
    "oneof",
    "notoneof",
    "isnull",
    "isnotnull",
    "gte",
    "gt",
    "lte",
    "lt",
    "in",
)
_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%y-%m-%d %H:%M:%S",
)


def split_operator(value: Any) -> tuple[str, Any]:
    """`"gte:5"` -> ("gte", "5"); anything without a known operator prefix is equality."""
    if isinstance(value, str) and ":" in value:
        head, _, rest = value.partition(":")
        if head in OPERATORS:
            return head, rest
    return "equals", value


def plain(value: Any) -> Any:
    """A filter value as the store keeps it: enums by value, UUIDs as strings."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, UUID):
        return str(value)
    return value


def parse_datetime(text: Any, field: str) -> datetime:
    if isinstance(text, datetime):
        return (
            text.replace(tzinfo=None)
            if text.tzinfo is None
            else datetime.fromtimestamp(text.timestamp())
        )
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(str(text).strip(), fmt)
        except ValueError:
            continue
    raise ConfigError(
        f"Filter '{field}': '{text}' is not a date; write it as "
        "'YYYY-MM-DD HH:MM:SS' (e.g. 'gte:2026-01-31 00:00:00')."
    )


def parse_list(text: Any, field: str) -> list[Any]:
    if isinstance(text, (list, tuple, set)):
        return [plain(v) for v in text]
    try:
        parsed = json.loads(text)
    except (TypeError, ValueError):
        try:
            parsed = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            inner = str(text).strip()
            if inner.startswith("[") and inner.endswith("]"):  # oneof:[a,b] unquoted
                inner = inner[1:-1]
            parsed = [part.strip().strip("'\"") for part in inner.split(",") if part.strip()]
    if not isinstance(parsed, (list, tuple, set)):
        raise ConfigError(
            f"Filter '{field}': 'oneof:' takes a list, e.g. "
            'oneof:["a", "b"]; got ' + repr(text) + "."
        )
    return [plain(v) for v in parsed]


@dataclass(frozen=True)
class Column:
    """A filterable field: the SQL column and how its values are read (str, date, int, bool,
    uuid)."""

    sql: Any
    kind: str = "str"

    def coerce(self, value: Any, field: str) -> Any:
        value = plain(value)
        if value is None:
            return None
        if self.kind == "date":
            return parse_datetime(value, field)
        if self.kind == "int":
            try:
                return int(value)
            except (TypeError, ValueError):
                raise ConfigError(
                    f"Filter '{field}' takes a whole number; got {value!r}."
                ) from None
        if self.kind == "float":
            try:
                return float(getattr(value, "total_seconds", lambda: value)())
            except (TypeError, ValueError):
                raise ConfigError(f"Filter '{field}' takes a number; got {value!r}.") from None
        if self.kind == "bool":
            if isinstance(value, str):
                if value.lower() in ("true", "1", "yes"):
                    return True
                if value.lower() in ("false", "0", "no"):
                    return False
                raise ConfigError(f"Filter '{field}' takes true or false; got {value!r}.")
            return bool(value)
        return str(value)

    def condition(self, value: Any, field: str) -> ColumnElement[bool]:
        op, raw = split_operator(value)
        column = self.sql
        if op == "isnull":
            return column.is_(None)  # type: ignore[no-any-return]
        if op == "isnotnull":
            return column.is_not(None)  # type: ignore[no-any-return]
        if op in ("oneof", "in", "notoneof"):
            values = [self.coerce(v, field) for v in parse_list(raw, field)]
            if op == "notoneof":
                return column.not_in(values)  # type: ignore[no-any-return]
            return column.in_(values)  # type: ignore[no-any-return]
        if op in ("contains", "notcontains", "startswith", "endswith"):
            # ignoring case on every database: SQLite's LIKE does, PostgreSQL's does not (ILIKE)
            text = str(plain(raw))
            if op == "contains":
                return column.icontains(text, autoescape=True)  # type: ignore[no-any-return]
            if op == "notcontains":
                return ~column.icontains(text, autoescape=True)  # type: ignore[no-any-return]
            if op == "startswith":
                return column.istartswith(text, autoescape=True)  # type: ignore[no-any-return]
            return column.iendswith(text, autoescape=True)  # type: ignore[no-any-return]
        target = self.coerce(raw, field)
        if op == "equals":
            return column.is_(None) if target is None else column == target  # type: ignore
        if op == "notequals":
            return column.is_not(None) if target is None else column != target  # type: ignore
        if op == "gte":
            return column >= target  # type: ignore[no-any-return]
        if op == "gt":
            return column > target  # type: ignore[no-any-return]
        if op == "lte":
            return column <= target  # type: ignore[no-any-return]
        return column < target  # type: ignore[no-any-return]


def matches(value: Any, actual: Any, field: str, kind: str = "str") -> bool:
    """One filter evaluated on a Python value (for entities that are not rows in SQL)."""
    op, raw = split_operator(value)
    if op == "isnull":
        return actual is None
    if op == "isnotnull":
        return actual is not None
    if op in ("oneof", "in", "notoneof"):
        inside = str(actual) in {str(v) for v in parse_list(raw, field)}
        return not inside if op == "notoneof" else inside
    if kind == "date":
        if actual is None:
            return False
        target: Any = parse_datetime(raw, field)
    else:
        actual, target = str(plain(actual)), str(plain(raw))
    if op == "equals":
        return bool(actual == target)
    if op == "notequals":
        return bool(actual != target)
    if op == "contains":
        return str(target) in str(actual)
    if op == "notcontains":
        return str(target) not in str(actual)
    if op == "startswith":
        return str(actual).startswith(str(target))
    if op == "endswith":
        return str(actual).endswith(str(target))
    comparisons = {
        "gte": actual >= target,
        "gt": actual > target,
        "lte": actual <= target,
        "lt": actual < target,
    }
    return bool(comparisons[op])


@dataclass(frozen=True)
class FilterSpec:
    """The filterable and sortable fields of one entity's listing."""

    entity: str
    columns: Mapping[str, Column]
    default_sort: str = "created"

    def conditions(
        self, filters: Mapping[str, Any], logical_operator: str = "and"
    ) -> ColumnElement[bool] | None:
        """One condition for every filter that is not None; unknown fields are an error."""
        parts: list[ColumnElement[bool]] = []
        for field, value in filters.items():
            if value is None:
                continue
            column = self.columns.get(field)
            if column is None:
                known = ", ".join(sorted(self.columns))
                raise ConfigError(
                    f"{self.entity} cannot be filtered by '{field}'; filters are {known}."
                )
            parts.append(column.condition(value, field))
        if not parts:
            return None
        if str(plain(logical_operator)).lower() == "or":
            return or_(false(), *parts)
        return and_(true(), *parts)

    def order(self, sort_by: str | None) -> Any:
        """`"desc:created"` / `"asc:name"` / `"name"` (ascending, as ZenML) -> ORDER BY."""
        text = str(sort_by or f"desc:{self.default_sort}")
        direction, _, field = text.rpartition(":")
        direction = direction or "asc"
        if direction not in ("asc", "desc"):
            raise ConfigError(
                f"sort_by '{text}': the direction is 'asc' or 'desc', e.g. "
                f"'desc:{self.default_sort}'."
            )
        column = self.columns.get(field)
        if column is None:
            known = ", ".join(sorted(self.columns))
            raise ConfigError(f"{self.entity} cannot be sorted by '{field}'; fields are {known}.")
        key = bytewise(column.sql) if column.kind == "str" else column.sql
        return key.desc() if direction == "desc" else key.asc()


class bytewise(FunctionElement[Any]):
    """A text column compared byte by byte (code point order), as SQLite always does: on
    PostgreSQL `COLLATE "C"`, since a database's default collation (en_US...) would sort
    names differently (case and punctuation folded) from SQLite."""

    inherit_cache = True
    name = "bytewise"


@compiles(bytewise)
def _bytewise_default(element: bytewise, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(bytewise, "postgresql")
def _bytewise_postgresql(element: bytewise, compiler: Any, **kw: Any) -> str:
    return f'{compiler.process(element.clauses, **kw)} COLLATE "C"'


__all__ = [
    "OPERATORS",
    "Column",
    "bytewise",
    "FilterSpec",
    "matches",
    "parse_datetime",
    "parse_list",
    "plain",
    "split_operator",
]
