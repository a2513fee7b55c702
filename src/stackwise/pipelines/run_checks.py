"""Checks made after compiling and before a run is recorded, against the active stack and the
store: steps asking for a step operator the stack lacks or that cannot reach the run's
artifacts, secrets that do not exist, a schedule the orchestrator cannot honour. Problems are
collected and raised once. Settings the stack cannot use are reported as warnings, as ZenML
does for resources."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from stackwise.exceptions import ConfigError, ProblemCollector, StackValidationError

if TYPE_CHECKING:
    from stackwise.models.pipeline_spec import PipelineSpec
    from stackwise.stack.stack import Stack
    from stackwise.store.base import Store

logger = logging.getLogger("stackwise")


def check_spec_on_stack(spec: PipelineSpec, stack: Stack, store: Store) -> None:
    """Every check of the steps in `spec` against the stack: components they name exist and
    validate, secrets exist, the orchestrator can run them; unused settings are warned of."""
    from stackwise.enums import StackComponentType
    from stackwise.stack.validation import ComponentRequirement, validate_stack

    requirements = [
        ComponentRequirement(
            s.invocation_id, StackComponentType.EXPERIMENT_TRACKER, s.experiment_tracker
        )
        for s in spec.steps.values()
        if isinstance(s.experiment_tracker, str)
    ] + [
        ComponentRequirement(s.invocation_id, StackComponentType.STEP_OPERATOR, s.step_operator)
        for s in spec.steps.values()
        if isinstance(s.step_operator, str)
    ]
    validate_stack(stack, requirements, store)
    check_step_components(spec, stack, store.url)
    check_secrets(spec, store)
    stack.orchestrator.validate_spec(spec)
    warn_unused_settings(spec, stack)


def check_reachable(
    spec: PipelineSpec, stack: Stack, invocations: Iterable[str] | None = None
) -> None:
    """Something answers for each network component the steps use (the artifact store, the
    experiment trackers they name, the model registry their models are saved to): else raise
    ComponentUnreachableError, naming each, within seconds and before the run is recorded.
    `invocations`: the steps that will run (all)."""
    from stackwise.enums import StackComponentType
    from stackwise.stack.verify import require_reachable

    components = [stack.artifact_store]
    for inv in spec.steps if invocations is None else invocations:
        model = spec.steps[inv].model
        if model and model.get("save_models_to_registry", True):
            components.append(stack.component(StackComponentType.MODEL_REGISTRY))
        tracker = spec.steps[inv].experiment_tracker
        if tracker:
            components.append(
                stack.component(
                    StackComponentType.EXPERIMENT_TRACKER, None if tracker is True else str(tracker)
                )
            )
    unique = {id(c): c for c in components if c is not None}  # each named once
    require_reachable(list(unique.values()), stack.name)


def check_dynamic_orchestrator(pipeline_name: str, stack: Stack) -> None:
    """A dynamic pipeline runs its steps in this process as its function calls them; an
    orchestrator that runs steps elsewhere would be bypassed, so it is refused."""
    orchestrator = stack.orchestrator
    if orchestrator.RUNS_STEPS_ELSEWHERE:
        raise StackValidationError(
            f"Dynamic pipeline '{pipeline_name}' cannot run on orchestrator "
            f"'{orchestrator.name}' ({orchestrator.flavor}): stackwise runs the steps of a "
            "dynamic pipeline in the calling process, one after another, as the pipeline "
            "function calls them. Use a stack with the local orchestrator, or drop "
            "dynamic=True to run the pipeline on this one."
        )


def check_step_components(spec: PipelineSpec, stack: Stack, store_url: str) -> None:
    """Components steps ask for without a name (`experiment_tracker=True`,
    `step_operator=True`) exist; a step operator that runs steps on other machines can reach
    the run's store and artifacts (`store_url`: the metadata store's URL). Named components
    the stack lacks are `validate_stack`'s to report."""
    from stackwise.enums import StackComponentType

    problems = ProblemCollector()
    for kind, flag in (("experiment_tracker", "-e"), ("step_operator", "-s")):
        if stack.component_records(kind):
            continue
        for inv, step in spec.steps.items():
            if getattr(step, kind) is True:
                label = kind.replace("_", " ")
                problems.add(
                    f"Step '{inv}' asks for the stack's {label} ({kind}=True), but stack "
                    f"'{stack.name}' has none. Add one: `stackwise stack update {stack.name} "
                    f"{flag} NAME`."
                )
    names = set(stack.component_names(StackComponentType.STEP_OPERATOR))
    for inv, step in spec.steps.items():
        wanted = step.step_operator
        if wanted in (None, False) or (wanted is not True and wanted not in names):
            continue
        for problem in _step_operator_problems(inv, wanted, stack, store_url):
            problems.add(problem)
    problems.raise_if_any(StackValidationError, f"Stack '{stack.name}' cannot run this pipeline")


def _step_operator_problems(
    inv: str, wanted: bool | str, stack: Stack, store_url: str
) -> list[str]:
    """What keeps the step operator of step `inv` from reaching the run's artifacts and store:
    an operator on other machines cannot open this machine's folders or SQLite file."""
    from stackwise.enums import StackComponentType
    from stackwise.exceptions import StackwiseError

    try:
        operator = stack.component(
            StackComponentType.STEP_OPERATOR, None if wanted is True else str(wanted)
        )
        artifact_store = stack.artifact_store
    except StackwiseError:  # reported by the stack's own checks
        return []
    if operator is None or getattr(operator, "shares_local_files", True):
        return []
    where = (
        f"Step '{inv}' runs on step operator '{operator.name}' ({operator.flavor}), on "
        "other machines"
    )
    problems = []
    if artifact_store is not None and (
        artifact_store.is_local or not artifact_store.config.is_remote
    ):
        problems.append(
            f"{where}, but artifact store '{artifact_store.name}' ({artifact_store.flavor}) "
            "keeps artifacts on this one, so the step could neither load its inputs nor save "
            "its outputs. Use a remote artifact store: `stackwise artifact-store register NAME "
            f"--flavor=s3 --path=s3://BUCKET`, then `stackwise stack update {stack.name} -a "
            "NAME`; or drop step_operator= from the step."
        )
    if store_url.startswith("sqlite"):
        problems.append(
            f"{where}, but the metadata store is the SQLite file {store_url}, which the step "
            "cannot open there. Use a stackwise server (`stackwise login URL`) or PostgreSQL "
            "(STACKWISE_STORE_URL=postgresql://...); or drop step_operator= from the step."
        )
    return problems


def check_secrets(spec: PipelineSpec, store: Store) -> None:
    """Every secret a step asks for exists (names only; values are read when the step runs)."""
    wanted = {name: inv for inv, s in spec.steps.items() for name in s.secrets}
    if not wanted:
        return
    from stackwise.exceptions import did_you_mean
    from stackwise.secrets.secret_store import SecretStore

    known = {info.name for info in SecretStore(store).list_all()}
    problems = ProblemCollector()
    for name, inv in wanted.items():
        if name not in known:
            problems.add(
                f"Step '{inv}' asks for secret '{name}', which does not exist."
                f"{did_you_mean(name, known)} Create it: `stackwise secret create "
                f"{name} --KEY=VALUE`."
            )
    problems.raise_if_any(ConfigError, f"Pipeline '{spec.name}' cannot run")


def check_schedule(pipeline_name: str, schedule: dict[str, Any] | None, stack: Stack) -> None:
    if schedule is None:
        return
    if getattr(stack.orchestrator, "supports_schedules", False):
        return
    raise ConfigError(
        f"Pipeline '{pipeline_name}' has a schedule, but stack '{stack.name}' cannot schedule "
        f"runs: its orchestrator '{stack.orchestrator.name}' ({stack.orchestrator.flavor}) has "
        "no scheduler. Use a stack whose orchestrator schedules runs (airflow, kubernetes, "
        "kubeflow, vertex), or run the "
        "pipeline without schedule=, from cron or another scheduler."
    )


def warn_unused_settings(spec: PipelineSpec, stack: Stack) -> None:
    """Log, once per key, settings no component of the stack reads; and resources on an
    orchestrator that cannot reserve them (as ZenML does)."""
    from stackwise.config.step_configurations import GENERAL_SETTINGS_KEYS

    reported: set[str] = set()
    resources_ok = getattr(stack.orchestrator, "supports_resource_settings", False)
    for inv, step in spec.steps.items():
        for key, values in step.settings.items():
            if key == "resources" and values and not resources_ok:
                logger.warning(
                    "Specifying step resources is not supported by orchestrator "
                    "'%s' (%s); ignoring the resource settings of step '%s'.",
                    stack.orchestrator.name,
                    stack.orchestrator.flavor,
                    inv,
                )
                continue
            if key in GENERAL_SETTINGS_KEYS or key in reported:
                continue
            component_type, sep, which = key.replace(":", ".", 1).partition(".")
            records = stack.component_records(component_type)
            by_flavor = key.count(":") == 0
            if records and (
                not sep or any((r.flavor if by_flavor else r.name) == which for r in records)
            ):
                continue
            reported.add(key)
            logger.warning(
                "settings '%s' (step '%s') apply to no component of stack '%s'; "
                "they are recorded but unused.",
                key,
                inv,
                stack.name,
            )
