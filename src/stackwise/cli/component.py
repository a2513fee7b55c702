"""One command group per stack component type (`stackwise orchestrator ...`,
`stackwise experiment-tracker ...`), all built by `component_group`.

Flavor configuration is given ZenML-style after the name: `--tracking_uri=http://host:5000` or
`--port 5000`. Values are read as YAML scalars (`--port=5000` is an int, `--nested=true` a bool);
the flavor's config class then validates them and its field doc is shown on a mistake.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import click

from stackwise.cli.main import plural
from stackwise.enums import StackComponentType

CONFIG_OPTIONS = {"ignore_unknown_options": True, "allow_extra_args": True}


@contextmanager
def warnings_shown() -> Iterator[None]:
    """The Client's UserWarnings (a secret given in plain text) as `Warning: ...` lines on
    stderr, instead of Python's `file:line: UserWarning` format."""
    import warnings

    from stackwise.cli.output import warn

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        yield
    for warning in caught:
        warn(f"Warning: {warning.message}")


def parse_value(raw: str) -> Any:
    """`5000` -> 5000, `0.5` -> 0.5, `true` -> True, `null` -> None, `[a, b]` -> a list;
    anything else (dates, `yes`, `no`, paths, URIs) stays the string typed."""
    if raw == "":
        return ""
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    import yaml

    try:
        value = yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw
    if isinstance(value, bool):  # YAML 1.1 reads yes/no/on/off as booleans: keep the text
        return raw
    if value is None or isinstance(value, (int, float, list, dict)):
        return value
    return raw


def parse_config_args(args: list[str]) -> dict[str, Any]:
    """`['--a=1', '--b', 'x']` -> {'a': 1, 'b': 'x'}; dashes in keys become underscores."""
    config: dict[str, Any] = {}
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("--") or arg == "--":
            raise click.UsageError(
                f"Unexpected argument '{arg}'. Configuration is given as --key=value "
                "after the component name."
            )
        key, eq, raw = arg[2:].partition("=")
        if not eq:
            if i + 1 >= len(args) or args[i + 1].startswith("--"):
                raise click.UsageError(f"Option --{key} needs a value: --{key}=VALUE.")
            raw = args[i + 1]
            i += 1
        key = key.replace("-", "_")
        if not key:
            raise click.UsageError(f"'{arg}' has no key name; write --key=value.")
        if key in config:
            raise click.UsageError(f"--{key} is given twice; give each key once.")
        config[key] = parse_value(raw)
        i += 1
    return config


def _stacks_using(client: Any) -> dict[str, list[str]]:
    """Component id -> names of the stacks that use it."""
    users: dict[str, list[str]] = {}
    for stack in client.list_stacks():
        for ids in stack.components.values():
            for component_id in ids:
                users.setdefault(component_id, []).append(stack.name)
    return users


@cache
def component_group(type_: StackComponentType) -> click.Group:
    """The `stackwise <type>` group with register/list/describe/update/rename/delete/flavor."""
    label = type_.value.replace("_", " ")
    labels = plural(label)
    a_label = f"{'an' if label[0] in 'aeiou' else 'a'} {label}"
    cli_name = type_.cli_name

    @click.group(name=cli_name, help=f"Register and manage {labels}.")
    def group() -> None:
        pass

    @group.command(context_settings=CONFIG_OPTIONS,
                   help=f"Register {a_label}: NAME --flavor FLAVOR [--key=value ...].\n\n"
                        "Configuration keys follow the name, as --key=value or --key value; "
                        "values are read as YAML scalars (--port=5000 is a number, --x=true "
                        f"a boolean). `stackwise {cli_name} flavor describe FLAVOR` lists a "
                        "flavor's keys.")
    @click.argument("name")
    @click.option("-f", "--flavor", required=True, help="The flavor (implementation) to use.")
    @click.pass_context
    def register(ctx: click.Context, name: str, flavor: str) -> None:
        from stackwise.cli.stack import COMPONENT_FLAGS
        from stackwise.client import Client

        configuration = parse_config_args(ctx.args)
        with warnings_shown():
            Client().create_stack_component(name, flavor, type_, configuration)
        click.secho(f"Registered {label} '{name}' (flavor {flavor}).", fg="green")
        click.echo(f"Add it to a stack: stackwise stack update STACK {COMPONENT_FLAGS[type_]} "
                   f"{name}")

    @group.command(name="list", help=f"List the registered {labels}.")
    def list_() -> None:
        from stackwise.cli.output import format_config, format_time, print_table
        from stackwise.client import Client

        client = Client()
        users = _stacks_using(client)
        records = client.list_stack_components(type_)
        if not records:
            click.echo(f"No {labels} yet. Register one: stackwise {cli_name} register NAME "
                       "--flavor FLAVOR")
            return
        print_table(["NAME", "FLAVOR", "STACKS", "CONFIGURATION", "CREATED"],
                    [(r.name, r.flavor, ", ".join(sorted(users.get(r.id, []))) or "-",
                      format_config(r.configuration), format_time(r.created))
                     for r in records])

    @group.command(help=f"Show {a_label}'s flavor, configuration and the stacks using it.")
    @click.argument("name")
    def describe(name: str) -> None:
        from stackwise.cli.output import format_config, format_time, print_pairs
        from stackwise.client import Client

        client = Client()
        record = client.get_stack_component(type_, name)
        users = _stacks_using(client).get(record.id, [])
        print_pairs([("name", record.name), ("type", label), ("flavor", record.flavor),
                     ("id", record.id), ("created", format_time(record.created)),
                     ("stacks", ", ".join(sorted(users)) or "-"),
                     ("configuration", format_config(record.configuration))],
                    title=f"{label.capitalize()} '{record.name}'")

    @group.command(context_settings=CONFIG_OPTIONS,
                   help=f"Change {a_label}'s configuration: --key=value options after the "
                        "name are merged into the current ones.")
    @click.argument("name")
    @click.pass_context
    def update(ctx: click.Context, name: str) -> None:
        from stackwise.client import Client

        configuration = parse_config_args(ctx.args)
        if not configuration:
            raise click.UsageError(f"Nothing to update: give --key=value options, e.g. "
                                   f"stackwise {cli_name} update {name} --key=value.")
        with warnings_shown():
            Client().update_stack_component(type_, name, configuration=configuration)
        click.secho(f"Updated {label} '{name}': {', '.join(sorted(configuration))}.",
                    fg="green")

    @group.command(help=f"Rename {label} NAME to NEW_NAME (stacks using it follow).")
    @click.argument("name")
    @click.argument("new_name")
    def rename(name: str, new_name: str) -> None:
        from stackwise.client import Client

        Client().update_stack_component(type_, name, new_name=new_name)
        click.secho(f"Renamed {label} '{name}' to '{new_name}'.", fg="green")

    @group.command(help=f"Delete {a_label}; refused while a stack uses it.")
    @click.argument("name")
    def delete(name: str) -> None:
        from stackwise.client import Client

        Client().delete_stack_component(type_, name)
        click.secho(f"Deleted {label} '{name}'.", fg="green")

    @group.group(help=f"The flavors (implementations) of {labels}.")
    def flavor() -> None:
        pass

    @flavor.command(name="list", help=f"List the {label} flavors, built-in and integrations'.")
    def flavor_list() -> None:
        from stackwise.cli.output import print_table
        from stackwise.stack.flavor_registry import flavor_registry

        flavors = flavor_registry.list(type_)
        if not flavors:
            click.echo(f"No {label} flavors are available yet.")
            return
        print_table(["FLAVOR", "INTEGRATION", "DESCRIPTION"],
                    [(f.name, f.integration or "built-in", f.description) for f in flavors])

    @flavor.command(name="register",
                    help=f"Register a custom {label} flavor by import path (module:FLAVOR).")
    @click.argument("path")
    def flavor_register(path: str) -> None:
        from stackwise.config.global_config import GlobalConfig
        from stackwise.exceptions import ConfigError
        from stackwise.stack.flavor_registry import flavor_registry

        try:
            flavors = flavor_registry.register_from_path(path)
        except (ImportError, AttributeError, ValueError) as error:
            raise ConfigError(f"Cannot import a flavor from '{path}': {error}. Give "
                              "module.path:NAME, importable from here.") from None
        wrong = [f.name for f in flavors if str(f.type) != str(type_)]
        if wrong:
            raise ConfigError(f"'{path}' holds flavor(s) {', '.join(wrong)} of another type "
                              f"than {label}; register them under their own type's group.")
        GlobalConfig().add_custom_flavor_path(path)
        for found in flavors:
            click.secho(f"Registered {label} flavor '{found.name}' from {path}.", fg="green")

    @flavor.command(name="describe",
                    help=f"Show {a_label} flavor's configuration keys (for `register`).")
    @click.argument("flavor_name", metavar="FLAVOR")
    def flavor_describe(flavor_name: str) -> None:
        from stackwise.stack.flavor_registry import flavor_registry

        found = flavor_registry.get(type_, flavor_name)
        origin = f"integration {found.integration}" if found.integration else "built-in"
        click.echo(f"{label.capitalize()} flavor '{found.name}' ({origin})")
        if found.description:
            click.echo(found.description)
        click.echo(f"\nConfiguration (stackwise {cli_name} register NAME --flavor "
                   f"{found.name} --key=value ...):")
        click.echo("  " + found.fields_doc().replace("\n", "\n  "))

    return group


def __getattr__(name: str) -> click.Group:
    """`stackwise.cli.component:experiment_tracker` -> that type's group (see main.py)."""
    try:
        type_ = StackComponentType(name)
    except ValueError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    return component_group(type_)
