"""`stackwise artifact`: artifacts (named, versioned step outputs) and their versions.

Versions of one artifact are listed with `stackwise artifact versions NAME`.
"""

from __future__ import annotations

import click

from stackwise.cli.pipeline import page_options


@click.group()
def artifact() -> None:
    """List artifacts and their versions (`artifact versions NAME`)."""


@artifact.command(name="list")
@click.option("--name", help="Only artifacts whose name contains this text.")
@page_options
def list_(name: str | None, page: int, size: int) -> None:
    """List artifacts with their version count and latest version."""
    from stackwise.cli.output import format_time, page_caption, print_table
    from stackwise.client import Client

    client = Client()
    result = client.list_artifacts(name=name, page=page, size=size)
    if not result.total:
        click.echo("No artifacts match." if name else
                   "No artifacts yet: pipeline runs and save_artifact() create them.")
        return
    rows = []
    for item in result:
        versions = client.list_artifact_versions(name=item.name, size=1)
        latest = versions.items[0].version if versions.items else "-"
        rows.append((item.name, versions.total, latest, ", ".join(item.record.tags) or "-",
                     format_time(item.record.created)))
    print_table(["NAME", "VERSIONS", "LATEST", "TAGS", "CREATED"], rows,
                caption=page_caption(result.index, result.total_pages, result.total,
                                     "artifacts"))


@artifact.command()
@click.argument("name")
@page_options
def versions(name: str, page: int, size: int) -> None:
    """List the versions of artifact NAME, newest first."""
    from stackwise.cli.output import format_time, page_caption, print_table
    from stackwise.client import Client

    client = Client()
    client.get_artifact(name)  # an unknown name fails here, with did-you-mean
    result = client.list_artifact_versions(name=name, page=page, size=size)
    print_table(["VERSION", "DATA TYPE", "MATERIALIZER", "URI", "TAGS", "CREATED"],
                [(v.version, v.data_type, v.materializer.rsplit(".", 1)[-1], v.uri,
                  ", ".join(v.tags) or "-", format_time(v.created)) for v in result],
                title=f"Artifact '{name}'",
                caption=page_caption(result.index, result.total_pages, result.total,
                                     "versions"))
