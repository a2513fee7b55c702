"""`stackwise artifact`: artifacts (named, versioned step outputs) and their versions.

Versions of one artifact are listed with `stackwise artifact versions NAME`; folders no version
references (left by steps that died mid-save) with `stackwise artifact prune --orphans`.
"""

from __future__ import annotations

import click

from stackwise.cli.pipeline import page_options


@click.group()
def artifact() -> None:
    """List artifacts and their versions (`artifact versions NAME`); prune orphaned folders."""


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


@artifact.command()
@click.option("--orphans", is_flag=True,
              help="Folders of the artifact store that no artifact version references.")
@click.option("--store", "store_name", metavar="NAME",
              help="The artifact store to look in (default: the active stack's).")
@click.option("--min-age", default="1h", show_default=True, metavar="AGE",
              help="Skip folders written more recently than this (90s, 30m, 1h, 2d, 0): a "
                   "running step registers its outputs only when it finishes.")
@click.option("--delete", is_flag=True, help="Remove the folders listed.")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
def prune(orphans: bool, store_name: str | None, min_age: str, delete: bool,
          yes: bool) -> None:
    """Find (and with --delete remove) artifact folders nothing references.

    A step that dies while saving (killed, out of memory, a lost machine) leaves the folders
    of its outputs behind unregistered: `--orphans` lists every `<artifact>/<version id>/`
    folder under the store's root that no artifact version of this metadata store points at.
    Folders younger than --min-age are skipped, as they may belong to a step still running.

    \b
    Examples:
      stackwise artifact prune --orphans
      stackwise artifact prune --orphans --store s3_store --delete -y
    """
    from stackwise.artifacts.prune import delete_orphans, find_orphans, parse_age
    from stackwise.cli.output import format_time, note, success
    from stackwise.client import Client
    from stackwise.enums import StackComponentType
    from stackwise.stack.stack import build_component

    if not orphans:
        raise click.UsageError("Say what to prune: --orphans (folders no artifact version "
                               "references), e.g. `stackwise artifact prune --orphans`.")
    seconds = parse_age(min_age)
    client = Client()
    if store_name is None:
        artifact_store = client.active_stack.artifact_store
    else:
        artifact_store = build_component(client.store.get_component(
            StackComponentType.ARTIFACT_STORE, store_name))
    scan = find_orphans(client.store, artifact_store, min_age=seconds)
    where = f"artifact store '{artifact_store.name}' ({artifact_store.path})"
    skipped = (f" {len(scan.too_young)} younger than {min_age} skipped (--min-age)."
               if scan.too_young else "")
    if not scan.orphans:
        note(f"No orphaned folders in {where}.{skipped}")
        return
    # one plain line per folder: whole URIs (a table would fold long ones), easy to grep
    note(f"Orphaned folders in {where}:")
    for orphan in scan.orphans:
        when = (f"{format_time(orphan.modified_at)} UTC" if orphan.modified_at else "unknown")
        note(f"  {orphan.uri}  ({_size(orphan.size)}, modified {when})")
    note(f"{len(scan.orphans)} folder(s), {_size(scan.size)}.{skipped}")
    if not delete:
        note("Remove them with: stackwise artifact prune --orphans --delete"
             + (f" --store {store_name}" if store_name else "")
             + (f" --min-age {min_age}" if min_age != "1h" else ""))
        return
    if not yes:
        click.confirm(f"Delete these {len(scan.orphans)} folder(s) from {where}?", abort=True)
    removed = delete_orphans(client.store, artifact_store, scan.orphans)
    freed = _size(sum(o.size or 0 for o in removed))
    success(f"Deleted {len(removed)} orphaned folder(s) ({freed}) from {where}.")


def _size(size: int | None) -> str:
    if size is None:
        return "-"
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"  # pragma: no cover
