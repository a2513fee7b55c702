"""`stackwise integration`: which third-party tools stackwise has flavors for, whether each is
installed, and installing one with pip into the Python that runs stackwise."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path
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

    rows = [
        (
            i.name,
            "\n".join(f"{t} {f}" for t, f in i.flavors),
            "yes" if i.is_installed() else "no",
            ", ".join(i.requirements),
        )
        for i in list_integrations()
    ]
    print_table(
        ["INTEGRATION", "FLAVORS", "INSTALLED", "REQUIREMENTS"],
        rows,
        caption="Install one: stackwise integration install NAME "
        '(or pip install "stackwise[NAME]").',
    )


def _chosen(names: tuple[str, ...], ignored: tuple[str, ...] = ()) -> list[Integration]:
    """The integrations named (all of them when none is), minus the ignored ones; an unknown
    name is an error with a "did you mean"."""
    from stackwise.integrations.catalog import get_integration, list_integrations

    for name in ignored:
        get_integration(name)
    chosen = [get_integration(n) for n in dict.fromkeys(names)] if names else list_integrations()
    return [i for i in chosen if i.name not in ignored]


def _requirements(chosen: list[Integration]) -> list[str]:
    return list(dict.fromkeys(r for i in chosen for r in i.requirements))


def _pip(uv: bool) -> list[str]:
    """pip for this Python, or uv's pip pointed at it (`--uv`)."""
    import shutil
    import sys

    from stackwise.exceptions import IntegrationError

    if not uv:
        return [sys.executable, "-m", "pip"]
    found = shutil.which("uv")
    if found is None:
        raise IntegrationError(
            "--uv needs uv on the PATH (https://docs.astral.sh/uv/); or leave --uv out to use pip."
        )
    return [found, "pip"]


def _run(command: list[str], yes: bool, question: str) -> None:
    from stackwise.exceptions import IntegrationError

    shown = shlex.join(command)
    if not yes:
        click.confirm(f"{question + ' ' if question else ''}Run `{shown}`?", abort=True)
    returncode = _run_streaming(command)
    if returncode != 0:
        tool = "pip" if command[1:3] == ["-m", "pip"] else command[0].rsplit("/", 1)[-1]
        raise IntegrationError(
            f"{tool} exited with code {returncode}; see its output above. The command was: {shown}"
        )


@integration.command()
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option(
    "-i",
    "--ignore-integration",
    "ignored",
    multiple=True,
    metavar="NAME",
    help="An integration to leave out (repeatable).",
)
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--uv", is_flag=True, help="Install with uv instead of pip.")
@click.option("--dry-run", is_flag=True, help="Print the command instead of running it.")
def install(
    names: tuple[str, ...], ignored: tuple[str, ...], yes: bool, uv: bool, dry_run: bool
) -> None:
    """Install integrations' requirements (all integrations when none is named) into the
    Python running stackwise.

    \b
    Example:
      stackwise integration install mlflow -y
    """
    from stackwise.cli.output import note, success

    chosen = _chosen(names, ignored)
    import sys

    command = [
        *_pip(uv),
        "install",
        *(["--python", sys.executable] if uv else []),
        *_requirements(chosen),
    ]
    if dry_run:
        click.echo(shlex.join(command))
        return
    for item in chosen:
        state = (
            "installed already; pip checks its version" if item.is_installed() else "not installed"
        )
        note(f"{item.name}: {', '.join(item.requirements)} ({state})")
    _run(command, yes, "")
    success(f"Installed {', '.join(i.name for i in chosen)}.")
    for item in chosen:
        note(_usage_hint(item))


@integration.command()
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--uv", is_flag=True, help="Uninstall with uv instead of pip.")
def uninstall(names: tuple[str, ...], yes: bool, uv: bool) -> None:
    """Uninstall integrations' requirements (all installed integrations when none is named)."""
    import re
    import sys

    from stackwise.cli.output import note, success

    chosen = [i for i in _chosen(names) if names or i.is_installed()]
    if not chosen:
        note("No integration is installed; nothing to uninstall.")
        return
    distributions = [re.split(r"[\s<>=!~;\[(@]", r, maxsplit=1)[0] for r in _requirements(chosen)]
    command = _pip(uv) + [
        "uninstall",
        *(["--python", sys.executable] if uv else ["-y"]),
        *distributions,
    ]
    _run(command, yes, f"Uninstall {', '.join(i.name for i in chosen)}?")
    success(f"Uninstalled {', '.join(i.name for i in chosen)}.")


@integration.command()
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--uv", is_flag=True, help="Upgrade with uv instead of pip.")
def upgrade(names: tuple[str, ...], yes: bool, uv: bool) -> None:
    """Upgrade integrations' requirements to the newest versions they allow (all installed
    integrations when none is named)."""
    import sys

    from stackwise.cli.output import note, success

    chosen = [i for i in _chosen(names) if names or i.is_installed()]
    if not chosen:
        note("No integration is installed; nothing to upgrade.")
        return
    command = _pip(uv) + [
        "install",
        *(["--python", sys.executable] if uv else []),
        "--upgrade",
        *_requirements(chosen),
    ]
    _run(command, yes, f"Upgrade {', '.join(i.name for i in chosen)}?")
    success(f"Upgraded {', '.join(i.name for i in chosen)}.")


@integration.command()
@click.argument("name", required=False)
def requirements(name: str | None) -> None:
    """Print the requirements of integration NAME (of all integrations without NAME)."""
    chosen = _chosen((name,) if name else ())
    click.echo(f"Requirements for {name or 'all integrations'}:")
    for requirement in _requirements(chosen):
        click.echo(f"  {requirement}")
    click.echo(f"Install them with: stackwise integration install {name or 'NAME'}")


@integration.command(name="export-requirements")
@click.argument("names", nargs=-1, metavar="[NAME]...")
@click.option(
    "-i",
    "--ignore-integration",
    "ignored",
    multiple=True,
    metavar="NAME",
    help="An integration to leave out (repeatable).",
)
@click.option(
    "-o",
    "--output-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write them to this file (one per line) instead of printing them.",
)
@click.option("-ov", "--overwrite", is_flag=True, help="Replace the output file if it exists.")
@click.option(
    "--installed-only", is_flag=True, help="Only the integrations installed here (not with NAMEs)."
)
@click.option(
    "--poetry", is_flag=True, help="`poetry add` them to the current Poetry project instead."
)
def export_requirements(
    names: tuple[str, ...],
    ignored: tuple[str, ...],
    output_file: Path | None,
    overwrite: bool,
    installed_only: bool,
    poetry: bool,
) -> None:
    """Print (or write, or `poetry add`) the requirements of integrations, for pip install -r."""
    from stackwise.cli.output import success

    if installed_only and names:
        raise click.UsageError("Give integration names or --installed-only, not both.")
    if poetry and output_file:
        raise click.UsageError("Give --output-file or --poetry, not both.")
    chosen = [i for i in _chosen(names, ignored) if not installed_only or i.is_installed()]
    found = _requirements(chosen)
    if poetry:
        import shutil

        from stackwise.exceptions import IntegrationError

        executable = shutil.which("poetry")
        if executable is None:
            raise IntegrationError(
                "--poetry needs poetry on the PATH; or write the requirements "
                "to a file with -o FILE."
            )
        _run([executable, "add", *found], True, "")
        return
    if output_file is None:
        click.echo("\n".join(found))
        return
    if output_file.exists() and not overwrite:
        click.confirm(f"{output_file} exists already. Overwrite it?", abort=True)
    output_file.write_text("\n".join(found) + "\n", encoding="utf-8")
    success(f"Requirements exported to {output_file}.")


def _run_streaming(command: list[str]) -> int:
    """Run `command`, echoing its output line by line as it comes (through click, so it shows
    in the terminal and in CliRunner alike)."""
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            click.echo(line, nl=False)
        return process.wait()


def _usage_hint(item: Integration) -> str:
    registers = "; ".join(
        f"`stackwise {t.replace('_', '-')} register NAME --flavor={f}`" for t, f in item.flavors
    )
    return f"Use {item.name}: {registers}."
