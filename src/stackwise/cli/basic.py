"""`stackwise version` and `stackwise init`: the commands that need no metadata store."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click


@click.command()
def version() -> None:
    """Show the stackwise version (and the Python running it)."""
    import stackwise

    python = ".".join(str(p) for p in sys.version_info[:3])
    click.echo(f"stackwise {stackwise.__version__} (Python {python})")


@click.command()
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--path",
    "path_option",
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder (ZenML's spelling of the PATH argument).",
)
def init(path: Path | None, path_option: Path | None) -> None:
    """Make PATH (default: the current folder) a stackwise project.

    Creates PATH/.stackwise/config.yaml. Inside the project, `stackwise stack set` saves the
    active stack there instead of in your global config, so each project keeps its own.
    """
    from stackwise.config.global_config import CONFIG_FILE_NAME, PROJECT_DIR_NAME, GlobalConfig

    if path is not None and path_option is not None and path != path_option:
        raise click.UsageError("Give the folder once: PATH or --path.")
    folder = (path or path_option or Path(".")).expanduser().resolve()
    config_file = folder / PROJECT_DIR_NAME / CONFIG_FILE_NAME
    if config_file.exists():
        click.echo(
            f"{folder} is already a stackwise project ({config_file} exists); nothing changed."
        )
        return
    created_folder = not folder.exists()
    project_dir = GlobalConfig().init_project(folder)
    made = f"{folder}/ and " if created_folder else ""
    click.secho(
        f"Initialized a stackwise project: created {made}{project_dir / CONFIG_FILE_NAME}.",
        fg="green",
    )
    click.echo("Stacks activated inside it with `stackwise stack set NAME` are saved there.")


@click.command()
def status() -> None:
    """Show the configuration in use: the store, the active user, project and stack, and
    where the configuration and local files live."""
    from stackwise.client import Client
    from stackwise.config.global_config import GlobalConfig, find_project_root
    from stackwise.exceptions import EntityNotFoundError
    from stackwise.store.urls import hide_password

    config = GlobalConfig()
    url = config.store_url
    click.echo("-----stackwise Client Status-----")
    if url.startswith("sqlite"):
        click.echo(f"Connected to the local stackwise database: '{url}'")
    elif url.startswith(("http://", "https://")):
        from stackwise.store import get_store

        remote = get_store()
        info = remote.info()  # type: ignore[attr-defined]  # a RestStore
        click.echo(
            f"Connected to a stackwise server: {url} (stackwise {info['version']}, "
            f"{info['database_type']} database)"
        )
        if info.get("auth") == "none":
            click.echo("  The server runs without authentication: every caller is an admin.")
        else:
            me = remote.current_user()  # type: ignore[attr-defined]
            kind = "service account" if me["is_service_account"] else "user"
            click.echo(f"  Logged in as {kind} '{me['name']}' (role {me['role']})")
    else:
        click.echo(f"Connected directly to a SQL database: '{hide_password(url)}'")
    client = Client()
    choice = config.active_stack()
    click.echo(f"  The active user is: '{client.active_user.name}'")
    click.echo("  The active project is: 'default'")
    try:
        client.get_stack(choice.name, allow_name_prefix_match=False)
        click.echo(f"  The active stack is: '{choice.name}' (from the {choice.source})")
    except EntityNotFoundError:
        click.secho(
            f"  The active stack '{choice.name}' (from the {choice.source}) does not "
            "exist: choose one with `stackwise stack set NAME`.",
            fg="yellow",
        )
    root = find_project_root()
    if root is not None:
        click.echo(f"Active repository root: {root}")
    click.echo(f"Using configuration from: '{config.home}'")
    click.echo(f"Local store files are located at: '{config.home}'")
    _deployments(client)


def _deployments(client: Any) -> None:
    """The model deployments recorded in the store, with their state now."""
    services = list(client.list_services(size=50))
    if not services:
        return
    from stackwise.cli.model_deployer import print_deployments

    click.echo()
    print_deployments(services, title="Model deployments")


@click.command()
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "-l",
    "--local",
    is_flag=True,
    help="Only delete the files of the active stack's local artifact store.",
)
def clean(yes: bool, local: bool) -> None:
    """Delete everything stackwise keeps locally: the metadata store, the artifacts, the
    stacks, the secrets' key and the config under STACKWISE_HOME, and the project config
    (./.stackwise) of the current folder. Remote stores and artifact stores are not touched.

    With --local: only empty the active stack's local artifact store folder.
    """
    import shutil

    from stackwise.config.global_config import PROJECT_DIR_NAME, GlobalConfig

    if local:
        _clean_local_artifacts(yes)
        return
    config = GlobalConfig()
    home = config.home
    if not yes and not click.confirm(
        f"DANGER: this deletes every pipeline run, artifact, stack and secret stackwise "
        f"keeps in {home} (and ./{PROJECT_DIR_NAME}). Stacks and artifacts stored "
        "remotely are not deleted. Are you sure you want to proceed?"
    ):
        click.echo("Aborting clean.")
        return
    _stop_deployments(home)
    from stackwise.store import reset_store_cache
    from stackwise.store.urls import hide_password

    reset_store_cache()  # close the database before its file goes
    project = Path.cwd() / PROJECT_DIR_NAME
    if project.is_dir():
        shutil.rmtree(project)
        click.echo(f"Deleted local stackwise config from {project}.")
    if home.exists():
        shutil.rmtree(home)
        click.echo(f"Deleted global stackwise config from {home}.")
    url = config.store_url
    if not url.startswith("sqlite"):
        click.secho(
            f"The metadata store at {hide_password(url)} is not local and was not touched.",
            fg="yellow",
        )
    click.echo(f"Reinitialized: the next command starts with a fresh store in {home}.")


def _stop_deployments(home: Path) -> None:
    """Model servers whose files live under `home` would outlive it: stop them first."""
    from stackwise.client import Client
    from stackwise.exceptions import StackwiseError
    from stackwise.model_deployers.base_model_deployer import delete_service

    client = Client()
    try:
        records = client.store.list_services(size=10_000).items
    except (StackwiseError, OSError) as error:  # a store that cannot be read: nothing to stop
        click.secho(f"Model deployments could not be read ({error}).", fg="yellow")
        return
    for record in records:
        if Path(record.service_dir).resolve().is_relative_to(home.resolve()):
            delete_service(client.store, record.id, timeout=10, force=True)
            click.echo(f"Stopped and deleted model deployment {record.id} ({record.model_name}).")


def _clean_local_artifacts(yes: bool) -> None:
    import shutil

    from stackwise.client import Client

    store = Client().active_stack.artifact_store
    root = Path(str(store.path))
    if "://" in str(store.path) or not root.exists():
        click.echo(
            f"The active stack's artifact store '{store.name}' ({store.path}) has no "
            "local files to delete."
        )
        return
    if not yes and not click.confirm(
        f"DANGER: this deletes every file in the artifact store '{store.name}' ({root}); "
        "the metadata store still records them. Are you sure you want to proceed?"
    ):
        click.echo("Aborting clean.")
        return
    for path in sorted(root.iterdir()):
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
        click.secho(f"Deleted `{path}`", fg="yellow")
    click.echo("Deleted all files relating to the local active stack.")
