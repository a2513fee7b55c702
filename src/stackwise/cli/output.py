"""Shared output helpers: rich tables, configuration rendering with secrets masked, and the
confirmation lines commands print. Tables go to stdout; piped output is not wrapped, so
`stackwise stack list | grep` sees whole lines."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

SECRET_MARKERS = ("password", "token", "secret", "key")
MASK = "****"
ACTIVE_MARK = "●"
PIPED_WIDTH = 200


def console() -> Console:
    """A console on the current stdout (CliRunner swaps it), wide when piped."""
    stream = sys.stdout
    wide = not stream.isatty() and "COLUMNS" not in os.environ
    return Console(
        file=stream, width=PIPED_WIDTH if wide else None, highlight=False, soft_wrap=False
    )


def is_secret(key: str) -> bool:
    lowered = key.lower()
    return any(marker in lowered for marker in SECRET_MARKERS)


def masked(configuration: Mapping[str, Any]) -> dict[str, Any]:
    """The configuration with the values of secret-looking keys replaced by ****."""
    return {k: (MASK if is_secret(k) and v is not None else v) for k, v in configuration.items()}


def format_value(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, default=str)
    if isinstance(value, datetime):
        return format_time(value)
    return "" if value is None else str(value)


def format_config(configuration: Mapping[str, Any]) -> str:
    """One `key=value` line per key, secrets masked; empty config reads as `-`."""
    lines = [f"{k}={format_value(v)}" for k, v in sorted(masked(configuration).items())]
    return "\n".join(lines) or "-"


def format_time(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value is not None else "-"


def format_duration(start: datetime | None, end: datetime | None) -> str:
    if start is None or end is None:
        return "-"
    seconds = (end - start).total_seconds()
    return f"{seconds:.1f}s" if seconds < 120 else f"{seconds / 60:.1f}m"


def print_table(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str | None = None,
    caption: str | None = None,
    no_wrap: bool = False,
) -> None:
    """A rich table; cells are plain text (never rich markup, so `[x]` prints as is), statuses
    coloured on a terminal. Title and caption are lines of their own, never wrapped to the
    table's width. `no_wrap`: every row is one line (cells that do not fit are cut with an
    ellipsis: shorten them first, see `fit_to_width`)."""
    table = Table()
    for column in columns:
        table.add_column(column, overflow="ellipsis" if no_wrap else "fold", no_wrap=no_wrap)
    styled = [column.upper() in STATUS_COLUMNS for column in columns]
    for row in rows:
        table.add_row(
            *(
                status_text(cell) if styled[i] else Text(format_value(cell))
                for i, cell in enumerate(row)
            )
        )
    out = console()
    if title:
        out.print(Text(title, style="bold"))
    out.print(table)
    if caption:
        out.print(Text(caption))


def print_pairs(pairs: Iterable[tuple[str, Any]], *, title: str | None = None) -> None:
    """A two-column property/value table (a `status` value coloured as in tables)."""
    print_table(
        ["PROPERTY", "VALUE"],
        [(k, status_text(v) if k == "status" else v) for k, v in pairs],
        title=title,
    )


STATUS_COLUMNS = ("STATUS", "LATEST_RUN_STATUS", "LATEST RUN STATUS", "PLAN")


def status_text(value: Any) -> Text:
    """A status cell: `completed` green, `failed` red, `running` yellow, `cached` blue...
    (colours show on a terminal only)."""
    from stackwise.ui.console import status_style

    if isinstance(value, Text):
        return value
    text = format_value(value)
    return Text(text, style=status_style(text))


def console_width() -> int:
    """The width tables are drawn to (the terminal's, COLUMNS, or PIPED_WIDTH when piped)."""
    return console().width


def fit_to_width(
    columns: Sequence[str],
    rows: list[list[str]],
    shrink: Sequence[tuple[int, int, str]],
    width: int,
) -> bool:
    """Shorten the cells of the `shrink` columns — (index, narrowest width, "middle" or
    "end" for where the ellipsis goes), in the order they give way — so a table of `columns`
    and `rows` fits in `width` terminal columns on one line per row. Changes `rows` in place;
    True when some cell was shortened."""
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns)]
    excess = sum(widths) + 3 * len(columns) + 1 - width  # rich's default box and padding
    for index, narrowest, _ in shrink:
        if excess <= 0:
            break
        narrowest = max(narrowest, len(columns[index]))
        give = min(excess, max(0, widths[index] - narrowest))
        widths[index] -= give
        excess -= give
    shortened = False
    for index, _, where in shrink:
        for row in rows:
            if len(row[index]) > widths[index]:
                row[index] = _ellipsize(row[index], widths[index], where)
                shortened = True
    return shortened


def _ellipsize(text: str, width: int, where: str) -> str:
    if width <= 1:
        return text[:width]
    if where == "end":
        return text[: width - 1] + "…"
    head = (width - 1) // 2
    return text[:head] + "…" + text[len(text) - (width - 1 - head) :]


def success(message: str) -> None:
    click.secho(message, fg="green")


def note(message: str) -> None:
    click.echo(message)


def warn(message: str) -> None:
    click.secho(message, fg="yellow", err=True)


def page_caption(index: int, total_pages: int, total: int, noun: str) -> str:
    """`noun` is plural (`runs`); one item reads `1 run`."""
    count = f"{total} {noun[:-1] if total == 1 else noun}"
    return f"Page {index} of {total_pages} ({count}). --page N and --size N page through."


# -- ZenML's output formats (the options themselves are in cli/options.py) ---------------------
def jsonable(value: Any) -> Any:
    """A value as JSON shows it: UUIDs and dates as strings, enums by value, response models
    by name, lists and dicts of those."""
    from enum import Enum
    from uuid import UUID

    if isinstance(value, Enum):
        return value.value
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(getattr(k, "value", k)): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(type(value), "model_fields") and hasattr(value, "id"):
        return getattr(value, "name", None) or str(value.id)
    if hasattr(value, "import_path"):  # a Source
        return value.import_path
    return value


def model_row(model: Any, **extra: Any) -> dict[str, Any]:
    """A response model as one output row (ZenML's `prepare_response_data`): id, name, then
    its fields, then the command's extra columns."""
    row: dict[str, Any] = {"id": str(model.id)}
    if "name" in type(model).model_fields:
        row["name"] = model.name
    for field in type(model).model_fields:
        if field not in row:
            row[field] = jsonable(getattr(model, field))
    row.update({k: jsonable(v) for k, v in extra.items()})
    return row


def select_columns(rows: list[dict[str, Any]], columns: str) -> list[dict[str, Any]]:
    """The rows with only the requested columns (`a,b`, or `all`); spaces and underscores in
    names are the same; unknown columns are named in a warning, as ZenML does."""
    if not rows or not columns.strip() or columns.strip().lower() == "all":
        return rows
    available = list(rows[0])
    chosen: list[str] = []
    unknown: list[str] = []
    for wanted in (c.strip() for c in columns.split(",") if c.strip()):
        normal = wanted.lower().replace(" ", "_")
        match = next((k for k in available if k.lower().replace(" ", "_") == normal), None)
        if match is None:
            unknown.append(wanted)
        elif match not in chosen:
            chosen.append(match)
    if unknown:
        warn(f"Unknown column(s) ignored: {', '.join(unknown)}. Available: {', '.join(available)}")
    return [{k: row[k] for k in chosen if k in row} for row in rows]


def render(data: Any, output_format: str) -> str:
    """JSON / YAML / CSV / TSV text of one document (a dict) or of rows (a list of dicts)."""
    if output_format == "json":
        return json.dumps(data, indent=2, default=str)
    if output_format == "yaml":
        import yaml

        return yaml.safe_dump(
            json.loads(json.dumps(data, default=str)), default_flow_style=False, sort_keys=False
        ).rstrip("\n")
    import csv
    import io

    rows = data if isinstance(data, list) else [data]
    if not rows:
        return ""
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer,
        fieldnames=list(rows[0]),
        lineterminator="\n",
        delimiter="\t" if output_format == "tsv" else ",",
    )
    writer.writeheader()
    writer.writerows(
        {
            k: (json.dumps(v, default=str) if isinstance(v, (dict, list)) else v)
            for k, v in row.items()
        }
        for row in rows
    )
    return buffer.getvalue().rstrip("\n")


def print_page(
    page: Any,
    rows: Any,
    columns: str,
    output_format: str,
    *,
    table: Any = None,
    noun: str = "items",
) -> None:
    """One page of a listing. The default table (no --columns) is the command's own
    `table(caption)`; --columns picks from every field; json/yaml wrap the rows with the
    pagination, as ZenML. `rows` (a list of dicts, or a function making it) is built only when
    printed."""
    caption = page_caption(page.index, page.total_pages, page.total, noun)
    if output_format == "table" and table is not None and not columns.strip():
        table(caption)
        return
    rows = select_columns(rows() if callable(rows) else rows, columns)
    if output_format in ("json", "yaml"):
        click.echo(
            render(
                {
                    "items": rows,
                    "pagination": {
                        "index": page.index,
                        "max_size": page.max_size,
                        "total_pages": page.total_pages,
                        "total": page.total,
                    },
                },
                output_format,
            )
        )
        return
    if output_format in ("csv", "tsv"):
        if rows:
            click.echo(render(rows, output_format))
        return
    headers = list(rows[0]) if rows else []
    print_table(
        [h.upper() for h in headers],
        [[row.get(h) for h in headers] for row in rows],
        caption=caption,
    )


def print_single(data: dict[str, Any], output_format: str) -> None:
    """`describe --output json|yaml|csv|tsv`: the object at the root (ZenML's
    `handle_output_single`)."""
    click.echo(render(data, output_format))
