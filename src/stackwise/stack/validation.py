"""Checking, before anything runs, that a stack can run what the steps need. Every problem is
listed at once, each with the command that fixes it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from stackwise.enums import StackComponentType
from stackwise.exceptions import ConfigError, ProblemCollector, StackValidationError

if TYPE_CHECKING:
    from stackwise.stack.stack import Stack
    from stackwise.store.sql.sql_store import SqlStore

REQUIRED = (StackComponentType.ORCHESTRATOR, StackComponentType.ARTIFACT_STORE)
FLAG = {StackComponentType.EXPERIMENT_TRACKER: "-e", StackComponentType.STEP_OPERATOR: "-s"}


@dataclass(frozen=True)
class ComponentRequirement:
    """Step `step` needs a component of `type` named `name`."""

    step: str
    type: StackComponentType
    name: str


def validate_stack(stack: Stack, requirements: list[ComponentRequirement],
                   store: SqlStore | None = None) -> None:
    from stackwise.stack.flavor_registry import flavor_registry

    problems = ProblemCollector()
    for type_ in REQUIRED:
        if not stack.component_records(type_):
            problems.add(f"Stack '{stack.name}' has no {type_}. Add one: "
                         f"`stackwise stack update {stack.name} --{type_.cli_name} NAME`.")
    for type_, records in stack._records.items():
        for record in records:
            try:
                flavor = flavor_registry.get(type_, record.flavor)
                flavor.validate_config(record.configuration)
            except ConfigError as error:
                problems.add(f"Component '{record.name}' ({type_}): {error}")
    for need in requirements:
        names = stack.component_names(need.type)
        if need.name in names:
            continue
        label = need.type.value.replace("_", " ")
        fix = (f"register it (`stackwise {need.type.cli_name} register {need.name} "
               f"--flavor=...`) and add it: `stackwise stack update {stack.name} "
               f"{FLAG.get(need.type, '--' + need.type.cli_name)} {need.name}`")
        elsewhere = _stacks_with(store, need.type, need.name) if store else []
        if elsewhere:
            fix += f", or switch to a stack that has it: `stackwise stack set {elsewhere[0]}`"
        has = f" (it has: {', '.join(names)})" if names else ""
        problems.add(f"Step '{need.step}' uses {need.type.value}='{need.name}', but the active "
                     f"stack '{stack.name}' has no {label} named '{need.name}'{has}. To fix, "
                     f"{fix}. `stackwise stack describe` shows the stack.")
    problems.raise_if_any(StackValidationError, f"Stack '{stack.name}' cannot run this pipeline")


def _stacks_with(store: SqlStore, type_: StackComponentType, name: str) -> list[str]:
    try:
        component = store.get_component(type_, name)
    except KeyError:
        return []
    return [s.name for s in store.list_stacks()
            if component.id in s.components.get(str(type_), [])]
