"""`stackwise integration`: which third-party tools stackwise has flavors for, whether each is
installed, and installing one with pip into the Python that runs stackwise."""

from __future__ import annotations

import shlex
import subprocess
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from stackwise.integrations.catalog import Integration


@click.group()
def integration() -> None:
    """List and install integrations: flavors built on third-party tools (MLflow, W&B)."""


@integration.command(name="list")
def list_() -> None:
    """List the integrations, their flavors, whether each is installed, and what it needs."""
    from stackwise.cli.output import print_table
    from stackwise.integrations.catalog import list_integrations

    rows = [(i.name, "\n".join(f"{t} {f}" for t, f in i.flavors),
             "yes" if i.is_installed() else "no", ", ".join(i.requirements))
            for i in list_integrations()]
    print_table(["INTEGRATION", "FLAVORS", "INSTALLED", "REQUIREMENTS"], rows,
                caption='Install one: stackwise integration install NAME '
                        '(or pip install "stackwise[NAME]").')


@integration.command()
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--dry-run", is_flag=True, help="Print the pip command instead of running it.")
def install(names: tuple[str, ...], yes: bool, dry_run: bool) -> None:
    """Install integrations' requirements with pip, into the Python running stackwise.

    \b
    Example:
      stackwise integration install mlflow -y
    """
    from stackwise.cli.output import note, success
    from stackwise.exceptions import StackwiseError
    from stackwise.integrations.catalog import get_integration, install_command

    chosen = [get_integration(name) for name in dict.fromkeys(names)]
    command = install_command(chosen)
    shown = shlex.join(command)
    if dry_run:
        click.echo(shown)
        return
    for item in chosen:
        state = "installed already; pip checks its version" if item.is_installed() else \
            "not installed"
        note(f"{item.name}: {', '.join(item.requirements)} ({state})")
    if not yes:
        click.confirm(f"Run `{shown}`?", abort=True)
    returncode = _run_streaming(command)
    if returncode != 0:
        raise StackwiseError(f"pip exited with code {returncode}; see its output above. The "
                             f"command was: {shown}")
    success(f"Installed {', '.join(i.name for i in chosen)}.")
    for item in chosen:
        note(_usage_hint(item))


def _run_streaming(command: list[str]) -> int:
    """Run `command`, echoing its output line by line as it comes (through click, so it shows
    in the terminal and in CliRunner alike)."""
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, bufsize=1) as process:
        assert process.stdout is not None
        for line in process.stdout:
            click.echo(line, nl=False)
        return process.wait()


def _usage_hint(item: Integration) -> str:
    registers = "; ".join(f"`stackwise {t.replace('_', '-')} register NAME --flavor={f}`"
                          for t, f in item.flavors)
    return f"Use {item.name}: {registers}."
