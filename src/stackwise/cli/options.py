"""ZenML's list-command options (`--sort_by`, `--page`, `--size`, filters, `--columns`,
`--output`) and the output option of `describe`: click only, so a command module importing them
stays light until it runs."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])  # the command function the options decorate

OUTPUT_FORMATS = ("table", "json", "yaml", "tsv", "csv")
OUTPUT_ENV = "STACKWISE_DEFAULT_OUTPUT"
PAGE_SIZE = 20  # ZenML's default page size


def output_format_of(value: str | None) -> str:
    """The format asked for, else STACKWISE_DEFAULT_OUTPUT, else `table` (as ZenML's
    ZENML_DEFAULT_OUTPUT)."""
    if value:
        return value
    configured = os.environ.get(OUTPUT_ENV, "table")
    return configured if configured in OUTPUT_FORMATS else "table"


def output_option(f: F) -> F:
    return click.option(
        "--output",
        "-o",
        "output_format",
        default=None,
        type=click.Choice(OUTPUT_FORMATS),
        help=f"Output format (default: table, or ${OUTPUT_ENV}).",
    )(f)


def list_options(
    *filters: str,
    sort_by: str = "desc:created",
    size: int = PAGE_SIZE,
    short: dict[str, str] | None = None,
) -> Callable[[F], F]:
    """ZenML's list options: `--sort_by`, `--logical_operator`, `--page`, `--size`, one
    `--FIELD` per filter (ZenML's syntax: `--name startswith:run`, `--created gte:2026-01-01`),
    `--columns/-c` and `--output/-o`. The command gets them as keyword arguments; `list_kwargs`
    splits them into the Client's filters and the display choices."""

    def decorate(f: F) -> F:
        f = output_option(f)
        f = click.option(
            "--columns",
            "-c",
            default="",
            metavar="COLS",
            help="Comma-separated columns to show, or 'all'.",
        )(f)
        for name in reversed(filters):
            letters = [short[name]] if short and name in short else []
            f = click.option(
                *letters,
                f"--{name}",
                name,
                multiple=True,
                metavar="[OP:]VALUE",
                help=f"Filter by {name.replace('_', ' ')} (e.g. "
                f"--{name}='contains:x'; operators: equals, contains, "
                "startswith, endswith, oneof, gte, gt, lte, lt, ...).",
            )(f)
        f = click.option(
            "--size",
            default=size,
            show_default=True,
            type=click.IntRange(min=1, max=10_000),
            help="Items per page.",
        )(f)
        f = click.option(
            "--page",
            default=1,
            show_default=True,
            type=click.IntRange(min=1),
            help="Which page to show.",
        )(f)
        f = click.option(
            "--logical_operator",
            default="and",
            show_default=True,
            type=click.Choice(["and", "or"], case_sensitive=False),
            help="Combine the filters with and/or.",
        )(f)
        return click.option(
            "--sort_by",
            default=sort_by,
            show_default=True,
            help="Sort field, e.g. 'desc:created' or 'asc:name'.",
        )(f)

    return decorate


def list_kwargs(kwargs: dict[str, Any]) -> tuple[dict[str, Any], str, str]:
    """(the Client's keyword arguments, columns, output format). A filter given several times
    is refused: one condition per field (combine values with `oneof:[a,b]`)."""
    columns = kwargs.pop("columns", "") or ""
    output_format = output_format_of(kwargs.pop("output_format", None))
    client_kwargs: dict[str, Any] = {}
    for key, value in kwargs.items():
        if isinstance(value, tuple):
            if not value:
                continue
            if len(value) > 1:
                raise click.UsageError(
                    f"--{key} is given {len(value)} times; give it once "
                    f"(several values: --{key}='oneof:[a,b]')."
                )
            value = value[0]
        if value is not None:
            client_kwargs[key] = value
    return client_kwargs, columns, output_format


def filtered(filters: dict[str, Any], *also_paging: str) -> bool:
    """True when the Client keywords from `list_kwargs` filter (beyond sorting and paging,
    and the `also_paging` keys a command sets itself)."""
    return bool(set(filters) - {"sort_by", "logical_operator", "page", "size", *also_paging})


def secret_env_options(f: Any) -> Any:
    """ZenML's `--secret` / `--env` of stacks and components: refused with the reason by
    `refuse_secret_env` (stackwise keeps secrets as {{name.key}} references in configurations
    and sets environment variables per step)."""
    f = click.option(
        "--env",
        "env",
        multiple=True,
        metavar="KEY=VALUE",
        help="Not supported: set environment variables per step (@step(environment=...)).",
    )(f)
    return click.option(
        "--secret",
        "secrets",
        multiple=True,
        metavar="NAME",
        help="Not supported: reference secrets in configurations as --key={{name.key}}.",
    )(f)


def refuse_secret_env(
    owner: str,
    secrets: tuple[str, ...] = (),
    env: tuple[str, ...] = (),
    remove_secrets: tuple[str, ...] = (),
) -> None:
    """`--secret/--remove-secret/--env` given: a clear error, never silently ignored."""
    from stackwise.client.stacks import _NO_COMPONENT_ENV
    from stackwise.exceptions import ConfigError

    if secrets or env or remove_secrets:
        raise ConfigError(
            f"A {owner}'s --secret/--remove-secret/--env is not supported: {_NO_COMPONENT_ENV}"
        )
