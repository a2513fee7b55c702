"""`stackwise secret`: create, inspect, change and delete encrypted secrets.

Values are given as `--key=value` after the name (kept exactly as typed: never read as YAML, so
`--pin=007` stays "007") or in a YAML file (`--values-file`, read with every scalar a string,
which keeps values out of the shell history). Only `get --reveal` ever prints a value; nothing
here logs one.
"""

from __future__ import annotations

from pathlib import Path

import click

VALUE_OPTIONS = {"ignore_unknown_options": True, "allow_extra_args": True}
REFERENCE_HELP = "Reference a value in a component's configuration as {{NAME.KEY}}."


def parse_value_args(args: list[str]) -> dict[str, str]:
    """`['--user=me', '--password', 'x']` -> {'user': 'me', 'password': 'x'}."""
    values: dict[str, str] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("--") or arg == "--":
            raise click.UsageError(f"Unexpected argument '{arg}'. Values are given as "
                                   "--key=value after the secret name.")
        key, eq, value = arg[2:].partition("=")
        if not eq:
            if i + 1 >= len(args) or args[i + 1].startswith("--"):
                raise click.UsageError(f"Option --{key} needs a value: --{key}=VALUE.")
            value = args[i + 1]
            i += 1
        if not key:
            raise click.UsageError("An option has no key name; write --key=value.")
        if key in values:
            raise click.UsageError(f"--{key} is given twice; give each key once.")
        values[key] = value
        i += 1
    return values


def read_values_file(path: Path) -> dict[str, str]:
    """A flat YAML mapping, every scalar kept as the string written (`yes` stays 'yes')."""
    import yaml

    try:
        data = yaml.load(path.read_text(), Loader=yaml.BaseLoader)  # noqa: S506 (strings only)
    except yaml.YAMLError as error:
        # The problem's position only: YAMLError's text may quote the file's content.
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise click.UsageError(f"{path} is not valid YAML{where}.") from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise click.UsageError(f"{path} must hold a flat YAML mapping of key: value.")
    return data


def gather_values(args: list[str], values_file: Path | None) -> dict[str, str]:
    """Values from the file, then the command line (which wins for a key in both)."""
    values = read_values_file(values_file) if values_file else {}
    values.update(parse_value_args(args))
    return values


@click.group()
def secret() -> None:
    """Create and manage encrypted secrets for component configurations.

    Values are encrypted with the key in STACKWISE_HOME/secret.key (made on first use) or
    STACKWISE_SECRETS_KEY. A component uses one through a reference, resolved only when the
    component runs, e.g. --tracking_password={{mlflow.password}}.
    """


values_file_option = click.option(
    "--values-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A YAML file of key: value pairs (all read as strings).")


@secret.command(context_settings=VALUE_OPTIONS)
@click.argument("name")
@values_file_option
@click.pass_context
def create(ctx: click.Context, name: str, values_file: Path | None) -> None:
    """Create secret NAME from --key=value options and/or --values-file.

    Values typed on the command line stay in the shell's history; --values-file does not.

    \b
    Example:
      stackwise secret create mlflow --username=me --password=...
      stackwise experiment-tracker update tracker --tracking_password={{mlflow.password}}
    """
    from stackwise.cli.output import note, success
    from stackwise.client import Client

    values = gather_values(ctx.args, values_file)
    if not values:
        raise click.UsageError(f"A secret needs values: stackwise secret create {name} "
                               "--KEY=VALUE (or --values-file FILE.yaml).")
    info = Client().create_secret(name, values)
    success(f"Created secret '{info.name}' with key(s) {', '.join(info.keys)}.")
    note(REFERENCE_HELP.replace("NAME", info.name))


@secret.command()
@click.argument("name")
@click.option("--reveal", is_flag=True, help="Print the values (masked as **** otherwise).")
def get(name: str, reveal: bool) -> None:
    """Show secret NAME's keys; the values only with --reveal."""
    from stackwise.cli.output import MASK, print_table
    from stackwise.client import Client

    values = Client().get_secret(name)
    print_table(["KEY", "VALUE"], [(k, values[k] if reveal else MASK) for k in sorted(values)],
                title=f"Secret '{name}'",
                caption=None if reveal else "Values are masked; --reveal prints them.")


@secret.command(name="list")
def list_() -> None:
    """List the secrets: names and keys, never values."""
    from stackwise.cli.output import format_time, note, print_table
    from stackwise.client import Client

    infos = Client().list_secrets()
    if not infos:
        note("No secrets yet. Create one: stackwise secret create NAME --KEY=VALUE")
        return
    print_table(["NAME", "KEYS", "CREATED", "UPDATED"],
                [(i.name, ", ".join(i.keys), format_time(i.created), format_time(i.updated))
                 for i in infos])


@secret.command(context_settings=VALUE_OPTIONS)
@click.argument("name")
@values_file_option
@click.option("--remove-key", "remove_keys", multiple=True, metavar="KEY",
              help="A key to remove (repeatable).")
@click.pass_context
def update(ctx: click.Context, name: str, values_file: Path | None,
           remove_keys: tuple[str, ...]) -> None:
    """Set keys of secret NAME (--key=value; others are kept) or remove them (--remove-key)."""
    from stackwise.cli.output import success
    from stackwise.client import Client

    values = gather_values(ctx.args, values_file)
    info = Client().update_secret(name, values, remove_keys)
    changes = [f"set {', '.join(sorted(values))}"] if values else []
    changes += [f"removed {', '.join(remove_keys)}"] if remove_keys else []
    success(f"Updated secret '{name}': {'; '.join(changes)}. Keys now: {', '.join(info.keys)}.")


@secret.command()
@click.argument("name")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
def delete(name: str, yes: bool) -> None:
    """Delete secret NAME. Components referencing it fail to build until it exists again."""
    from stackwise.cli.output import success, warn
    from stackwise.client import Client
    from stackwise.secrets.references import referenced_secrets

    client = Client()
    client.store.get_secret(name)  # an unknown name fails before the question is asked
    users = [f"{r.type.replace('_', ' ')} '{r.name}'" for r in client.list_stack_components()
             if name in referenced_secrets(r.configuration)]
    if users:
        warn(f"Referenced by: {', '.join(users)}; they cannot be used without it.")
    if not yes:
        click.confirm(f"Delete secret '{name}'?", abort=True)
    client.delete_secret(name)
    success(f"Deleted secret '{name}'.")
