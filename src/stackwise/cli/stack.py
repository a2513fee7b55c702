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

from stackwise.cli.options import (
    list_kwargs,
    list_options,
    output_option,
    refuse_secret_env,
    secret_env_options,
)
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
# ZenML's letters for the types stackwise does not run: given, they are refused with the reason.
UNSUPPORTED_FLAGS: dict[StackComponentType, str] = {
    T.ANNOTATOR: "-an",
    T.DEPLOYER: "-D",
    T.LOG_STORE: "-l",
    T.SANDBOX: "-sb",
}
REQUIRED_TYPES = (T.ORCHESTRATOR, T.ARTIFACT_STORE)


def label(type_: StackComponentType) -> str:
    return type_.value.replace("_", " ")


def _long_names(type_: StackComponentType) -> list[str]:
    """`--experiment-tracker` and ZenML's `--experiment_tracker` spelling."""
    names = [f"--{type_.cli_name}"]
    if "_" in type_.value:
        names.append(f"--{type_.value}")
    return names


def component_options(f: F) -> F:
    """One `-x/--type NAME` option per component type (repeatable where a stack may hold
    several), each landing in the parameter named after the type's value."""
    for type_, short in reversed({**COMPONENT_FLAGS, **UNSUPPORTED_FLAGS}.items()):
        several = type_.allows_several
        unsupported = type_ in UNSUPPORTED_FLAGS
        f = click.option(
            short,
            *_long_names(type_),
            type_.value,
            multiple=several,
            metavar="NAME",
            hidden=False,
            help=(
                f"The {label(type_)} (not supported by stackwise: refused)."
                if unsupported
                else f"The {label(type_)}{' (repeatable)' if several else ''}."
            ),
        )(f)
    return f


def refuse_unsupported(
    values: dict[str, Any],
    *,
    secrets: tuple[str, ...] = (),
    env: tuple[str, ...] = (),
    remove_secrets: tuple[str, ...] = (),
) -> None:
    """Options of features stackwise does not have: a clear error, never silently ignored."""
    from stackwise.stack.flavor_registry import check_supported

    for type_ in UNSUPPORTED_FLAGS:
        if values.get(type_.value):
            check_supported(type_)
    refuse_secret_env("stack", secrets, env, remove_secrets)


def chosen_components(values: dict[str, Any]) -> dict[StackComponentType, str | list[str]]:
    """The component options the user gave, by type."""
    chosen: dict[StackComponentType, str | list[str]] = {}
    for type_ in COMPONENT_FLAGS:
        value = values.get(type_.value)
        if value:
            chosen[type_] = list(value) if isinstance(value, (tuple, list)) else value
    return chosen


def _client() -> Client:
    """The Client (imported here: `--help` never loads it)."""
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

    target = client.get_stack(name).name
    client.activate_stack(target)
    success(f"Active stack set to '{target}' (saved in the {_saved_in()}).")
    choice = GlobalConfig().active_stack()
    if choice.name != target:
        warn(
            f"Note: the {choice.source} names '{choice.name}' and wins in this shell; "
            "unset it to use the saved choice."
        )


def _active_choice() -> Any:
    from stackwise.config.global_config import GlobalConfig

    return GlobalConfig().active_stack()


@click.group()
def stack() -> None:
    """Register, activate and inspect stacks: where pipelines run and store artifacts."""


@stack.command()
@click.argument("name")
@component_options
@click.option("--set", "set_active", is_flag=True, help="Make it the active stack too.")
@secret_env_options
def register(
    name: str, set_active: bool, secrets: tuple[str, ...], env: tuple[str, ...], **components: Any
) -> None:
    """Register a stack from registered components.

    -o (orchestrator) and -a (artifact store) are required.

    \b
    Example:
      stackwise stack register dev -o default -a default -e mlflow_tracker --set
    """
    from stackwise.cli.output import note, success

    refuse_unsupported(components, secrets=secrets, env=env)
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
    choice = _active_choice()
    click.echo(f"Active stack: '{choice.name}' (from the {choice.source})")


def _stack_row(s: Any, active_name: str) -> dict[str, Any]:
    from stackwise.cli.output import model_row

    row = model_row(s, active=s.name == active_name)
    row.pop("component_ids", None)
    components = s.components
    for type_ in COMPONENT_FLAGS:
        row[type_.value] = ", ".join(c.name for c in components.get(type_, [])) or "-"
    return row


@stack.command(name="list")
@list_options(
    "id", "created", "updated", "user", "name", "description", "component_id", "component"
)
def list_(**kwargs: Any) -> None:
    """List the stacks and their components; ● is the active one.

    Filters take ZenML's syntax (`--name startswith:dev`); --output json|yaml|csv|tsv and
    --columns pick what is printed."""
    from stackwise.cli.output import ACTIVE_MARK, print_page, print_table, warn

    filters, columns, output_format = list_kwargs(kwargs)
    client = _client()
    stacks = client.list_stacks(**filters)
    active = _active_choice()
    rows = [_stack_row(s, active.name) for s in stacks]

    def table(caption: str) -> None:
        types = [t for t in COMPONENT_FLAGS if any(r[t.value] != "-" for r in rows)]
        print_table(
            ["ACTIVE", "NAME", *(t.value.upper() for t in types)],
            [
                (ACTIVE_MARK if r["active"] else "", r["name"], *(r[t.value] for t in types))
                for r in rows
            ],
            caption=f"Active stack '{active.name}' comes from the {active.source}. " + caption,
        )

    print_page(stacks, rows, columns, output_format, table=table, noun="stacks")
    if (
        output_format == "table"
        and not filters.get("name")
        and all(s.name != active.name for s in stacks)
        and stacks.total_pages <= 1
    ):
        warn(
            f"The active stack '{active.name}' does not exist; choose one with "
            "`stackwise stack set NAME`."
        )


def _get_stack(client: Client, name: str | None) -> Any:
    """The named stack, or the active one (saying where that choice came from when it is
    missing)."""
    if name:
        return client.get_stack(name)
    from stackwise.exceptions import EntityNotFoundError

    choice = _active_choice()
    try:
        return client.get_stack(choice.name)
    except EntityNotFoundError as error:
        raise EntityNotFoundError(
            f"{error} The active stack comes from the {choice.source}; pick an existing stack "
            "with `stackwise stack set NAME` (`stackwise stack list` shows them)."
        ) from None


@stack.command()
@click.argument("name", required=False)
@output_option
def describe(name: str | None, output_format: str | None) -> None:
    """Show a stack's components and their configuration.

    NAME defaults to the active stack. Values of keys that look secret (password, token,
    secret, key) are shown as ****.
    """
    from stackwise.cli.options import output_format_of
    from stackwise.cli.output import format_config, masked, print_single, print_table

    client = _client()
    active = _active_choice()
    target = _get_stack(client, name)
    is_active = target.name == active.name
    components = target.components
    fmt = output_format_of(output_format)
    if fmt != "table":
        print_single(
            {
                "id": str(target.id),
                "name": target.name,
                "active": is_active,
                "owner": "default",
                "labels": target.labels or {},
                "components": {
                    t.value: [
                        {
                            "id": str(c.id),
                            "name": c.name,
                            "flavor": c.flavor_name,
                            "configuration": masked(c.configuration),
                        }
                        for c in components[t]
                    ]
                    for t in COMPONENT_FLAGS
                    if components.get(t)
                },
            },
            fmt,
        )
        return
    rows = [
        (label(t), c.name, c.flavor_name, format_config(c.configuration))
        for t in COMPONENT_FLAGS
        for c in components.get(t, [])
    ]
    print_table(
        ["COMPONENT TYPE", "NAME", "FLAVOR", "CONFIGURATION"],
        rows,
        title=f"Stack '{target.name}'{' (active)' if is_active else ''}",
        caption=f"Active stack '{active.name}' comes from the {active.source}.",
    )


@stack.command()
@click.argument("name")
@component_options
@secret_env_options
@click.option(
    "--remove-secret",
    "remove_secrets",
    multiple=True,
    metavar="NAME",
    help="Not supported (see --secret).",
)
def update(
    name: str,
    secrets: tuple[str, ...],
    env: tuple[str, ...],
    remove_secrets: tuple[str, ...],
    **components: Any,
) -> None:
    """Replace some of a stack's components.

    Only the component types given change.

    \b
    Example:
      stackwise stack update dev -e other_tracker
    """
    from stackwise.cli.output import success

    refuse_unsupported(components, secrets=secrets, env=env, remove_secrets=remove_secrets)
    chosen = chosen_components(components)
    if not chosen:
        raise click.UsageError(
            "Nothing to update: give the components to use, e.g. "
            f"stackwise stack update {name} -e TRACKER."
        )
    updated = _client().update_stack(
        name, component_updates={t: [v] if isinstance(v, str) else v for t, v in chosen.items()}
    )
    changed = ", ".join(
        f"{label(t)} {v if isinstance(v, str) else ', '.join(v)}" for t, v in chosen.items()
    )
    success(f"Updated stack '{updated.name}': {changed}.")


@stack.command()
@click.argument("name")
@click.argument("new_name")
def rename(name: str, new_name: str) -> None:
    """Rename a stack; a saved active-stack choice follows it."""
    from stackwise.cli.output import note, success, warn

    client = _client()
    old = client.get_stack(name).name
    was_active = _active_choice().name == old
    client.update_stack(old, name=new_name)  # keeps a saved active choice pointing at it
    success(f"Renamed stack '{old}' to '{new_name}'.")
    if os.environ.get("STACKWISE_STACK") == old:
        warn(f"STACKWISE_STACK={old} is set in this shell: set it to {new_name}.")
    elif was_active:
        note(f"It is the active stack: the {_saved_in()} now names '{new_name}'.")


@stack.command()
@click.argument("name")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "-r", "--recursive", is_flag=True, help="Also delete its components that no other stack uses."
)
def delete(name: str, yes: bool, recursive: bool) -> None:
    """Delete a stack (its components stay registered, unless --recursive).

    The default stack and the active stack cannot be deleted.
    """
    from stackwise.cli.output import success
    from stackwise.config.global_config import DEFAULT_STACK_NAME
    from stackwise.exceptions import StackValidationError

    client = _client()
    target = client.get_stack(name).name
    # The Client refuses these too; checking first spares a pointless confirmation.
    if target == DEFAULT_STACK_NAME:
        raise StackValidationError(
            "The default stack cannot be deleted: stackwise falls back to it when no other "
            "stack is chosen. Delete the stacks you registered instead."
        )
    active = _active_choice()
    if active.name == target:
        raise StackValidationError(
            f"Stack '{target}' is the active stack (from the {active.source}); switch first: "
            "`stackwise stack set default`."
        )
    if not yes:
        what = (
            "Its components no other stack uses are deleted too."
            if recursive
            else "Its components stay registered."
        )
        click.confirm(f"Delete stack '{target}'? {what}", abort=True)
    client.delete_stack(target, recursive=recursive)
    success(f"Deleted stack '{target}'{' and its unshared components' if recursive else ''}.")


def removal_flags(f: F) -> F:
    """One `-x/--type` flag per optional component type (a stack always keeps -o and -a)."""
    for type_, short in reversed({**COMPONENT_FLAGS, **UNSUPPORTED_FLAGS}.items()):
        if type_ in REQUIRED_TYPES:
            continue
        f = click.option(
            short,
            *_long_names(type_),
            type_.value,
            is_flag=True,
            help=f"Remove the {label(type_)}{'s' if type_.allows_several else ''}.",
        )(f)
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

    refuse_unsupported(flags)
    chosen = [t for t in COMPONENT_FLAGS if flags.get(t.value)]
    if not chosen:
        raise click.UsageError(
            f"Say which component types to remove, e.g. stackwise stack remove-component {name} -e."
        )
    client = _client()
    target = client.get_stack(name)
    components = target.components
    absent = [t for t in chosen if not components.get(t)]
    for type_ in absent:
        warn(f"Stack '{target.name}' has no {label(type_)}; nothing to remove there.")
    present = [t for t in chosen if t not in absent]
    if present:
        client.update_stack(target.name, component_updates={t: [] for t in present})
        removed = ", ".join(
            f"{label(t)} {', '.join(c.name for c in components[t])}" for t in present
        )
        success(f"Removed from stack '{target.name}': {removed}.")


# -- files, copies and checks ------------------------------------------------------------------
@stack.command(name="export")
@click.argument("name")
@click.argument(
    "file", required=False, type=click.Path(dir_okay=False, allow_dash=True, path_type=Path)
)
@click.option("--overwrite", is_flag=True, help="Replace FILE if it exists.")
def export_(name: str, file: Path | None, overwrite: bool) -> None:
    """Write a stack's components to a YAML file (FILE `-` prints it; default NAME.yaml).

    The file lists the components by type, each with its flavor (`type`), name and
    configuration, as the seed's stack files do. Secret references ({{name.key}}) are written
    as they are; `stackwise stack import` registers the stack from it.

    \b
    Example:
      stackwise stack export dev stacks/dev.yaml
    """
    import tempfile

    from stackwise.cli.output import success, warn
    from stackwise.exceptions import EntityExistsError

    client = _client()
    if file is None:
        file = Path(f"{client.get_stack(name).name}.yaml")
    if str(file) == "-":
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "stack.yaml"
            notes = client.export_stack(name, target)
            text = target.read_text(encoding="utf-8")
        for message in notes:
            warn(message)
        click.echo(text, nl=False)
        return
    if file.exists() and not overwrite:
        client.get_stack(name)  # an unknown stack is the first thing to say
        raise EntityExistsError(
            f"{file} exists already; pass --overwrite to replace it, or choose another file."
        )
    file.parent.mkdir(parents=True, exist_ok=True)
    for message in client.export_stack(name, file):
        warn(message)
    success(f"Exported stack '{name}' to {file}.")
    click.echo(f"Register it elsewhere with: stackwise stack import {file} [NAME]")


@stack.command(name="import")
@click.argument("first", metavar="FILE|STACK_NAME")
@click.argument("second", metavar="[NAME]", required=False)
@click.option(
    "-f",
    "--filename",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The YAML file (ZenML's form: `stack import STACK_NAME -f FILE`).",
)
@click.option(
    "--ignore-version-mismatch",
    is_flag=True,
    help="Do not note that the file was written by another version.",
)
@click.option("--set", "set_active", is_flag=True, help="Make it the active stack too.")
def import_(
    first: str,
    second: str | None,
    filename: Path | None,
    ignore_version_mismatch: bool,
    set_active: bool,
) -> None:
    """Register a stack from a YAML file (from `stackwise stack export`, or a seed/ZenML stack
    file with `zenml_version`): `import FILE [NAME]`, or ZenML's `import NAME -f FILE`
    (`import NAME` alone reads NAME.yaml).

    NAME defaults to the file name without its extension. The whole file is checked before
    anything is registered. A component registered already with the same name, flavor and
    configuration is reused; one with the same name but another flavor or configuration is
    never changed: the import is refused and says how they differ.

    \b
    Example:
      stackwise stack import stacks/local-mlflow.yaml --set
    """
    from stackwise.cli.output import note, success, warn

    name: str | None
    if filename is not None:
        if second is not None:
            raise click.UsageError(
                "Give the file once: `stack import NAME -f FILE` or `stack import FILE NAME`."
            )
        file, name = filename, first
    elif Path(first).is_file():
        file, name = Path(first), second
    elif (
        second is None and not first.endswith((".yaml", ".yml")) and Path(f"{first}.yaml").is_file()
    ):
        file, name = Path(f"{first}.yaml"), first
    else:
        raise click.BadParameter(
            f"'{first}' does not exist (give a YAML file, or a stack name with -f FILE).",
            param_hint="'FILE'",
        )
    client = _client()
    result = client.import_stack(file, name)
    for message in result.notes:
        if not (ignore_version_mismatch and "was written for" in message):
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
    from stackwise.exceptions import EntityExistsError, EntityNotFoundError

    client = _client()
    original = client.get_stack(source)
    try:
        client.get_stack(target, allow_name_prefix_match=False)
    except EntityNotFoundError:
        pass
    else:
        raise EntityExistsError(
            f"A stack named '{target}' exists already; choose another name "
            f"for the copy of '{original.name}'."
        )
    client.create_stack(
        target,
        {t: [c.id for c in group] for t, group in original.components.items() if group},
        description=original.description,
        labels=original.labels,
    )
    success(f"Copied stack '{original.name}' to '{target}'.")
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

    client = _client()
    target = _get_stack(client, name).name
    result = client.verify_stack(target)
    if result.problems:
        click.echo(
            f"Stack '{target}' cannot run pipelines ({_count(len(result.problems), 'problem')}):"
        )
        for i, problem in enumerate(result.problems, 1):
            click.echo(f"  {i}. {problem}")
    print_table(
        ["COMPONENT TYPE", "NAME", "FLAVOR", "RESULT"],
        [(c.type.replace("_", " "), c.name, c.flavor, c.error or "OK") for c in result.checks],
        title=f"Stack '{target}'",
    )
    if result.ok:
        success(f"Stack '{target}' is ready: every check passed.")
        return
    counts = [
        _count(len(result.problems), "problem"),
        _count(len(result.failed), "component") + " failing",
    ]
    click.secho(
        f"Error: stack '{target}' failed verification: "
        f"{', '.join(c for c in counts if not c.startswith('0 '))}.",
        fg="red",
        err=True,
    )
    ctx.exit(1)


@stack.command(name="export-requirements")
@click.argument("name", required=False)
@click.option(
    "-o",
    "--output-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write them to this file (one per line) instead of printing them.",
)
@click.option("-ov", "--overwrite", is_flag=True, help="Replace the output file if it exists.")
def export_requirements(name: str | None, output_file: Path | None, overwrite: bool) -> None:
    """Print (or write) the pip requirements of the integrations a stack's components come
    from (NAME defaults to the active stack), for `pip install -r`."""
    from stackwise.cli.output import success
    from stackwise.integrations.catalog import get_integration, list_integrations

    target = _get_stack(_client(), name)
    known = {i.name for i in list_integrations()}
    integrations = dict.fromkeys(
        c.flavor.integration for group in target.components.values() for c in group
    )
    found = list(
        dict.fromkeys(
            r for n in integrations if n in known for r in get_integration(n).requirements
        )
    )
    if output_file is None:
        if found:
            click.echo("\n".join(found))
        return
    if output_file.exists() and not overwrite:
        click.confirm(f"{output_file} exists already. Overwrite it?", abort=True)
    output_file.write_text("".join(f"{r}\n" for r in found), encoding="utf-8")
    success(f"Requirements for stack '{target.name}' exported to {output_file}.")


@stack.command(name="register-secrets")
@click.argument("name", required=False)
@click.option(
    "--skip-existing",
    is_flag=True,
    help="Leave secrets that exist already alone, even when keys are missing.",
)
def register_secrets(name: str | None, skip_existing: bool) -> None:
    """Create the secrets a stack's components reference ({{secret.key}}) and that do not
    exist yet, asking for each missing value (hidden). NAME defaults to the active stack."""
    from stackwise.cli.output import note, success
    from stackwise.exceptions import EntityNotFoundError
    from stackwise.secrets.references import find_references

    client = _client()
    target = _get_stack(client, name)
    wanted: dict[str, set[str]] = {}
    for group in target.components.values():
        for component in group:
            for _, reference in find_references(component.configuration):
                wanted.setdefault(reference.secret, set()).add(reference.key)
    if not wanted:
        note(f"The components of stack '{target.name}' reference no secrets.")
        return
    for secret_name, keys in sorted(wanted.items()):
        try:
            existing = set(
                client.get_secret(
                    secret_name, allow_partial_name_match=False, allow_partial_id_match=False
                ).secret_values
            )
        except EntityNotFoundError:
            existing = None
        missing = sorted(keys - (existing or set()))
        if not missing or (existing is not None and skip_existing):
            note(
                f"Secret '{secret_name}' exists already"
                + (f" (missing {', '.join(missing)}; skipped)." if missing else ".")
            )
            continue
        values = {
            key: click.prompt(f"Value of {{{{{secret_name}.{key}}}}}", hide_input=True)
            for key in missing
        }
        if existing is None:
            client.create_secret(secret_name, values)
            success(f"Created secret '{secret_name}' with key(s) {', '.join(missing)}.")
        else:
            client.update_secret(secret_name, add_or_update_values=values)
            success(f"Added key(s) {', '.join(missing)} to secret '{secret_name}'.")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
