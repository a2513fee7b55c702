"""`stackwise tag`: ZenML's tag commands (register, list, update, delete) over the Client's tag
methods. Tags mark pipelines, runs, artifacts and artifact versions; an exclusive tag marks at
most one run per pipeline (one version per artifact)."""

from __future__ import annotations

from typing import Any

import click

from stackwise.cli.options import list_kwargs, list_options
from stackwise.enums import ColorVariants

COLORS = click.Choice(ColorVariants.values())


@click.group()
def tag() -> None:
    """Register, list, update and delete tags."""


def _print_tag(item: Any) -> None:
    from stackwise.cli.output import print_table

    print_table(
        ["ID", "NAME", "COLOR", "EXCLUSIVE", "TAGGED"],
        [
            (
                str(item.id),
                item.name,
                str(getattr(item.color, "value", item.color)),
                item.exclusive,
                item.tagged_count,
            )
        ],
    )


@tag.command(name="list")
@list_options("id", "created", "updated", "user", "name", "color", "exclusive", "resource_type")
def list_(**kwargs: Any) -> None:
    """List tags (ZenML's filters: --name contains:prod, --color red, --exclusive true)."""
    from stackwise.cli.output import model_row, print_page
    from stackwise.cli.pipeline import _boolean
    from stackwise.client import Client

    filters, columns, output_format = list_kwargs(kwargs)
    if "exclusive" in filters:
        filters["exclusive"] = _boolean("exclusive", str(filters["exclusive"]))
    result = Client().list_tags(**filters)
    if not result.total and output_format == "table":
        click.echo("No tags found.")
        return
    rows = [model_row(t, user="default") for t in result]
    if not columns and output_format == "table":
        columns = "id,name,color,exclusive,tagged_count"
    print_page(result, rows, columns, output_format, noun="tags")


@tag.command()
@click.option("-n", "--name", required=True, help="The name of the tag.")
@click.option("-c", "--color", type=COLORS, help="Its colour in the dashboard.")
@click.option(
    "--exclusive",
    is_flag=True,
    help="At most one run per pipeline (one version per artifact) carries it.",
)
def register(name: str, color: str | None, exclusive: bool) -> None:
    """Register a new tag."""
    from stackwise.client import Client

    _print_tag(Client().create_tag(name, exclusive=exclusive, color=color))


@tag.command()
@click.argument("tag_name_or_id")
@click.option("-n", "--name", help="The new name.")
@click.option("-c", "--color", type=COLORS, help="The new colour.")
@click.option("--exclusive/--not-exclusive", default=None, help="Make the tag exclusive, or not.")
def update(
    tag_name_or_id: str, name: str | None, color: str | None, exclusive: bool | None
) -> None:
    """Rename a tag, change its colour or its exclusivity."""
    from stackwise.client import Client

    if name is None and color is None and exclusive is None:
        raise click.UsageError("Nothing to update: give --name, --color or --exclusive.")
    _print_tag(Client().update_tag(tag_name_or_id, name=name, exclusive=exclusive, color=color))


@tag.command()
@click.argument("tag_name_or_id")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
def delete(tag_name_or_id: str, yes: bool) -> None:
    """Delete a tag; the pipelines, runs and artifacts carrying it lose it."""
    from stackwise.cli.output import success
    from stackwise.client import Client

    client = Client()
    target = client.get_tag(tag_name_or_id, allow_name_prefix_match=False)
    if not yes:
        count = target.tagged_count
        click.confirm(
            f"Delete tag '{target.name}'?"
            + (f" {count} object(s) are tagged with it." if count else ""),
            abort=True,
        )
    client.delete_tag(target.id)
    success(f"Tag '{target.name}' deleted.")
