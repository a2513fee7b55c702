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
    return Console(file=stream, width=PIPED_WIDTH if wide else None, highlight=False,
                   soft_wrap=False)


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


def print_table(columns: Sequence[str], rows: Iterable[Sequence[Any]], *,
                title: str | None = None, caption: str | None = None) -> None:
    """A rich table; cells are plain text (never rich markup, so `[x]` prints as is). Title
    and caption are lines of their own, never wrapped to the table's width."""
    table = Table()
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(Text(format_value(cell)) for cell in row))
    out = console()
    if title:
        out.print(Text(title, style="bold"))
    out.print(table)
    if caption:
        out.print(Text(caption))


def print_pairs(pairs: Iterable[tuple[str, Any]], *, title: str | None = None) -> None:
    """A two-column property/value table."""
    print_table(["PROPERTY", "VALUE"], pairs, title=title)


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
