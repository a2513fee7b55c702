"""`stackwise version` and `stackwise init`: the commands that need no metadata store."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command()
def version() -> None:
    """Show the stackwise version (and the Python running it)."""
    import stackwise

    python = ".".join(str(p) for p in sys.version_info[:3])
    click.echo(f"stackwise {stackwise.__version__} (Python {python})")


@click.command()
@click.argument("path", default=".", type=click.Path(file_okay=False, path_type=Path))
def init(path: Path) -> None:
    """Make PATH (default: the current folder) a stackwise project.

    Creates PATH/.stackwise/config.yaml. Inside the project, `stackwise stack set` saves the
    active stack there instead of in your global config, so each project keeps its own.
    """
    from stackwise.config.global_config import CONFIG_FILE_NAME, PROJECT_DIR_NAME, GlobalConfig

    folder = path.expanduser().resolve()
    config_file = folder / PROJECT_DIR_NAME / CONFIG_FILE_NAME
    if config_file.exists():
        click.echo(f"{folder} is already a stackwise project ({config_file} exists); "
                   "nothing changed.")
        return
    created_folder = not folder.exists()
    project_dir = GlobalConfig().init_project(folder)
    made = f"{folder}/ and " if created_folder else ""
    click.secho(f"Initialized a stackwise project: created {made}{project_dir / CONFIG_FILE_NAME}.",
                fg="green")
    click.echo("Stacks activated inside it with `stackwise stack set NAME` are saved there.")
