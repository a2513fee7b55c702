"""Stacks as YAML files, so a stack can be shared, kept in git and rebuilt elsewhere:
`stackwise stack export`, `import` and `copy`.

The format is the seed's (ZenML's stack files): a version key, then `components:` keyed by
component type, each `{type: <flavor>, name, configuration}`, and a list under a type that may
hold several (experiment trackers, step operators):

    stackwise_version: "0.1.0"
    components:
      orchestrator:
        type: local
        name: local_orchestrator
      experiment_tracker:
        type: mlflow
        name: mlflow_tracker
        configuration:
          tracking_uri: http://localhost:5000

Import checks the whole file against the flavors and the store before it writes anything, and
reports every problem at once. A registered component with the same type, name, flavor and
configuration is reused; one with the same name that differs is never changed, the import is
refused instead. Secret references (`{{name.key}}`) travel verbatim in both directions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackwise.enums import StackComponentType
from stackwise.exceptions import (
    ConfigError,
    EntityExistsError,
    EntityNotFoundError,
    ProblemCollector,
    did_you_mean,
)
from stackwise.stack.active_stack import ensure_default_stack, load_stack
from stackwise.stack.flavor_registry import UNSUPPORTED_COMPONENT_TYPES, flavor_registry

if TYPE_CHECKING:
    from stackwise.stack.flavor import Flavor
    from stackwise.store.base import Store
    from stackwise.store.records import ComponentRecord, StackRecord

T = StackComponentType
FORMAT_KEY = "stackwise_version"
ZENML_KEY = "zenml_version"
TOP_LEVEL_KEYS = (FORMAT_KEY, ZENML_KEY, "components")
ENTRY_KEYS = ("type", "name", "configuration")
REQUIRED = (T.ORCHESTRATOR, T.ARTIFACT_STORE)
_SECRET_NAME_MARKERS = ("password", "token", "secret", "key")
_MASK = "****"


@dataclass(frozen=True)
class ComponentEntry:
    """One component as a stack file describes it, its configuration validated."""

    type: StackComponentType
    flavor: str
    name: str
    configuration: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """For sentences: `experiment tracker 'mlflow_tracker'`."""
        return f"{self.type.label} '{self.name}'"


@dataclass(frozen=True)
class ImportedStack:
    """What `import_stack` did: the new stack, the components it created and those it
    reused, and notes for the user (a ZenML file, a missing version key)."""

    stack: StackRecord
    created: list[ComponentEntry]
    reused: list[ComponentEntry]
    notes: list[str]


# -- export ----------------------------------------------------------------------------------
def stack_to_dict(store: Store, name_or_id: str) -> dict[str, Any]:
    """The stack file content for a registered stack (the default stack is created first if
    needed). Configurations are written as registered, secret references included."""
    from stackwise import __version__

    stack = load_stack(store, name_or_id)
    components: dict[str, Any] = {}
    for type_ in T:
        entries = [_entry_dict(record) for record in stack.component_records(type_)]
        if entries:
            components[type_.value] = entries if len(entries) > 1 else entries[0]
    return {FORMAT_KEY: __version__, "components": components}


def dump_stack_yaml(data: dict[str, Any], stack_name: str | None = None) -> str:
    """`data` (from `stack_to_dict`) as the text of a stack file."""
    import yaml

    header = (
        f"# Stack '{stack_name}'. Register it elsewhere with: stackwise stack import FILE [NAME]\n"
        if stack_name
        else ""
    )
    body = yaml.safe_dump(
        {"components": data["components"]},
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
    )
    # Quoted, as in the seed: a bare 0.10 would read back as a number.
    return f'{header}{FORMAT_KEY}: "{data[FORMAT_KEY]}"\n\n{body}'


def export_stack(store: Store, name_or_id: str) -> tuple[str, list[str]]:
    """The stack file text for a stack, and notes on what the user should know before
    sharing it: secret-looking values written in plain text."""
    stack = load_stack(store, name_or_id)
    data = stack_to_dict(store, stack.id)
    notes = []
    for type_ in T:
        for record in stack.component_records(type_):
            notes.extend(_plaintext_secret_notes(record))
    return dump_stack_yaml(data, stack.name), notes


def _entry_dict(record: ComponentRecord) -> dict[str, Any]:
    entry: dict[str, Any] = {"type": record.flavor, "name": record.name}
    if record.configuration:
        entry["configuration"] = dict(record.configuration)
    return entry


def _plaintext_secret_notes(record: ComponentRecord) -> list[str]:
    try:
        secret = _secret_fields(flavor_registry.get(record.type, record.flavor))
    except ConfigError:
        return []
    label = f"{record.type.replace('_', ' ')} '{record.name}'"
    return [
        f"The configuration of {label} holds '{key}' in plain text and the file now does "
        "too; store it as a secret (`stackwise secret create NAME "
        f"--{key}=...`) and reference it as {{{{NAME.{key}}}}} before sharing the file."
        for key, value in sorted(record.configuration.items())
        if key in secret and isinstance(value, str) and value and "{{" not in value
    ]


# -- import ----------------------------------------------------------------------------------
def read_stack_file(path: Path) -> Any:
    """The parsed YAML of a stack file; a ConfigError naming the file and line if it is not
    YAML."""
    import yaml

    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        at = f" (line {where.line + 1}, column {where.column + 1})" if where else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError(f"{path} is not valid YAML{at}: {problem}.") from None


def import_stack(store: Store, path: Path, name: str | None = None) -> ImportedStack:
    """Register the stack a file describes, under `name` (default: the file's stem)."""
    path = Path(path)
    return import_stack_data(store, read_stack_file(path), name or path.stem, source=str(path))


def import_stack_data(
    store: Store, data: Any, name: str, source: str = "the stack file"
) -> ImportedStack:
    """Register the stack `data` (a parsed stack file) describes, as stack `name`.

    Everything is checked first: the format version, unknown component types, unknown
    flavors, bad configurations, components registered already with another flavor or
    configuration, a taken stack name. All problems are raised together as one ConfigError and
    nothing is written; otherwise missing components are created and the stack registered.
    """
    ensure_default_stack(store)  # so a file naming the default components reuses them
    problems = ProblemCollector()
    notes = _check_version(data, source)
    entries = _parse_components(data, source, problems)
    existing: dict[tuple[StackComponentType, str], ComponentRecord] = {}
    by_name = {(r.type, r.name): r for r in store.list_components()}  # names, never id prefixes
    for entry in entries:
        record = by_name.get((entry.type.value, entry.name))
        if record is None:
            continue
        difference = _difference(entry, record, source)
        if difference:
            problems.add(
                f"{entry.label.capitalize()} is registered already with {difference}; import "
                f"never changes a registered component. Rename it in {source}, or rename the "
                f"registered one: `stackwise {entry.type.cli_name} rename {entry.name} "
                "NEW_NAME`."
            )
        existing[(entry.type, entry.name)] = record
    if _stack_exists(store, name):
        problems.add(
            f"A stack named '{name}' exists already. Import under another name: "
            f"`stackwise stack import {source} NEW_NAME`."
        )
    problems.raise_if_any(
        ConfigError, f"Cannot import stack '{name}' from {source}; nothing was changed"
    )

    created: list[ComponentRecord] = []
    made: list[ComponentEntry] = []
    kept: list[ComponentEntry] = []
    try:
        ids = []
        for entry in entries:
            record = existing.get((entry.type, entry.name))
            if record is None:
                record = store.create_component(
                    name=entry.name,
                    type=entry.type,
                    flavor=entry.flavor,
                    configuration=entry.configuration,
                )
                created.append(record)
                made.append(entry)
            else:
                kept.append(entry)
            ids.append(record.id)
        stack = store.create_stack(name, ids)
    except Exception:
        for record in created:  # another process got there first: leave no half import
            try:
                store.delete_component(record.id)
            except Exception:  # noqa: BLE001, S110 - the original error matters more
                pass
        raise
    return ImportedStack(stack, made, kept, notes)


def _check_version(data: Any, source: str) -> list[str]:
    """Notes about the file's version key; a ConfigError for a file of a newer format."""
    from stackwise import __version__

    if not isinstance(data, dict):
        return []
    if FORMAT_KEY in data:
        written = str(data[FORMAT_KEY])
        major = written.split(".", 1)[0]
        if not major.isdigit():
            raise ConfigError(
                f"{source}: {FORMAT_KEY} '{written}' is not a version like \"{__version__}\"."
            )
        if int(major) > int(__version__.split(".", 1)[0]):
            raise ConfigError(
                f"{source} was written by stackwise {written}, whose stack file format is newer "
                f"than this stackwise ({__version__}) reads. Upgrade stackwise "
                "(`pip install -U stackwise`), or export the stack again with a stackwise "
                f"{__version__.split('.', 1)[0]}.x."
            )
        return []
    if ZENML_KEY in data:
        return [
            f"{source} was written for ZenML {data[ZENML_KEY]} ({ZENML_KEY}); reading it as "
            "a stackwise stack file (components by type, each with type, name and "
            "configuration)."
        ]
    return [
        f"{source} has no {FORMAT_KEY} key; reading it as a stackwise {__version__} stack file."
    ]


def _parse_components(data: Any, source: str, problems: ProblemCollector) -> list[ComponentEntry]:
    """The file's components, each validated against its flavor; a problem for everything
    wrong, so one pass reports it all."""
    if data is None:
        problems.add(
            f"{source} is empty: a stack file is a mapping with a 'components:' key "
            "(`stackwise stack export NAME` writes one to start from)."
        )
        return []
    if not isinstance(data, dict):
        problems.add(
            f"{source} is not a stack file: expected a mapping with a 'components:' "
            f"key, found {type(data).__name__}."
        )
        return []
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            problems.add(
                f"Unknown top-level key '{key}'.{did_you_mean(str(key), TOP_LEVEL_KEYS)}"
                f" A stack file has {', '.join(TOP_LEVEL_KEYS)}."
            )
    components = data.get("components")
    if not isinstance(components, dict) or not components:
        problems.add(
            f"{source} has no components: add a 'components:' mapping of component "
            "type to {type: FLAVOR, name: NAME, configuration: {...}}."
        )
        return []
    entries: list[ComponentEntry] = []
    types = [t.value for t in T if t not in UNSUPPORTED_COMPONENT_TYPES]
    for raw_type, value in components.items():
        try:
            type_ = T(str(raw_type))
        except ValueError:
            problems.add(
                f"components: unknown component type '{raw_type}'."
                f"{did_you_mean(str(raw_type), types)} Types: {', '.join(types)}."
            )
            continue
        items = value if isinstance(value, list) else [value]
        if len(items) > 1 and not type_.allows_several:
            problems.add(
                f"components.{type_}: a stack has at most one {type_.label}; the file "
                f"lists {len(items)}. Only experiment trackers and step operators may "
                "be several."
            )
        for i, item in enumerate(items):
            where = f"components.{type_}" + (f"[{i}]" if isinstance(value, list) else "")
            entry = _parse_entry(type_, item, where, problems)
            if entry is not None:
                entries.append(entry)
    for type_ in REQUIRED:
        if type_.value not in components:
            problems.add(
                f"components: a stack needs an {type_.label}; add "
                f"'{type_.value}: {{type: local, name: NAME}}'."
            )
    seen: set[tuple[StackComponentType, str]] = set()
    for entry in entries:
        if (entry.type, entry.name) in seen:
            problems.add(f"components.{entry.type}: {entry.label} is listed twice.")
        seen.add((entry.type, entry.name))
    return entries


def _parse_entry(
    type_: StackComponentType, item: Any, where: str, problems: ProblemCollector
) -> ComponentEntry | None:
    if not isinstance(item, dict):
        problems.add(
            f"{where}: expected a mapping with type (the flavor), name and "
            f"configuration, found {item!r}."
        )
        return None
    ok = True
    for key in item:
        if key not in ENTRY_KEYS:
            hint = (
                " The flavor goes under 'type'."
                if key == "flavor"
                else did_you_mean(str(key), ENTRY_KEYS)
            )
            problems.add(
                f"{where}: unknown key '{key}'.{hint} A component has type (its "
                "flavor), name and configuration."
            )
            ok = False
    flavor, name = item.get("type"), item.get("name")
    configuration = item.get("configuration") or {}
    if not isinstance(flavor, str) or not flavor:
        problems.add(f"{where}: 'type' (the flavor, e.g. local) is missing.")
        ok = False
    if not isinstance(name, str) or not name:
        problems.add(f"{where}: 'name' is missing.")
        ok = False
    if not isinstance(configuration, dict):
        problems.add(
            f"{where}: 'configuration' must be a mapping of keys to values, found "
            f"{configuration!r}."
        )
        ok = False
    if not ok:
        return None
    label = f"{where} ({type_.label} '{name}')"
    try:
        flavor_obj = flavor_registry.get(type_, str(flavor))
        config = flavor_obj.validate_config(dict(configuration))
    except ConfigError as error:
        problems.add(f"{label}: {_one_line(str(error), type_, str(flavor))}")
        return None
    return ComponentEntry(
        type_, str(flavor), str(name), config.model_dump(mode="json", exclude_unset=True)
    )


def _one_line(message: str, type_: StackComponentType, flavor: str) -> str:
    head = message.split("\nFields of this flavor:", 1)[0].rstrip()
    if head != message.rstrip():
        head += f" `stackwise {type_.cli_name} flavor describe {flavor}` lists its keys."
    return " ".join(line.strip() for line in head.splitlines() if line.strip())


def _difference(entry: ComponentEntry, record: ComponentRecord, source: str) -> str:
    """'' when `record` is the component `entry` describes, else how they differ."""
    if record.flavor != entry.flavor:
        return f"flavor '{record.flavor}' ({source} says '{entry.flavor}')"
    flavor = flavor_registry.get(entry.type, entry.flavor)
    registered = _full_config(flavor, record.configuration)
    wanted = _full_config(flavor, entry.configuration)
    keys = sorted(
        k for k in registered.keys() | wanted.keys() if registered.get(k) != wanted.get(k)
    )
    if not keys:
        return ""
    secret = _secret_fields(flavor)
    shown = "; ".join(
        f"{k}: {_show(k, registered.get(k), secret)} registered, "
        f"{_show(k, wanted.get(k), secret)} in {source}"
        for k in keys
    )
    return f"a different configuration ({shown})"


def _full_config(flavor: Flavor, configuration: dict[str, Any]) -> dict[str, Any]:
    """Every field with its value, defaults included, so `{}` and `{nested: false}` compare
    equal; a configuration the flavor no longer accepts compares as stored."""
    try:
        return flavor.validate_config(dict(configuration)).model_dump(mode="json")
    except ConfigError:
        return dict(configuration)


def _secret_fields(flavor: Flavor) -> set[str]:
    fields = flavor.config_class().model_fields
    return {
        name
        for name, info in fields.items()
        if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get("secret")
    }


def _show(key: str, value: Any, secret: set[str]) -> str:
    if value is None:
        return "unset"
    looks_secret = key in secret or any(m in key.lower() for m in _SECRET_NAME_MARKERS)
    if looks_secret and not (isinstance(value, str) and "{{" in value):
        return _MASK
    return repr(value)


def _stack_exists(store: Store, name: str) -> bool:
    try:
        store.get_stack(name)
    except EntityNotFoundError:
        return False
    return True


# -- copy ------------------------------------------------------------------------------------
def copy_stack(store: Store, source: str, target: str) -> StackRecord:
    """Register stack `target` with the same components as `source` (shared, not copied:
    changing a component changes it in both)."""
    record = load_stack(store, source).record
    if _stack_exists(store, target):
        raise EntityExistsError(
            f"A stack named '{target}' exists already; choose another name "
            f"for the copy of '{record.name}'."
        )
    return store.create_stack(target, [i for ids in record.components.values() for i in ids])
