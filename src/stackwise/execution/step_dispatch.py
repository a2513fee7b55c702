"""Steps that name a step operator (`@step(step_operator="name")`): whichever orchestrator
runs the pipeline, its StepRunner hands such a step to the operator instead of running it.

The operator runs the step entrypoint's command (`python -m stackwise.entrypoints.step --run-id
RUN --step INVOCATION`) where it runs things, with an environment that points that process at
this run's store and says it runs on the operator (`ON_STEP_OPERATOR_ENV`: there the StepRunner
runs the step itself, retries included). Once `launch` returns, the step's outcome is read back
from the store, where the step's process recorded it; a job that ended without recording it
gets its failure recorded here, naming the operator.

A step found in the cache is not dispatched: the cache is checked first, here.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

from stackwise.enums import ExecutionStatus, StackComponentType
from stackwise.exceptions import StepFailedError, StepOperatorError

if TYPE_CHECKING:
    from stackwise.execution.step_runner import RunContext, StepOutcome, StepRunner
    from stackwise.models.pipeline_spec import StepSpec
    from stackwise.stack.stack import Stack
    from stackwise.step_operators.base_step_operator import BaseStepOperator

logger = logging.getLogger("stackwise")

S = ExecutionStatus

STEP_ENTRYPOINT_MODULE = "stackwise.entrypoints.step"
"""The step entrypoint (entrypoints/step.py); its command line is built here too, as this
layer sits below `stackwise.entrypoints` (a test keeps both the same)."""

ON_STEP_OPERATOR_ENV = "STACKWISE_ON_STEP_OPERATOR"
"""Set (to the operator's name) in the process a step operator runs: the step runs there."""

CREDENTIAL_ENVIRONMENT = (
    "STACKWISE_STORE_API_KEY",
    "STACKWISE_STORE_USERNAME",
    "STACKWISE_STORE_PASSWORD",
    "STACKWISE_SECRETS_KEY",
)
"""Variables a step's process may need to reach the store and decrypt secrets: credentials,
which an operator that writes manifests must deliver its engine's way (a k8s Secret), never
inline."""


def entrypoint_command(run_id: str, invocation_id: str, python: str = "python") -> list[str]:
    """The step entrypoint's command line for step `invocation_id` of run `run_id`."""
    return [python, "-m", STEP_ENTRYPOINT_MODULE, "--run-id", str(run_id), "--step", invocation_id]


def on_step_operator() -> bool:
    """True in a process a step operator started for a step: run the step here."""
    return bool(os.environ.get(ON_STEP_OPERATOR_ENV))


def credentials_from_environment(store_url: str | None = None) -> dict[str, str]:
    """The CREDENTIAL_ENVIRONMENT variables set in this process, and the database password
    of `store_url` (STACKWISE_STORE_PASSWORD: `store_environment` leaves it out of the URL)."""
    from stackwise.store.urls import STORE_PASSWORD_ENV, split_password

    credentials = {k: os.environ[k] for k in CREDENTIAL_ENVIRONMENT if os.environ.get(k)}
    password = split_password(store_url)[1] if store_url else None
    if password is not None:
        credentials[STORE_PASSWORD_ENV] = password
    return credentials


def store_environment(store_url: str) -> dict[str, str]:
    """What points a step's process at the store: its URL without a password (a credential,
    see `credentials_from_environment`)."""
    from stackwise.store.urls import split_password

    return {"STACKWISE_STORE_URL": split_password(store_url)[0]}


def step_operator_of(stack: Stack, spec: StepSpec) -> BaseStepOperator:
    """The operator the step names (True: the stack's first step operator)."""
    from stackwise.step_operators.base_step_operator import BaseStepOperator

    name = None if spec.step_operator is True else str(spec.step_operator)
    operator = stack.component(StackComponentType.STEP_OPERATOR, name)
    if not isinstance(operator, BaseStepOperator):
        # run_checks refuses such a spec before the run; a stack changed since meets this
        raise StepOperatorError(
            f"Step '{spec.invocation_id}' asks for a step operator, but stack '{stack.name}' "
            f"has none. Add one: `stackwise stack update {stack.name} -s NAME`."
        )
    return operator


def operator_settings(spec: StepSpec, operator: BaseStepOperator) -> dict[str, Any]:
    """The step's settings under `step_operator` or `step_operator.<flavor>`."""
    chosen: dict[str, Any] = {}
    for key in ("step_operator", f"step_operator.{operator.flavor}"):
        value = spec.settings.get(key)
        if value:
            chosen.update(dict(value))
    return chosen


def run_on_step_operator(runner: StepRunner, spec: StepSpec) -> StepOutcome:
    """Launch the step on its operator, wait, and return its outcome as the store has it."""
    from stackwise.execution import progress
    from stackwise.execution.step_runner import StepOutcome

    context = runner.ctx
    inv = spec.invocation_id
    operator = step_operator_of(context.stack, spec)
    info = _run_info(context, spec, operator)
    environment = {
        **store_environment(context.store.url),
        ON_STEP_OPERATOR_ENV: operator.name,
        **credentials_from_environment(context.store.url),
    }
    progress.step_started(inv)
    launch_error: BaseException | None = None
    try:
        operator.launch(info, entrypoint_command(context.run.id, inv), environment)
    except Exception as problem:  # noqa: BLE001 - the store may still hold the step's own end
        launch_error = problem
    status, error = _recorded_outcome(context, spec, operator, launch_error)
    outputs = runner._outputs_from_store(inv) if status.is_successful else {}
    progress.step_finished(inv, status, error)
    return StepOutcome(status, outputs, error)


def _run_info(context: RunContext, spec: StepSpec, operator: BaseStepOperator) -> Any:
    from stackwise.execution.run_images import build_images, step_image
    from stackwise.step_operators.base_step_operator import StepOperatorRunInfo

    resources = {k: v for k, v in dict(spec.settings.get("resources") or {}).items() if v}
    return StepOperatorRunInfo(
        pipeline_name=context.spec.name,
        run_id=context.run.id,
        run_name=context.run.name,
        pipeline_step_name=spec.invocation_id,
        image=step_image(spec, build_images(context.store, context.run.config or {})),
        settings=operator_settings(spec, operator),
        resources=resources,
    )


def _recorded_outcome(
    context: RunContext,
    spec: StepSpec,
    operator: BaseStepOperator,
    launch_error: BaseException | None,
) -> tuple[ExecutionStatus, BaseException | None]:
    """The step's final status and error as its process recorded them; a step the job left
    unrecorded (or running) is failed here with the operator's error."""
    from stackwise.execution.step_entrypoint import record_unfinished_step

    inv = spec.invocation_id
    runs = [s for s in context.store.list_step_runs(context.run.id) if s.name == inv]
    last = runs[-1] if runs else None
    if last is not None and S(last.status).is_finished and S(last.status) != S.RETRIED:
        status = S(last.status)
        if status.is_successful:
            return status, None
        info = last.exception_info or {}
        kind = str(info.get("type", "Exception")).rsplit(".", 1)[-1]
        return status, StepFailedError(f"{kind}: {info.get('message', '')}", step=inv)
    why = (
        f"{type(launch_error).__name__}: {launch_error}"
        if launch_error is not None
        else "its job ended without recording the step's end"
    )
    error = StepOperatorError(
        f"Step '{inv}' did not run to its end on step operator '{operator.name}' "
        f"({operator.flavor}): {why}"
    )
    return record_unfinished_step(context.store, context.run.id, spec, error), error
