"""`stackwise stack`: register stacks from components, choose the active one, inspect them.

Component options use ZenML's letters (`-o` orchestrator, `-a` artifact store, `-e` experiment
tracker...), so commands copied from ZenML docs work as typed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from stackwise.enums import StackComponentType

if TYPE_CHECKING:
    from stackwise.client import Client

T = StackComponentType
F = TypeVar("F", bound=Callable[..., Any])

# Every component type's option letter, in the order tables list them.
COMPONENT_FLAGS: dict[StackComponentType, str] = {
    T.ORCHESTRATOR: "-o",
    T.ARTIFACT_STORE: "-a",
    T.EXPERIMENT_TRACKER: "-e",
    T.MODEL_DEPLOYER: "-d",
    T.CONTAINER_REGISTRY: "-c",
    T.STEP_OPERATOR: "-s",
    T.DATA_VALIDATOR: "-dv",
    T.FEATURE_STORE: "-f",
    T.IMAGE_BUILDER: "-i",
    T.ALERTER: "-al",
    T.MODEL_REGISTRY: "-r",
}
REQUIRED_TYPES = (T.ORCHESTRATOR, T.ARTIFACT_STORE)


def label(type_: StackComponentType) -> str:
    return type_.value.replace("_", " ")


def component_options(f: F) -> F:
    """One `-x/--type NAME` option per component type (repeatable where a stack may hold
    several), each landing in the parameter named after the type's value."""
    for type_, short in reversed(COMPONENT_FLAGS.items()):
        several = type_.allows_several
        f = click.option(short, f"--{type_.cli_name}", type_.value, multiple=several,
                         metavar="NAME",
                         help=f"The {label(type_)}{' (repeatable)' if several else ''}.")(f)
    return f


def chosen_components(values: dict[str, Any]) -> dict[StackComponentType, str | list[str]]:
    """The component options the user gave, by type."""
    chosen: dict[StackComponentType, str | list[str]] = {}
    for type_ in COMPONENT_FLAGS:
        value = values.get(type_.value)
        if value:
            chosen[type_] = list(value) if isinstance(value, (tuple, list)) else value
    return chosen


def _client() -> Client:
    """The Client (imported here: `stackwise stack get` and `--help` never load it)."""
    from stackwise.client import Client

    return Client()


def _saved_in() -> str:
    from stackwise.config.global_config import (
        CONFIG_FILE_NAME,
        PROJECT_DIR_NAME,
        GlobalConfig,
        find_project_root,
    )

    project = find_project_root()
    if project is not None:
        return f"project config {project / PROJECT_DIR_NAME / CONFIG_FILE_NAME}"
    return f"global config {GlobalConfig().config_path}"


def _activate(client: Client, name: str) -> None:
    from stackwise.cli.output import success, warn
    from stackwise.config.global_config import GlobalConfig

    stack = client.activate_stack(name)
    success(f"Active stack set to '{stack.name}' (saved in the {_saved_in()}).")
    choice = GlobalConfig().active_stack()
    if choice.name != stack.name:
        warn(f"Note: the {choice.source} names '{choice.name}' and wins in this shell; "
             "unset it to use the saved choice.")


@click.group()
def stack() -> None:
    """Register, activate and inspect stacks: where pipelines run and store artifacts."""


@stack.command()
@click.argument("name")
@component_options
@click.option("--set", "set_active", is_flag=True, help="Make it the active stack too.")
def register(name: str, set_active: bool, **components: Any) -> None:
    """Register a stack from registered components.

    -o (orchestrator) and -a (artifact store) are required.

    \b
    Example:
      stackwise stack register dev -o default -a default -e mlflow_tracker --set
    """
    from stackwise.cli.output import note, success

    client = _client()
    client.create_stack(name, chosen_components(components))
    success(f"Registered stack '{name}'.")
    if set_active:
        _activate(client, name)
    else:
        note(f"Make it active with: stackwise stack set {name}")


@stack.command(name="set")
@click.argument("name")
def set_(name: str) -> None:
    """Make a stack the active one, for later processes too.

    Saved in the project's .stackwise/ when inside a `stackwise init` folder, else in the
    global config. STACKWISE_STACK, when set, still wins.
    """
    _activate(_client(), name)


@stack.command()
def get() -> None:
    """Print the active stack and where that choice comes from."""
    from stackwise.config.global_config import GlobalConfig

    choice = GlobalConfig().active_stack()
    click.echo(f"Active stack: '{choice.name}' (from the {choice.source})")


@stack.command(name="list")
def list_() -> None:
    """List the stacks and their components; ● is the active one."""
    from stackwise.cli.output import ACTIVE_MARK, print_table, warn
    from stackwise.config.global_config import GlobalConfig

    client = _client()
    stacks = client.list_stacks()
    names = {c.id: c.name for c in client.list_stack_components()}
    active = GlobalConfig().active_stack()
    types = [t for t in COMPONENT_FLAGS if any(str(t) in s.components for s in stacks)]
    rows = [(ACTIVE_MARK if s.name == active.name else "", s.name,
             *(", ".join(names.get(i, i) for i in s.components.get(str(t), [])) or "-"
               for t in types))
            for s in stacks]
    print_table(["ACTIVE", "NAME", *(t.value.upper() for t in types)], rows,
                caption=f"Active stack '{active.name}' comes from the {active.source}.")
    if all(s.name != active.name for s in stacks):
        warn(f"The active stack '{active.name}' does not exist; choose one with "
             "`stackwise stack set NAME`.")


@stack.command()
@click.argument("name", required=False)
def describe(name: str | None) -> None:
    """Show a stack's components and their configuration.

    NAME defaults to the active stack. Values of keys that look secret (password, token,
    secret, key) are shown as ****.
    """
    from stackwise.cli.output import format_config, print_table
    from stackwise.config.global_config import GlobalConfig

    client = _client()
    active = GlobalConfig().active_stack()
    target = client.get_stack(name) if name else client.active_stack
    info = target.describe()
    rows = [(label(t), c["name"], c["flavor"], format_config(c["configuration"]))
            for t in COMPONENT_FLAGS for c in info["components"].get(t.value, [])]
    is_active = target.name == active.name
    print_table(["COMPONENT TYPE", "NAME", "FLAVOR", "CONFIGURATION"], rows,
                title=f"Stack '{target.name}'{' (active)' if is_active else ''}",
                caption=f"Active stack '{active.name}' comes from the {active.source}.")


@stack.command()
@click.argument("name")
@component_options
def update(name: str, **components: Any) -> None:
    """Replace some of a stack's components.

    Only the component types given change.

    \b
    Example:
      stackwise stack update dev -e other_tracker
    """
    from stackwise.cli.output import success

    chosen = chosen_components(components)
    if not chosen:
        raise click.UsageError("Nothing to update: give the components to use, e.g. "
                               f"stackwise stack update {name} -e TRACKER.")
    updated = _client().update_stack(name, components=chosen)
    changed = ", ".join(f"{label(t)} {v if isinstance(v, str) else ', '.join(v)}"
                        for t, v in chosen.items())
    success(f"Updated stack '{updated.name}': {changed}.")


@stack.command()
@click.argument("name")
@click.argument("new_name")
def rename(name: str, new_name: str) -> None:
    """Rename a stack; a saved active-stack choice follows it."""
    from stackwise.cli.output import note, success, warn
    from stackwise.config.global_config import GlobalConfig

    client = _client()
    old = client.get_stack(name).name
    was_active = GlobalConfig().active_stack().name == old
    client.update_stack(old, new_name=new_name)  # keeps a saved active choice pointing at it
    success(f"Renamed stack '{old}' to '{new_name}'.")
    if os.environ.get("STACKWISE_STACK") == old:
        warn(f"STACKWISE_STACK={old} is set in this shell: set it to {new_name}.")
    elif was_active:
        note(f"It is the active stack: the {_saved_in()} now names '{new_name}'.")


@stack.command()
@click.argument("name")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
def delete(name: str, yes: bool) -> None:
    """Delete a stack (its components stay registered).

    The default stack and the active stack cannot be deleted.
    """
    from stackwise.cli.output import success
    from stackwise.config.global_config import DEFAULT_STACK_NAME, GlobalConfig
    from stackwise.exceptions import StackValidationError

    client = _client()
    target = client.get_stack(name).name
    # The Client refuses these too; checking first spares a pointless confirmation.
    if target == DEFAULT_STACK_NAME:
        raise StackValidationError(
            "The default stack cannot be deleted: stackwise falls back to it when no other "
            "stack is chosen. Delete the stacks you registered instead."
        )
    active = GlobalConfig().active_stack()
    if active.name == target:
        raise StackValidationError(
            f"Stack '{target}' is the active stack (from the {active.source}); switch first: "
            "`stackwise stack set default`."
        )
    if not yes:
        click.confirm(f"Delete stack '{target}'? Its components stay registered.", abort=True)
    client.delete_stack(target)
    success(f"Deleted stack '{target}'.")


def removal_flags(f: F) -> F:
    """One `-x/--type` flag per optional component type (a stack always keeps -o and -a)."""
    for type_, short in reversed(COMPONENT_FLAGS.items()):
        if type_ in REQUIRED_TYPES:
            continue
        f = click.option(short, f"--{type_.cli_name}", type_.value, is_flag=True,
                         help=f"Remove the {label(type_)}"
                              f"{'s' if type_.allows_several else ''}.")(f)
    return f


@stack.command(name="remove-component")
@click.argument("name")
@removal_flags
def remove_component(name: str, **flags: bool) -> None:
    """Remove component types (-e, -d, ...) from a stack.

    `-e` drops all its experiment trackers, and so on. The orchestrator and artifact store
    cannot be removed: replace them with `stack update`.
    """
    from stackwise.cli.output import success, warn

    chosen = [t for t in COMPONENT_FLAGS if flags.get(t.value)]
    if not chosen:
        raise click.UsageError("Say which component types to remove, e.g. "
                               f"stackwise stack remove-component {name} -e.")
    client = _client()
    target = client.get_stack(name)
    absent = [t for t in chosen if not target.component_records(t)]
    for type_ in absent:
        warn(f"Stack '{target.name}' has no {label(type_)}; nothing to remove there.")
    present = [t for t in chosen if t not in absent]
    if present:
        client.update_stack(target.name, components=dict.fromkeys(present))
        removed = ", ".join(f"{label(t)} {', '.join(target.component_names(t))}"
                            for t in present)
        success(f"Removed from stack '{target.name}': {removed}.")


# -- files, copies and checks ------------------------------------------------------------------
@stack.command(name="export")
@click.argument("name")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option("--overwrite", is_flag=True, help="Replace FILE if it exists.")
def export_(name: str, file: Path, overwrite: bool) -> None:
    """Write a stack's components to a YAML file (FILE `-` prints it).

    The file lists the components by type, each with its flavor (`type`), name and
    configuration, as the seed's stack files do. Secret references ({{name.key}}) are written
    as they are; `stackwise stack import` registers the stack from it.

    \b
    Example:
      stackwise stack export dev stacks/dev.yaml
    """
    from stackwise.cli.output import success, warn
    from stackwise.exceptions import EntityExistsError
    from stackwise.stack.stack_yaml import export_stack

    text, notes = export_stack(_client().store, name)
    for message in notes:
        warn(message)
    if str(file) == "-":
        click.echo(text, nl=False)
        return
    if file.exists() and not overwrite:
        raise EntityExistsError(f"{file} exists already; pass --overwrite to replace it, or "
                                "choose another file.")
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8")
    success(f"Exported stack '{name}' to {file}.")
    click.echo(f"Register it elsewhere with: stackwise stack import {file} [NAME]")


@stack.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("name", required=False)
@click.option("--set", "set_active", is_flag=True, help="Make it the active stack too.")
def import_(file: Path, name: str | None, set_active: bool) -> None:
    """Register a stack from a YAML file (from `stackwise stack export`, or a seed/ZenML stack
    file with `zenml_version`).

    NAME defaults to the file name without its extension. The whole file is checked before
    anything is registered. A component registered already with the same name, flavor and
    configuration is reused; one with the same name but another flavor or configuration is
    never changed: the import is refused and says how they differ.

    \b
    Example:
      stackwise stack import stacks/local-mlflow.yaml --set
    """
    from stackwise.cli.output import note, success, warn
    from stackwise.stack.stack_yaml import import_stack

    client = _client()
    result = import_stack(client.store, file, name)
    for message in result.notes:
        warn(message)
    stack_name = result.stack.name
    success(f"Imported stack '{stack_name}' from {file}.")
    for entry in result.created:
        note(f"  registered {entry.label} (flavor {entry.flavor})")
    for entry in result.reused:
        note(f"  reused {entry.label} (registered already, identical)")
    if set_active:
        _activate(client, stack_name)
    else:
        note(f"Make it active with: stackwise stack set {stack_name}")
    note(f"Check that it reaches its services: stackwise stack verify {stack_name}")


@stack.command()
@click.argument("source")
@click.argument("target")
def copy(source: str, target: str) -> None:
    """Register stack TARGET with the same components as SOURCE.

    The components are shared, not duplicated: `stackwise stack update TARGET ...` then swaps
    some of them without touching SOURCE.
    """
    from stackwise.cli.output import note, success
    from stackwise.stack.stack_yaml import copy_stack

    client = _client()
    copy_stack(client.store, source, target)
    success(f"Copied stack '{client.get_stack(source).name}' to '{target}'.")
    note(f"Make it active with: stackwise stack set {target}")


@stack.command()
@click.argument("name", required=False)
@click.pass_context
def verify(ctx: click.Context, name: str | None) -> None:
    """Check that a stack works: the checks made before every run, then each component's
    connection (an artifact store writes and deletes a probe file, an MLflow tracker reaches
    its tracking store).

    NAME defaults to the active stack. Exits with 1 if anything fails.
    """
    from stackwise.cli.output import print_table, success
    from stackwise.stack.verify import verify_stack

    client = _client()
    target = client.get_stack(name) if name else client.active_stack
    result = verify_stack(target, client.store)
    if result.problems:
        click.echo(f"Stack '{target.name}' cannot run pipelines "
                   f"({_count(len(result.problems), 'problem')}):")
        for i, problem in enumerate(result.problems, 1):
            click.echo(f"  {i}. {problem}")
    print_table(["COMPONENT TYPE", "NAME", "FLAVOR", "RESULT"],
                [(c.type.replace("_", " "), c.name, c.flavor, c.error or "OK")
                 for c in result.checks],
                title=f"Stack '{target.name}'")
    if result.ok:
        success(f"Stack '{target.name}' is ready: every check passed.")
        return
    counts = [_count(len(result.problems), "problem"),
              _count(len(result.failed), "component") + " failing"]
    click.secho(f"Error: stack '{target.name}' failed verification: "
                f"{', '.join(c for c in counts if not c.startswith('0 '))}.", fg="red", err=True)
    ctx.exit(1)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
