"""`stackwise secret`: create, inspect, change and delete encrypted secrets.

Values are given as `--key=value` after the name (kept exactly as typed: never read as YAML, so
`--pin=007` stays "007") or in a YAML file (`--values-file`, read with every scalar a string,
which keeps values out of the shell history). Only `get --reveal` ever prints a value; nothing
here logs one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from stackwise.cli.options import filtered, list_kwargs, list_options

VALUE_OPTIONS = {"ignore_unknown_options": True, "allow_extra_args": True}
REFERENCE_HELP = "Reference a value in a component's configuration as {{NAME.KEY}}."


def parse_value_args(args: list[str]) -> dict[str, str]:
    """`['--user=me', '--password', 'x']` -> {'user': 'me', 'password': 'x'}."""
    values: dict[str, str] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("--") or arg == "--":
            raise click.UsageError(
                f"Unexpected argument '{arg}'. Values are given as "
                "--key=value after the secret name."
            )
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


def expand_file_value(name: str, value: str) -> str:
    """ZenML's `@file`: a value starting with `@` is the content of that file (`@@` keeps a
    literal `@`)."""
    if value.startswith("@@"):
        return value[1:]
    if not value.startswith("@"):
        return value
    path = Path(value[1:]).expanduser()
    if not path.is_file():
        raise click.UsageError(f"--{name}: file '{path}' does not exist or is not readable.")
    return path.read_text()


def parse_structured_values(text: str) -> dict[str, str]:
    """`--values '{"a": "b"}'` or YAML (`a: b`), or `@file` holding either -> a flat mapping
    of strings (ZenML's --values)."""
    import json

    import yaml

    text = expand_file_value("values", text)
    try:
        data = json.loads(text)
    except ValueError:
        try:
            data = yaml.load(text, Loader=yaml.BaseLoader)  # noqa: S506 (strings only)
        except yaml.YAMLError:
            raise click.UsageError("--values is neither JSON nor YAML.") from None
    if not isinstance(data, dict) or any(isinstance(v, (dict, list)) for v in data.values()):
        raise click.UsageError("--values must be a flat JSON or YAML mapping of key: value.")
    return {str(k): "" if v is None else str(v) for k, v in data.items()}


def prompt_values(existing: dict[str, str]) -> dict[str, str]:
    """ZenML's --interactive: keys and hidden values typed one pair at a time."""
    values: dict[str, str] = {}
    click.echo("Entering interactive mode:")
    while True:
        key = click.prompt("Please enter a secret key")
        if key in existing or key in values:
            from stackwise.cli.output import warn

            warn(f"Key {key} is given already; skipping it.")
        else:
            values[key] = click.prompt(
                f"Please enter the secret value for the key [{key}]",
                hide_input=True,
                default="",
                show_default=False,
            )
        if not click.confirm("Do you want to add another key-value pair to this secret?"):
            return values


def gather_values(
    args: list[str], values_file: Path | None, values: str | None = None, interactive: bool = False
) -> dict[str, str]:
    """Values from --values-file, then --values, then --key=value (which wins for a key in
    several), then the interactive prompts."""
    gathered = read_values_file(values_file) if values_file else {}
    if values is not None:
        gathered.update(parse_structured_values(values))
    gathered.update({k: expand_file_value(k, v) for k, v in parse_value_args(args).items()})
    if interactive:
        if gathered:
            raise click.UsageError("--interactive asks for every value: give no values with it.")
        gathered = prompt_values(gathered)
    return gathered


@click.group()
def secret() -> None:
    """Create and manage encrypted secrets for component configurations.

    Values are encrypted with the key in STACKWISE_HOME/secret.key (made on first use) or
    STACKWISE_SECRETS_KEY. A component uses one through a reference, resolved only when the
    component runs, e.g. --tracking_password={{mlflow.password}}.
    """


values_file_option = click.option(
    "--values-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A YAML file of key: value pairs (all read as strings).",
)


def value_options(f: Any) -> Any:
    f = click.option(
        "-v",
        "--values",
        metavar="JSON|YAML|@FILE",
        help="The values as a JSON or YAML mapping, or @FILE holding one.",
    )(f)
    f = click.option(
        "-i", "--interactive", is_flag=True, help="Type the keys and (hidden) values one by one."
    )(f)
    return click.option(
        "-p",
        "--private",
        is_flag=True,
        help="Private secrets need users (a stackwise server); refused on a local store.",
    )(f)


@secret.command(context_settings=VALUE_OPTIONS)
@click.argument("name")
@values_file_option
@value_options
@click.argument("args", nargs=-1, type=click.UNPROCESSED, metavar="[--KEY=VALUE]...")
def create(
    name: str,
    values_file: Path | None,
    values: str | None,
    interactive: bool,
    private: bool,
    args: tuple[str, ...],
) -> None:
    """Create secret NAME from --key=value options, --values, --values-file or -i.

    Values typed on the command line stay in the shell's history; --values-file, `--values
    @FILE` and --interactive do not. A value `@FILE` is that file's content.

    \b
    Example:
      stackwise secret create mlflow --username=me --password=...
      stackwise experiment-tracker update tracker --tracking_password={{mlflow.password}}
    """
    from stackwise.cli.output import note, success
    from stackwise.client import Client

    gathered = gather_values(list(args), values_file, values, interactive)
    if not gathered:
        raise click.UsageError(
            f"A secret needs values: stackwise secret create {name} "
            "--KEY=VALUE (or --values-file FILE.yaml)."
        )
    info = Client().create_secret(name, gathered, private=private)
    success(f"Created secret '{info.name}' with key(s) {', '.join(info.keys)}.")
    note(REFERENCE_HELP.replace("NAME", info.name))


@secret.command()
@click.argument("name")
@click.option("--reveal", is_flag=True, help="Print the values (masked as **** otherwise).")
@click.option(
    "-p",
    "--private",
    type=bool,
    default=None,
    help="Look only among private (true) or public (false) secrets.",
)
def get(name: str, reveal: bool, private: bool | None) -> None:
    """Show secret NAME's keys; the values only with --reveal."""
    from stackwise.cli.output import MASK, print_table
    from stackwise.client import Client

    found = Client().get_secret(name, private=private)
    values = found.secret_values
    print_table(
        ["KEY", "VALUE"],
        [(k, values[k] if reveal else MASK) for k in sorted(values)],
        title=f"Secret '{found.name}'",
        caption=None if reveal else "Values are masked; --reveal prints them.",
    )


@secret.command(name="list")
@list_options("id", "created", "updated", "user", "name", "private")
def list_(**kwargs: Any) -> None:
    """List the secrets: names and keys, never values."""
    from stackwise.cli.output import format_time, model_row, note, print_page, print_table
    from stackwise.cli.pipeline import _boolean
    from stackwise.client import Client

    filters, columns, output_format = list_kwargs(kwargs)
    if "private" in filters:
        filters["private"] = _boolean("private", str(filters["private"]))
    result = Client().list_secrets(**filters)
    if not result.total and output_format == "table":
        note(
            "No secrets match."
            if filtered(filters)
            else "No secrets yet. Create one: stackwise secret create NAME --KEY=VALUE"
        )
        return
    rows = [{k: v for k, v in model_row(i, keys=i.keys).items() if k != "values"} for i in result]

    def table(caption: str) -> None:
        print_table(
            ["NAME", "KEYS", "CREATED", "UPDATED"],
            [
                (i.name, ", ".join(i.keys), format_time(i.created), format_time(i.updated))
                for i in result
            ],
            caption=caption,
        )

    print_page(result, rows, columns, output_format, table=table, noun="secrets")


@secret.command(context_settings=VALUE_OPTIONS)
@click.argument("name")
@values_file_option
@value_options
@click.option(
    "-r",
    "--remove-keys",
    "--remove-key",
    "remove_keys",
    multiple=True,
    metavar="KEY",
    help="A key to remove (repeatable).",
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED, metavar="[--KEY=VALUE]...")
def update(
    name: str,
    values_file: Path | None,
    values: str | None,
    interactive: bool,
    private: bool,
    remove_keys: tuple[str, ...],
    args: tuple[str, ...],
) -> None:
    """Set keys of secret NAME (--key=value, --values, --values-file or -i; the others are
    kept) or remove them (-r KEY)."""
    from stackwise.cli.output import success
    from stackwise.client import Client

    gathered = gather_values(list(args), values_file, values, interactive)
    info = Client().update_secret(
        name,
        private=private or None,
        add_or_update_values=gathered,
        remove_values=list(remove_keys),
    )
    changes = [f"set {', '.join(sorted(gathered))}"] if gathered else []
    changes += [f"removed {', '.join(remove_keys)}"] if remove_keys else []
    success(
        f"Updated secret '{info.name}': {'; '.join(changes)}. Keys now: {', '.join(info.keys)}."
    )


def _referencing(client: Any, name: str) -> list[str]:
    """The components whose configuration references secret `name`."""
    from stackwise.secrets.references import referenced_secrets

    return [
        f"{r.type.value.replace('_', ' ')} '{r.name}'"
        for r in client.list_stack_components(size=10_000)
        if name in referenced_secrets(r.configuration)
    ]


@secret.command()
@click.argument("name")
@click.option("-n", "--new-name", required=True, help="The new name.")
def rename(name: str, new_name: str) -> None:
    """Rename secret NAME; refused while a component references it as {{NAME.key}}
    (change those references first)."""
    from stackwise.cli.output import success
    from stackwise.client import Client
    from stackwise.exceptions import EntityInUseError

    client = Client()
    found = client.get_secret(name)
    users = _referencing(client, found.name)
    if users:
        raise EntityInUseError(
            f"Secret '{found.name}' is referenced by {', '.join(users)}; "
            "renaming it would break them. Point them at a new secret first."
        )
    client.create_secret(new_name, found.secret_values)
    client.delete_secret(found.name)
    success(f"Renamed secret '{found.name}' to '{new_name}'.")


@secret.command(name="export")
@click.argument("name")
@click.option(
    "-p",
    "--private",
    type=bool,
    default=None,
    help="Look only among private (true) or public (false) secrets.",
)
@click.option(
    "-f",
    "--filename",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The YAML file to write (default: NAME.yaml); readable by you only.",
)
def export_(name: str, private: bool | None, filename: Path | None) -> None:
    """Write secret NAME's values to a YAML file (`secret create NAME --values @FILE` reads
    it back)."""
    import os

    import yaml

    from stackwise.cli.output import success
    from stackwise.client import Client
    from stackwise.exceptions import EntityExistsError

    found = Client().get_secret(name, private=private)
    target = filename or Path(f"{found.name}.yaml")
    if target.exists():
        raise EntityExistsError(f"{target} exists already; choose another file with -f.")
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        yaml.safe_dump(found.secret_values, stream, default_flow_style=False)
    success(f"Exported secret '{found.name}' to {target}.")


@secret.command()
@click.argument("name")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
def delete(name: str, yes: bool) -> None:
    """Delete secret NAME. Components referencing it fail to build until it exists again."""
    from stackwise.cli.output import success, warn
    from stackwise.client import Client
    from stackwise.exceptions import EntityNotFoundError, StackwiseError

    client = Client()
    try:  # an unknown name fails here, before the question is asked
        client.get_secret(name, allow_partial_name_match=False, allow_partial_id_match=False)
    except EntityNotFoundError:
        raise
    except StackwiseError:
        pass  # it exists but cannot be decrypted (a lost key): it can still be deleted
    users = _referencing(client, name)
    if users:
        warn(f"Referenced by: {', '.join(users)}; they cannot be used without it.")
    if not yes:
        click.confirm(f"Delete secret '{name}'?", abort=True)
    client.delete_secret(name)
    success(f"Deleted secret '{name}'.")
