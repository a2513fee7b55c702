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


def parse_labels(labels: tuple[str, ...]) -> dict[str, str] | None:
    """ZenML's `--label key=value` (repeatable) -> a dict; a label without `=` is refused."""
    if not labels:
        return None
    parsed: dict[str, str] = {}
    for item in labels:
        key, eq, value = item.partition("=")
        if not eq or not key:
            raise click.UsageError(f"Label '{item}' is not key=value; write --label key=value.")
        parsed[key] = value
    return parsed


def _stacks_using(client: Any) -> dict[str, list[str]]:
    """Component id -> names of the stacks that use it."""
    users: dict[str, list[str]] = {}
    for stack in client.list_stacks(size=10_000):
        for ids in stack.component_ids.values():
            for component_id in ids:
                users.setdefault(str(component_id), []).append(stack.name)
    return users


def _active_ids(client: Any, type_: StackComponentType) -> set[str]:
    """Ids of the active stack's components of this type (none when the active stack is
    missing: listing still works)."""
    from stackwise.exceptions import EntityNotFoundError

    try:
        return {str(i) for i in client.active_stack_model.component_ids.get(type_.value, [])}
    except EntityNotFoundError:
        return set()


def _label_option(f: Any) -> Any:
    return click.option(
        "--label", "-l", "labels", multiple=True, metavar="KEY=VALUE", help="A label (repeatable)."
    )(f)


@cache
def component_group(type_: StackComponentType) -> click.Group:
    """The `stackwise <type>` group: ZenML's register/list/describe/get/update/rename/copy/
    remove-attribute/delete/explain/logs and the flavor commands."""
    from stackwise.cli.options import (
        filtered,
        list_kwargs,
        list_options,
        output_option,
        refuse_secret_env,
        secret_env_options,
    )

    label = type_.value.replace("_", " ")
    labels = plural(label)
    a_label = f"{'an' if label[0] in 'aeiou' else 'a'} {label}"
    cli_name = type_.cli_name

    @click.group(name=cli_name, help=f"Register and manage {labels}.")
    def group() -> None:
        pass

    if type_ is StackComponentType.MODEL_DEPLOYER:
        from stackwise.cli.model_deployer import models

        group.add_command(models)
    elif type_ is StackComponentType.MODEL_REGISTRY:
        from stackwise.cli.model_registry import models as registry_models

        group.add_command(registry_models)

    @group.command(
        context_settings=CONFIG_OPTIONS,
        help=f"Register {a_label}: NAME --flavor FLAVOR [--key=value ...].\n\n"
        "Configuration keys follow the name, as --key=value or --key value; "
        "values are read as YAML scalars (--port=5000 is a number, --x=true "
        f"a boolean). `stackwise {cli_name} flavor describe FLAVOR` lists a "
        "flavor's keys.",
    )
    @click.argument("name")
    @click.option("-f", "--flavor", required=True, help="The flavor (implementation) to use.")
    @_label_option
    @secret_env_options
    @click.argument("args", nargs=-1, type=click.UNPROCESSED, metavar="[--KEY=VALUE]...")
    def register(
        name: str,
        flavor: str,
        labels: tuple[str, ...],
        secrets: tuple[str, ...],
        env: tuple[str, ...],
        args: tuple[str, ...],
    ) -> None:
        from stackwise.cli.stack import COMPONENT_FLAGS
        from stackwise.client import Client

        refuse_secret_env("component", secrets, env)
        configuration = parse_config_args(list(args))
        with warnings_shown():
            Client().create_stack_component(
                name, flavor, type_, configuration, labels=parse_labels(labels)
            )
        click.secho(f"Registered {label} '{name}' (flavor {flavor}).", fg="green")
        if type_ in COMPONENT_FLAGS:
            click.echo(
                f"Add it to a stack: stackwise stack update STACK {COMPONENT_FLAGS[type_]} {name}"
            )

    @group.command(
        name="list",
        help=f"List the registered {labels}.\n\nFilters take ZenML's "
        "syntax (--name startswith:x); --output json|yaml|csv|tsv "
        "and --columns pick what is printed.",
    )
    @list_options(
        "id", "created", "updated", "user", "name", "flavor", "type", "connector_id", "stack_id"
    )
    def list_(**kwargs: Any) -> None:
        from stackwise.cli.output import (
            format_config,
            format_time,
            masked,
            model_row,
            print_page,
            print_table,
        )
        from stackwise.client import Client

        filters, columns, output_format = list_kwargs(kwargs)
        filters["type"] = type_
        client = Client()
        page = client.list_stack_components(**filters)
        if not page.total:
            if not filtered(filters, "type") and output_format == "table":
                click.echo(
                    f"No {labels} yet. Register one: stackwise {cli_name} register "
                    "NAME --flavor FLAVOR"
                )
            elif output_format == "table":
                click.echo(f"No {labels} match.")
        users = _stacks_using(client)
        active = _active_ids(client, type_)
        rows = [
            model_row(
                c,
                configuration=masked(c.configuration),
                active=str(c.id) in active,
                component_id=c.id,
                flavor=c.flavor_name,
                owner="default",
                stacks=sorted(users.get(str(c.id), [])),
            )
            for c in page
        ]

        def table(caption: str) -> None:
            print_table(
                ["NAME", "FLAVOR", "STACKS", "CONFIGURATION", "CREATED"],
                [
                    (
                        c.name,
                        c.flavor_name,
                        ", ".join(r["stacks"]) or "-",
                        format_config(c.configuration),
                        format_time(c.created),
                    )
                    for c, r in zip(page, rows, strict=True)
                ],
                caption=caption,
            )

        if page.total or output_format in ("json", "yaml"):
            print_page(page, rows, columns, output_format, table=table, noun=labels)

    @group.command(
        help=f"Show {a_label}'s flavor, configuration and the stacks using it "
        f"(NAME defaults to the active stack's {label})."
    )
    @click.argument("name", required=False)
    @output_option
    def describe(name: str | None, output_format: str | None) -> None:
        from stackwise.cli.options import output_format_of
        from stackwise.cli.output import (
            format_config,
            format_time,
            masked,
            print_pairs,
            print_single,
        )
        from stackwise.client import Client

        client = Client()
        record = client.get_stack_component(type_, name)
        users = _stacks_using(client).get(str(record.id), [])
        fmt = output_format_of(output_format)
        if fmt != "table":
            print_single(
                {
                    "id": str(record.id),
                    "name": record.name,
                    "type": type_.value,
                    "flavor": record.flavor_name,
                    "active": str(record.id) in _active_ids(client, type_),
                    "owner": "default",
                    "configuration": masked(record.configuration),
                    "labels": record.labels or {},
                    "service_connector": None,
                    "stacks": sorted(users),
                },
                fmt,
            )
            return
        print_pairs(
            [
                ("name", record.name),
                ("type", label),
                ("flavor", record.flavor_name),
                ("id", str(record.id)),
                ("created", format_time(record.created)),
                ("stacks", ", ".join(sorted(users)) or "-"),
                ("labels", format_config(record.labels or {})),
                ("configuration", format_config(record.configuration)),
            ],
            title=f"{label.capitalize()} '{record.name}'",
        )

    @group.command(help=f"Print the active stack's {label}.")
    def get() -> None:
        from stackwise.cli.output import warn
        from stackwise.client import Client

        stack = Client().active_stack_model
        components = stack.components.get(type_)
        if components:
            click.echo(f"Active {label}: '{components[0].name}'")
        else:
            warn(f"No {label} set for active stack ('{stack.name}').")

    @group.command(
        context_settings=CONFIG_OPTIONS,
        help=f"Change {a_label}'s configuration (--key=value options after the "
        "name are merged into the current ones) or labels (--label k=v).",
    )
    @click.argument("name", required=False)
    @_label_option
    @secret_env_options
    @click.option(
        "--remove-secret",
        "remove_secrets",
        multiple=True,
        metavar="NAME",
        help="Not supported (see --secret).",
    )
    @click.argument("args", nargs=-1, type=click.UNPROCESSED, metavar="[--KEY=VALUE]...")
    def update(
        name: str | None,
        labels: tuple[str, ...],
        secrets: tuple[str, ...],
        env: tuple[str, ...],
        remove_secrets: tuple[str, ...],
        args: tuple[str, ...],
    ) -> None:
        from stackwise.client import Client

        refuse_secret_env("component", secrets, env, remove_secrets)
        if name is not None and name.startswith("--"):  # no NAME: the active stack's
            args = (name, *args)
            name = None
        configuration = parse_config_args(list(args))
        new_labels = parse_labels(labels)
        client = Client()
        if name is None:
            name = client.get_stack_component(type_).name
        if not configuration and not new_labels:
            raise click.UsageError(
                f"Nothing to update: give --key=value options, e.g. "
                f"stackwise {cli_name} update {name} --key=value."
            )
        with warnings_shown():
            client.update_stack_component(
                name, type_, configuration=configuration or None, labels=new_labels
            )
        changed = sorted(configuration) + [f"label {k}" for k in sorted(new_labels or {})]
        click.secho(f"Updated {label} '{name}': {', '.join(changed)}.", fg="green")

    @group.command(
        name="remove-attribute",
        context_settings=CONFIG_OPTIONS,
        help=f"Remove configuration keys (--key) or labels (--label key) from "
        f"{a_label}; the flavor's defaults apply again.",
    )
    @click.argument("name")
    @click.option(
        "--label",
        "-l",
        "labels",
        multiple=True,
        metavar="KEY",
        help="A label to remove (repeatable).",
    )
    @click.argument("args", nargs=-1, type=click.UNPROCESSED, metavar="[--KEY]...")
    def remove_attribute(name: str, labels: tuple[str, ...], args: tuple[str, ...]) -> None:
        from stackwise.client import Client
        from stackwise.exceptions import ConfigError

        keys = []
        for arg in args:
            if not arg.startswith("--") or "=" in arg or arg == "--":
                raise click.UsageError(
                    f"Unexpected argument '{arg}'. Name the keys to remove as --key (no value)."
                )
            keys.append(arg[2:].replace("-", "_"))
        if not keys and not labels:
            raise click.UsageError(
                f"Say what to remove: stackwise {cli_name} remove-attribute "
                f"{name} --KEY (or --label KEY)."
            )
        client = Client()
        record = client.get_stack_component(type_, name)
        missing = [k for k in keys if k not in record.configuration]
        missing += [f"label {k}" for k in labels if k not in (record.labels or {})]
        if missing:
            raise ConfigError(
                f"{label.capitalize()} '{record.name}' has no "
                f"{', '.join(missing)}; nothing was removed."
            )
        with warnings_shown():
            client.update_stack_component(
                record.id,
                type_,
                configuration=dict.fromkeys(keys) if keys else None,
                labels=dict.fromkeys(labels) if labels else None,
            )
        removed = keys + [f"label {k}" for k in labels]
        click.secho(f"Removed from {label} '{record.name}': {', '.join(removed)}.", fg="green")

    @group.command(help=f"Rename {label} NAME to NEW_NAME (stacks using it follow).")
    @click.argument("name")
    @click.argument("new_name")
    def rename(name: str, new_name: str) -> None:
        from stackwise.client import Client

        Client().update_stack_component(name, type_, name=new_name)
        click.secho(f"Renamed {label} '{name}' to '{new_name}'.", fg="green")

    @group.command(
        help=f"Register {label} TARGET with the flavor, configuration and labels of SOURCE."
    )
    @click.argument("source")
    @click.argument("target")
    def copy(source: str, target: str) -> None:
        from stackwise.client import Client

        client = Client()
        original = client.get_stack_component(type_, source)
        with warnings_shown():
            client.create_stack_component(
                target, original.flavor_name, type_, original.configuration, labels=original.labels
            )
        click.secho(f"Copied {label} '{original.name}' to '{target}'.", fg="green")

    @group.command(help=f"Delete {a_label}; refused while a stack uses it.")
    @click.argument("name")
    def delete(name: str) -> None:
        from stackwise.client import Client

        Client().delete_stack_component(name, type_)
        click.secho(f"Deleted {label} '{name}'.", fg="green")

    @group.command(help=f"Explain what {a_label} is for.")
    def explain() -> None:
        import importlib

        try:
            doc = importlib.import_module(f"stackwise.{type_.plural}").__doc__
        except ImportError:
            doc = None
        flavors = ", ".join(f.name for f in _flavors())
        click.echo((doc or f"{a_label.capitalize()} is a stack component.").strip())
        click.echo(
            f"\nFlavors: {flavors or 'none yet'}. `stackwise {cli_name} flavor "
            "describe FLAVOR` lists a flavor's configuration keys."
        )

    @group.command(
        help=f"Show {a_label}'s logs (components that run a local daemon keep "
        "some; the others have none)."
    )
    @click.argument("name", required=False)
    @click.option("--follow", "-f", is_flag=True, help="Keep printing new lines.")
    def logs(name: str | None, follow: bool) -> None:
        from stackwise.cli.output import warn
        from stackwise.client import Client

        record = Client().get_stack_component(type_, name)
        # no stackwise component runs a daemon that writes a log file (as ZenML's do)
        warn(
            f"Unable to find log file for {label} '{record.name}'"
            f"{' to follow' if follow else ''}: it runs no background process."
        )

    def _flavors() -> list[Any]:
        from stackwise.client import Client

        return list(Client().get_flavors_by_type(type_))

    @group.group(help=f"The flavors (implementations) of {labels}.")
    def flavor() -> None:
        pass

    @flavor.command(name="list", help=f"List the {label} flavors, built-in and integrations'.")
    def flavor_list() -> None:
        from stackwise.cli.output import print_table

        flavors = _flavors()
        if not flavors:
            click.echo(f"No {label} flavors are available yet.")
            return
        print_table(
            ["FLAVOR", "INTEGRATION", "DESCRIPTION"],
            [(f.name, f.integration or "built-in", f.description) for f in flavors],
        )

    @flavor.command(
        name="register", help=f"Register a custom {label} flavor by import path (module:FLAVOR)."
    )
    @click.argument("path")
    def flavor_register(path: str) -> None:
        from stackwise.client import Client
        from stackwise.exceptions import ConfigError
        from stackwise.stack.flavor import Flavor, import_object

        try:
            found = import_object(path if ":" in path else ":".join(path.rsplit(".", 1)))
        except (ImportError, AttributeError, ValueError) as error:
            raise ConfigError(
                f"Cannot import a flavor from '{path}': {error}. Give "
                "module.path:NAME, importable from here."
            ) from None
        flavors = [
            f
            for f in (found if isinstance(found, (list, tuple)) else [found])
            if isinstance(f, Flavor)
        ]
        wrong = [f.name for f in flavors if str(f.type) != str(type_)]
        if wrong:
            raise ConfigError(
                f"'{path}' holds flavor(s) {', '.join(wrong)} of another type "
                f"than {label}; register them under their own type's group."
            )
        registered = Client().create_flavor(path, type_)
        for shown in [f.name for f in flavors] or [registered.name]:
            click.secho(f"Registered {label} flavor '{shown}' from {path}.", fg="green")

    @flavor.command(
        name="describe", help=f"Show {a_label} flavor's configuration keys (for `register`)."
    )
    @click.argument("flavor_name", metavar="FLAVOR")
    def flavor_describe(flavor_name: str) -> None:
        from stackwise.client import Client

        response = Client().get_flavor_by_name_and_type(flavor_name, type_)
        found = response.flavor
        origin = f"integration {found.integration}" if found.integration else "built-in"
        click.echo(f"{label.capitalize()} flavor '{found.name}' ({origin})")
        if found.description:
            click.echo(found.description)
        click.echo(
            f"\nConfiguration (stackwise {cli_name} register NAME --flavor "
            f"{found.name} --key=value ...):"
        )
        click.echo("  " + found.fields_doc().replace("\n", "\n  "))

    @flavor.command(
        name="delete",
        help=f"Forget a custom {label} flavor (built-in and integration flavors stay).",
    )
    @click.argument("name_or_id")
    def flavor_delete(name_or_id: str) -> None:
        from stackwise.client import Client

        client = Client()
        target = next(
            (f for f in client.get_flavors_by_type(type_) if name_or_id in (f.name, str(f.id))),
            None,
        )
        client.delete_flavor(target.id if target is not None else name_or_id)
        click.secho(
            f"Deleted {label} flavor '{target.name if target else name_or_id}'.", fg="green"
        )

    return group


def __getattr__(name: str) -> click.Group:
    """`stackwise.cli.component:experiment_tracker` -> that type's group (see main.py)."""
    try:
        type_ = StackComponentType(name)
    except ValueError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    return component_group(type_)
