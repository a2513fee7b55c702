"""Checking, before anything runs, that a stack can run what the steps need. Every problem is
listed at once, each on one line with the command that fixes it.

Three kinds of problems are collected: the stack's own shape (an orchestrator and an artifact
store, components that can be built from their flavor and configuration), what each component
says it needs through its `validate_in_stack` hook, and what the steps ask for by name
(`@step(experiment_tracker=...)`). One rule holds for every orchestrator flavor and lives here
rather than in each of them: an orchestrator whose config `is_remote` runs steps on other
machines, so the rest of the stack must be reachable from there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stackwise.enums import StackComponentType
from stackwise.exceptions import ProblemCollector, StackValidationError, StackwiseError

if TYPE_CHECKING:
    from stackwise.stack.stack import Stack
    from stackwise.stack.stack_component import StackComponent
    from stackwise.store.base import Store

T = StackComponentType
REQUIRED = (T.ORCHESTRATOR, T.ARTIFACT_STORE)
FLAG = {T.EXPERIMENT_TRACKER: "-e", T.STEP_OPERATOR: "-s"}
# A remote orchestrator uses these from this machine (to build and push the step image), so
# they may stay local.
_LOCAL_IS_FINE = (T.CONTAINER_REGISTRY, T.IMAGE_BUILDER)
_FIELDS_DOC = "\nFields of this flavor:"

Built = tuple[StackComponentType, "StackComponent"]
"""A component built from its record, with the type the stack lists it under."""


@dataclass(frozen=True)
class ComponentRequirement:
    """Step `step` needs a component of `type` named `name`."""

    step: str
    type: StackComponentType
    name: str


def validate_stack(
    stack: Stack, requirements: Sequence[ComponentRequirement], store: Store | None = None
) -> None:
    """Raise StackValidationError listing every problem `stack_problems` finds."""
    problems = ProblemCollector()
    for problem in stack_problems(stack, requirements, store):
        problems.add(problem)
    problems.raise_if_any(StackValidationError, f"Stack '{stack.name}' cannot run this pipeline")


def stack_problems(
    stack: Stack, requirements: Sequence[ComponentRequirement] = (), store: Store | None = None
) -> list[str]:
    """Every problem that keeps `stack` from running steps with these `requirements`, one line
    each. `store`, when given, lets a missing component suggest a stack that has it."""
    problems: list[str] = []
    for type_ in REQUIRED:
        if not stack.component_records(type_):
            problems.append(
                f"Stack '{stack.name}' has no {type_}. Add one: "
                f"`stackwise stack update {stack.name} --{type_.cli_name} NAME`."
            )
    built = _build_components(stack, problems)
    for type_, component in built:
        problems.extend(
            f"Component '{component.name}' ({type_}): {problem}"
            for problem in component.validate_in_stack(stack)
        )
    problems.extend(remote_orchestrator_problems(stack, built))
    problems.extend(_requirement_problems(stack, requirements, store))
    return problems


def remote_orchestrator_problems(stack: Stack, components: Sequence[Built]) -> list[str]:
    """The rule every orchestrator flavor inherits: one that runs steps on other machines
    (its config `is_remote`) needs a remote artifact store, a container registry for the
    step image, and no other component that only this machine can reach."""
    orchestrator = next((c for t, c in components if t == T.ORCHESTRATOR), None)
    if orchestrator is None or not orchestrator.config.is_remote:
        return []
    runs_elsewhere = (
        f"orchestrator '{orchestrator.name}' ({orchestrator.flavor}) runs steps on other machines"
    )
    problems = []
    for type_, component in components:
        if component is orchestrator or component.config.is_remote or type_ in _LOCAL_IS_FINE:
            continue
        if type_ == T.ARTIFACT_STORE:
            problems.append(
                f"Stack '{stack.name}': {runs_elsewhere}, but artifact store '{component.name}' "
                f"({component.flavor}) keeps artifacts on this one, where those steps cannot "
                "read or write them. Use a remote artifact store: `stackwise artifact-store "
                "register NAME --flavor=FLAVOR --path=URI`, then `stackwise stack update "
                f"{stack.name} -a NAME`."
            )
        else:
            problems.append(
                f"Stack '{stack.name}': {runs_elsewhere}, but {type_.label} '{component.name}' "
                f"({component.flavor}) is configured for this machine only, so those steps "
                f"cannot reach it. Point it at a shared service (`stackwise {type_.cli_name} "
                f"flavor describe {component.flavor}` lists its keys, `stackwise "
                f"{type_.cli_name} update {component.name} --key=value` changes them) or remove "
                f"it: `stackwise stack remove-component {stack.name} --{type_.cli_name}`."
            )
    problems.extend(_sqlite_problems(f"Stack '{stack.name}': {runs_elsewhere}"))
    if not stack.component_records(T.CONTAINER_REGISTRY):
        problems.append(
            f"Stack '{stack.name}': {runs_elsewhere} from a container image, so the stack needs "
            "a container registry to push that image to: `stackwise container-registry "
            "register NAME --flavor=FLAVOR --uri=URI`, then `stackwise stack update "
            f"{stack.name} -c NAME`."
        )
    return problems


def unreachable_from_elsewhere(
    elsewhere: str, stack: Stack, store_url: str, this_machine_fix: str = ""
) -> list[str]:
    """The rule for an orchestrator whose steps run in processes on other machines (Dask
    workers, remote engines' containers): they must reach the metadata store and the artifact
    store, so a SQLite file and a folder of this machine are refused. `elsewhere` says why the
    steps run elsewhere; `this_machine_fix`, how to run them here instead."""
    problems = _sqlite_problems(elsewhere, store_url, this_machine_fix)
    try:
        artifact_store = stack.artifact_store
    except StackwiseError:  # reported by the stack's own checks
        artifact_store = None
    if artifact_store is not None and (
        artifact_store.is_local or not artifact_store.config.is_remote
    ):
        problems.append(
            f"{elsewhere}, but artifact store '{artifact_store.name}' "
            f"({artifact_store.flavor}) keeps artifacts in a folder of this machine. Use a "
            "remote artifact store: `stackwise artifact-store register NAME --flavor=s3 "
            f"--path=s3://BUCKET`, then `stackwise stack update {stack.name} -a NAME`."
        )
    return problems


def _sqlite_problems(
    elsewhere: str, store_url: str | None = None, this_machine_fix: str = ""
) -> list[str]:
    """A SQLite metadata store (this process's, by default) is a file of this machine."""
    from stackwise.config.global_config import GlobalConfig

    config = GlobalConfig()
    url = store_url or config.store_url
    if not url.startswith("sqlite"):
        return []
    return [
        f"{elsewhere}, but the metadata store is the SQLite file {url}, which they cannot "
        f"open. Use a shared database (store_url: postgresql://... in {config.config_path}) "
        f"or a stackwise server (`stackwise login URL`){this_machine_fix}."
    ]


def _build_components(stack: Stack, problems: list[str]) -> list[Built]:
    """Every component of the stack that can be built (flavor known, library installed,
    configuration valid, secrets resolvable), with its type; a problem for each one that
    cannot."""
    built: list[Built] = []
    for type_, records in stack._records.items():
        for record in records:
            try:
                component = stack.component(type_, record.name)
            except StackwiseError as error:  # flavor, library, configuration or secrets
                problems.append(
                    f"Component '{record.name}' ({type_}): "
                    f"{_one_line(str(error), type_, record.flavor)}"
                )
                continue
            if component is not None:  # never None: the stack lists this record
                built.append((T(type_), component))
    return built


def _one_line(message: str, type_: str, flavor: str) -> str:
    """A multi-line error as one line: a flavor's field list becomes the command showing it."""
    if _FIELDS_DOC in message:
        head = message.split(_FIELDS_DOC, 1)[0].rstrip()
        return (
            f"{head} `stackwise {type_.replace('_', '-')} flavor describe {flavor}` lists its keys."
        )
    return " ".join(line.strip() for line in message.splitlines() if line.strip())


def _requirement_problems(
    stack: Stack, requirements: Sequence[ComponentRequirement], store: Store | None
) -> list[str]:
    problems = []
    for need in requirements:
        names = stack.component_names(need.type)
        if need.name in names:
            continue
        fix = (
            f"register it (`stackwise {need.type.cli_name} register {need.name} "
            f"--flavor=...`) and add it: `stackwise stack update {stack.name} "
            f"{FLAG.get(need.type, '--' + need.type.cli_name)} {need.name}`"
        )
        elsewhere = _stacks_with(store, need.type, need.name) if store else []
        if elsewhere:
            fix += f", or switch to a stack that has it: `stackwise stack set {elsewhere[0]}`"
        has = f" (it has: {', '.join(names)})" if names else ""
        problems.append(
            f"Step '{need.step}' uses {need.type.value}='{need.name}', but the "
            f"active stack '{stack.name}' has no {need.type.label} named "
            f"'{need.name}'{has}. To fix, {fix}. `stackwise stack describe` shows "
            "the stack."
        )
    return problems


def _stacks_with(store: Store, type_: StackComponentType, name: str) -> list[str]:
    try:
        component = store.get_component(type_, name)
    except KeyError:
        return []
    return [s.name for s in store.list_stacks() if component.id in s.components.get(str(type_), [])]
