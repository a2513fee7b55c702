"""`stackwise artifact`: artifacts (named, versioned step outputs) and their versions.

ZenML's commands (`artifact list|update|prune`, `artifact version list|describe|update|delete`)
plus `artifact versions NAME`, `artifact verify [NAME]`, which checks stored versions against the
checksums recorded when they were saved, and `artifact prune --orphans`, which finds the folders
no version references (left by steps that died mid-save).
"""

from __future__ import annotations

from typing import Any

import click

from stackwise.cli.options import PAGE_SIZE, filtered, list_kwargs, list_options, output_option


@click.group()
def artifact() -> None:
    """List, update and prune artifacts and their versions (`artifact version ...`)."""


ARTIFACT_FILTERS = (
    "id",
    "created",
    "updated",
    "tags",
    "user",
    "project",
    "name",
    "has_custom_name",
)
VERSION_FILTERS = (
    "id",
    "created",
    "updated",
    "run_metadata",
    "tags",
    "user",
    "project",
    "artifact",
    "version",
    "version_number",
    "uri",
    "materializer",
    "type",
    "data_type",
    "artifact_store_id",
    "model_version_id",
    "only_unused",
    "has_custom_name",
    "model",
    "pipeline_run",
)


def _booleans(filters: dict[str, Any], *names: str) -> dict[str, Any]:
    from stackwise.cli.pipeline import _boolean

    for name in names:
        if name in filters:
            filters[name] = _boolean(name, str(filters[name]))
    return filters


@artifact.command(name="list")
@list_options(*ARTIFACT_FILTERS)
def list_(**kwargs: Any) -> None:
    """List artifacts with their version count and latest version."""
    from stackwise.cli.output import format_time, model_row, print_page, print_table
    from stackwise.client import Client

    filters, columns, output_format = list_kwargs(kwargs)
    client = Client()
    result = client.list_artifacts(**_booleans(filters, "has_custom_name"))
    if not result.total and output_format == "table":
        click.echo(
            "No artifacts match."
            if filtered(filters)
            else "No artifacts yet: pipeline runs and save_artifact() create them."
        )
        return

    def rows() -> list[dict[str, Any]]:
        return [
            model_row(
                a,
                latest_version_name=a.latest_version_name,
                latest_version_id=a.latest_version_id,
                tags=[t.name for t in a.tags],
            )
            for a in result
        ]

    def table(caption: str) -> None:
        lines = []
        for item in result:
            versions = client.list_artifact_versions(
                artifact=item.id, size=1, sort_by="desc:created"
            )
            latest = versions.items[0].version if versions.items else "-"
            lines.append(
                (
                    item.name,
                    versions.total,
                    latest,
                    ", ".join(t.name for t in item.tags) or "-",
                    format_time(item.created),
                )
            )
        print_table(["NAME", "VERSIONS", "LATEST", "TAGS", "CREATED"], lines, caption=caption)

    print_page(result, rows, columns, output_format, table=table, noun="artifacts")


@artifact.command()
@click.argument("name_or_id", metavar="NAME")
@click.option("-n", "--name", "new_name", help="The new name of the artifact.")
@click.option("-t", "--tag", "tags", multiple=True, help="A tag to add (repeatable).")
@click.option(
    "-r", "--remove-tag", "remove_tags", multiple=True, help="A tag to remove (repeatable)."
)
def update(
    name_or_id: str, new_name: str | None, tags: tuple[str, ...], remove_tags: tuple[str, ...]
) -> None:
    """Rename artifact NAME (a name or id) or change its tags."""
    from stackwise.cli.output import success
    from stackwise.client import Client

    if not (new_name or tags or remove_tags):
        raise click.UsageError("Nothing to update: give -n NEW_NAME, -t TAG or -r TAG.")
    updated = Client().update_artifact(
        name_or_id,
        new_name=new_name,
        add_tags=list(tags) or None,
        remove_tags=list(remove_tags) or None,
    )
    success(f"Artifact '{updated.name}' updated.")


@artifact.command()
@click.argument("name")
@click.option(
    "--page", default=1, show_default=True, type=click.IntRange(min=1), help="Which page to show."
)
@click.option(
    "--size",
    default=PAGE_SIZE,
    show_default=True,
    type=click.IntRange(min=1, max=1000),
    help="Items per page.",
)
def versions(name: str, page: int, size: int) -> None:
    """List the versions of artifact NAME, newest first."""
    from stackwise.cli.output import format_time, page_caption, print_table
    from stackwise.client import Client

    client = Client()
    target = client.get_artifact(name)  # an unknown name fails here, with did-you-mean
    result = client.list_artifact_versions(
        artifact=target.id, sort_by="desc:created", page=page, size=size
    )
    print_table(
        ["VERSION", "DATA TYPE", "MATERIALIZER", "URI", "TAGS", "CREATED"],
        [
            (
                _version(v),
                _source(v.data_type),
                _source(v.materializer).rsplit(".", 1)[-1],
                v.uri,
                ", ".join(t.name for t in v.tags) or "-",
                format_time(v.created),
            )
            for v in result
        ],
        title=f"Artifact '{target.name}'",
        caption=page_caption(result.index, result.total_pages, result.total, "versions"),
    )


def _version(version: Any) -> str:
    """The version's name, `(corrupted)` when its files were found broken."""
    return f"{version.version} (corrupted)" if version.corrupted else str(version.version)


def _integrity(version: Any) -> str:
    if version.corrupted:
        return (
            f"corrupted: {version.corrupted.get('reason')} (found "
            f"{version.corrupted.get('found')}); no cache hit uses it"
        )
    files = (version.checksum or {}).get("files")
    if not files:
        return "no checksum recorded"
    return f"checksum of {len(files)} file(s) recorded (`stackwise artifact verify` checks it)"


def _source(source: Any) -> str:
    """A recorded Source as `module:qualname` ("-" when none was recorded)."""
    if source is None:
        return "-"
    module, attribute = getattr(source, "module", None), getattr(source, "attribute", None)
    if module and attribute:
        return f"{module}:{attribute}"
    return str(getattr(source, "import_path", source))


@artifact.group()
def version() -> None:
    """List, describe, update and delete artifact versions."""


@version.command(name="list")
@list_options(*VERSION_FILTERS)
def version_list(**kwargs: Any) -> None:
    """List artifact versions (ZenML's filters: --artifact NAME, --tags T, --type ...)."""
    from stackwise.cli.output import format_time, model_row, print_page, print_table
    from stackwise.client import Client

    filters, columns, output_format = list_kwargs(kwargs)
    filters = _booleans(filters, "only_unused", "has_custom_name")
    if "run_metadata" in filters:
        from stackwise.cli.pipeline import _run_filters

        filters["run_metadata"] = _run_filters({"run_metadata": filters["run_metadata"]})[
            "run_metadata"
        ]
    result = Client().list_artifact_versions(**filters)
    if not result.total and output_format == "table":
        click.echo(
            "No artifact versions match."
            if filtered(filters)
            else "No artifact versions yet: pipeline runs and save_artifact() create them."
        )
        return

    def rows() -> list[dict[str, Any]]:
        return [model_row(v, artifact=v.name, tags=[t.name for t in v.tags]) for v in result]

    def table(caption: str) -> None:
        print_table(
            ["ARTIFACT", "VERSION", "TYPE", "DATA TYPE", "ID", "CREATED"],
            [
                (
                    v.name,
                    _version(v),
                    str(v.type.value),
                    _source(v.data_type),
                    str(v.id),
                    format_time(v.created),
                )
                for v in result
            ],
            caption=caption,
        )

    print_page(result, rows, columns, output_format, table=table, noun="versions")


@version.command(name="describe")
@click.argument("name_id_or_prefix")
@click.option(
    "-v",
    "--version",
    "version_name",
    metavar="VERSION",
    help="The version, when NAME_ID_OR_PREFIX is an artifact name (default: the latest).",
)
def version_describe(name_id_or_prefix: str, version_name: str | None) -> None:
    """Show an artifact version: by id, or by artifact name and -v VERSION."""
    from stackwise.cli.output import format_time, print_pairs
    from stackwise.client import Client

    v = Client().get_artifact_version(name_id_or_prefix, version_name)
    print_pairs(
        [
            ("id", str(v.id)),
            ("artifact", v.name),
            ("version", v.version),
            ("type", str(v.type.value)),
            ("uri", v.uri),
            ("data type", _source(v.data_type)),
            ("materializer", _source(v.materializer)),
            ("tags", ", ".join(t.name for t in v.tags) or "-"),
            ("metadata", v.run_metadata or "-"),
            ("integrity", _integrity(v)),
            ("created", format_time(v.created)),
        ],
        title=f"Artifact version '{v.name}' (version: {v.version})",
    )


@version.command(name="update")
@click.argument("name_id_or_prefix")
@click.option(
    "-v",
    "--version",
    "version_name",
    metavar="VERSION",
    help="The version, when NAME_ID_OR_PREFIX is an artifact name (default: the latest).",
)
@click.option("-t", "--tag", "tags", multiple=True, help="A tag to add (repeatable).")
@click.option(
    "-r", "--remove-tag", "remove_tags", multiple=True, help="A tag to remove (repeatable)."
)
def version_update(
    name_id_or_prefix: str,
    version_name: str | None,
    tags: tuple[str, ...],
    remove_tags: tuple[str, ...],
) -> None:
    """Add (-t) or remove (-r) tags of an artifact version."""
    from stackwise.cli.output import success
    from stackwise.client import Client

    if not (tags or remove_tags):
        raise click.UsageError("Nothing to update: give -t TAG or -r TAG.")
    updated = Client().update_artifact_version(
        name_id_or_prefix,
        version_name,
        add_tags=list(tags) or None,
        remove_tags=list(remove_tags) or None,
    )
    success(f"Artifact version '{updated.name}' (version {updated.version}) updated.")


@version.command(name="delete")
@click.argument("artifact_version_id")
@click.option("--delete-data", is_flag=True, help="Delete its files from the artifact store too.")
@click.option(
    "--server-side",
    is_flag=True,
    help="Accepted as in ZenML: stackwise deletes through the configured store.",
)
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
def version_delete(
    artifact_version_id: str, delete_data: bool, server_side: bool, yes: bool
) -> None:
    """Delete an artifact version by id (--delete-data: its files too)."""
    from stackwise.cli.output import success
    from stackwise.client import Client

    client = Client()
    target = client.get_artifact_version(artifact_version_id)
    if not yes:
        click.confirm(
            f"Delete artifact version '{target.id}' ({target.name}, version {target.version})?",
            abort=True,
        )
    client.delete_artifact_version(
        target.id, delete_from_artifact_store=delete_data, server_side=server_side
    )
    success(f"Artifact version '{target.id}' deleted.")


@artifact.command()
@click.argument("name", required=False)
@output_option
@click.pass_context
def verify(ctx: click.Context, name: str | None, output_format: str | None) -> None:
    """Check stored artifact versions (all, or those of artifact NAME) against the checksums
    recorded when they were saved: ok, corrupted, missing, unverified (no checksum recorded:
    saved before checksums, or registered) or unreachable (its artifact store cannot be read).

    Files up to 16 MiB are read whole, larger ones 1 MiB of samples; remote stores are
    checked by size. Corrupted versions are marked, so no cache hit uses them again: the
    steps that produced them run on the next run (or `stackwise pipeline runs resume`).
    Exits with 1 when any version is corrupted, missing or unreachable.
    """
    from stackwise.cli.options import output_format_of
    from stackwise.cli.output import note, print_table, render, success
    from stackwise.client import Client

    output_format = output_format_of(output_format)
    checks = Client().verify_artifact_versions(name)
    broken = [c for c in checks if c.broken]
    counts: dict[str, int] = {}
    for check in checks:
        counts[check.status] = counts.get(check.status, 0) + 1
    if output_format != "table":
        rows = [
            {
                "artifact": c.artifact,
                "version": c.version,
                "id": c.id,
                "uri": c.uri,
                "status": c.status,
                "problems": c.problems,
            }
            for c in checks
        ]
        click.echo(
            render(
                {"items": rows, "counts": counts, "ok": not broken}
                if output_format in ("json", "yaml")
                else rows,
                output_format,
            )
        )
    elif not checks:
        note(f"Artifact '{name}' has no versions." if name else "No artifact versions yet.")
    else:
        print_table(
            ["ARTIFACT", "VERSION", "STATUS", "PROBLEMS", "ID"],
            [(c.artifact, c.version, c.status, "; ".join(c.problems) or "-", c.id) for c in checks],
            caption=f"{len(checks)} version(s): "
            + ", ".join(f"{n} {status}" for status, n in sorted(counts.items())),
        )
        if not broken:
            unverified = counts.get("unverified", 0)
            success(
                "No version is corrupted or missing"
                + (
                    f" ({unverified} unverified: no checksum was recorded for them)."
                    if unverified
                    else ": every one matches its checksum."
                )
            )
        else:
            click.secho(
                f"Error: {len(broken)} artifact version(s) are broken. Corrupted ones "
                "are marked: no cache hit uses them, so the steps that produced them "
                "run again on the next run of their pipeline (or `stackwise pipeline "
                "runs resume RUN`).",
                fg="red",
                err=True,
            )
    if broken:
        ctx.exit(1)


@artifact.command()
@click.option(
    "--orphans",
    is_flag=True,
    help="Instead: folders of the artifact store that no artifact version references.",
)
@click.option(
    "--store",
    "store_name",
    metavar="NAME",
    help="--orphans: the artifact store to look in (default: the active stack's).",
)
@click.option(
    "--min-age",
    default="1h",
    show_default=True,
    metavar="AGE",
    help="--orphans: skip folders written more recently than this (90s, 30m, 1h, "
    "2d, 0): a running step registers its outputs only when it finishes.",
)
@click.option("--delete", is_flag=True, help="--orphans: remove the folders listed.")
@click.option(
    "-a",
    "--only-artifact",
    is_flag=True,
    help="Delete only the files and keep the metadata (refused: a version's record "
    "never outlives it in stackwise).",
)
@click.option(
    "-m", "--only-metadata", is_flag=True, help="Delete only the metadata and keep the files."
)
@click.option(
    "-i",
    "--ignore-errors",
    is_flag=True,
    help="Go on when a version cannot be deleted (a warning each).",
)
@click.option(
    "--server-side",
    is_flag=True,
    help="Accepted as in ZenML: stackwise deletes through the configured store.",
)
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
def prune(
    orphans: bool,
    store_name: str | None,
    min_age: str,
    delete: bool,
    only_artifact: bool,
    only_metadata: bool,
    ignore_errors: bool,
    server_side: bool,
    yes: bool,
) -> None:
    """Delete every artifact version no pipeline run uses (saved by hand and never read), its
    files, and the artifacts left without versions, as ZenML's `artifact prune`.

    With --orphans instead: find (and with --delete remove) artifact folders nothing
    references. A step that dies while saving (killed, out of memory, a lost machine) leaves
    the folders of its outputs behind unregistered: `--orphans` lists every
    `<artifact>/<version id>/` folder under the store's root that no artifact version of this
    metadata store points at. Folders younger than --min-age are skipped, as they may belong
    to a step still running.

    \b
    Examples:
      stackwise artifact prune -y
      stackwise artifact prune --orphans
      stackwise artifact prune --orphans --store s3_store --delete -y
    """
    if orphans:
        if only_artifact or only_metadata or ignore_errors or server_side:
            raise click.UsageError(
                "--only-artifact, --only-metadata, --ignore-errors and "
                "--server-side prune unused versions; --orphans prunes "
                "unreferenced folders. Give one or the other."
            )
        _prune_orphans(store_name, min_age, delete, yes)
        return
    if store_name or delete or min_age != "1h":
        raise click.UsageError(
            "--store, --min-age and --delete go with --orphans, e.g. "
            "`stackwise artifact prune --orphans --delete`."
        )
    _prune_unused(only_artifact, only_metadata, ignore_errors, server_side, yes)


def _prune_unused(
    only_artifact: bool, only_metadata: bool, ignore_errors: bool, server_side: bool, yes: bool
) -> None:
    from stackwise.cli.output import note, warn
    from stackwise.client import Client

    client = Client()
    unused = client.list_artifact_versions(only_unused=True, size=10_000)
    if not unused.total:
        note("No unused artifact versions found.")
        return
    if not yes and not click.confirm(
        f"Found {unused.total} unused artifact versions. Do you want to delete them?"
    ):
        note("Artifact deletion canceled.")
        return
    failed = 0
    for item in _counted(unused, unused.total, "Deleting unused artifact versions"):
        try:
            client.delete_artifact_version(
                item.id,
                delete_metadata=not only_artifact,
                delete_from_artifact_store=not only_metadata,
                server_side=server_side,
            )
            if (
                not only_artifact
                and not client.list_artifact_versions(artifact=item.artifact_id, size=1).total
            ):
                client.delete_artifact(item.artifact_id)
        except Exception as error:
            from stackwise.cli.main import is_user_error

            if not is_user_error(error) and not isinstance(error, OSError):
                raise
            message = f"Failed to delete artifact version {item.id}: {error}"
            if not ignore_errors:
                from stackwise.exceptions import StackwiseError

                raise StackwiseError(message) from error
            warn(message)
            failed += 1
    if failed:
        note(
            f"Deleted {unused.total - failed} of {unused.total} unused artifact versions; "
            f"{failed} failed (see the warnings)."
        )
    else:
        note("All unused artifacts and artifact versions deleted.")


def _prune_orphans(store_name: str | None, min_age: str, delete: bool, yes: bool) -> None:
    from stackwise.artifacts.prune import parse_age
    from stackwise.cli.output import format_time, note, success
    from stackwise.client import Client

    seconds = parse_age(min_age)
    client = Client()
    artifact_store, scan = client.scan_orphaned_artifacts(store_name, min_age=seconds)
    where = f"artifact store '{artifact_store.name}' ({artifact_store.path})"
    skipped = (
        f" {len(scan.too_young)} younger than {min_age} skipped (--min-age)."
        if scan.too_young
        else ""
    )
    if not scan.orphans:
        note(f"No orphaned folders in {where}.{skipped}")
        return
    # one plain line per folder: whole URIs (a table would fold long ones), easy to grep
    note(f"Orphaned folders in {where}:")
    for orphan in scan.orphans:
        when = f"{format_time(orphan.modified_at)} UTC" if orphan.modified_at else "unknown"
        note(f"  {orphan.uri}  ({_size(orphan.size)}, modified {when})")
    note(f"{len(scan.orphans)} folder(s), {_size(scan.size)}.{skipped}")
    if not delete:
        note(
            "Remove them with: stackwise artifact prune --orphans --delete"
            + (f" --store {store_name}" if store_name else "")
            + (f" --min-age {min_age}" if min_age != "1h" else "")
        )
        return
    if not yes:
        click.confirm(f"Delete these {len(scan.orphans)} folder(s) from {where}?", abort=True)
    removed = []
    for chunk in _counted(
        _chunks(scan.orphans, 20), len(scan.orphans), "Deleting orphaned folders", weight=len
    ):
        removed += client.delete_orphaned_artifacts(artifact_store, chunk)
    freed = _size(sum(o.size or 0 for o in removed))
    success(f"Deleted {len(removed)} orphaned folder(s) ({freed}) from {where}.")


def _counted(items: Any, total: int, label: str, weight: Any = None) -> Any:
    """`items`, with a progress bar on a terminal for long jobs (stackwise.ui.transfer);
    `weight(item)` says how many units an item counts for (default 1)."""
    from stackwise.ui.transfer import task_progress

    with task_progress(label, total) as shown:
        for item in items:
            yield item
            if shown is not None:
                shown.advance(weight(item) if weight is not None else 1)


def _chunks(items: list[Any], size: int) -> Any:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _size(size: int | None) -> str:
    if size is None:
        return "-"
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"  # pragma: no cover
