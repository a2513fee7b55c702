"""The default orchestrator: every step in this process, one after another, in topological
order. No subprocess and no serialization beyond the artifacts themselves, which is what makes
a step cost about a millisecond of bookkeeping.

Like ZenML, a failure does not stop independent branches: steps downstream of a failed step
get no step run, every other step still runs. Step timeouts cannot be enforced here (a running
step of this process cannot be stopped safely): a run with timeouts logs a warning saying so.
"""

from __future__ import annotations

import logging

from stackwise.enums import ExecutionStatus
from stackwise.execution.step_runner import RunContext, StepRunner, skip_reason
from stackwise.orchestrators.base_orchestrator import BaseOrchestrator

logger = logging.getLogger("stackwise")


class CompletedRun:
    """The handle of a run that finished before `submit` returned."""

    def __init__(
        self, statuses: dict[str, ExecutionStatus], errors: dict[str, BaseException]
    ) -> None:
        self._statuses = statuses
        self._errors = errors

    def wait(self) -> dict[str, ExecutionStatus]:
        return self._statuses

    @property
    def errors(self) -> dict[str, BaseException]:
        return self._errors


class LocalOrchestrator(BaseOrchestrator):
    def submit(self, context: RunContext) -> CompletedRun:
        self.warn_unenforced_timeouts(context.spec)
        runner = StepRunner(context)
        statuses: dict[str, ExecutionStatus] = {}
        errors: dict[str, BaseException] = {}
        for invocation_id in context.spec.steps:  # the spec lists steps topologically
            blocked_by = skip_reason(context.spec, invocation_id, statuses.get)
            if blocked_by is not None:
                logger.warning(
                    "Skipping step '%s': upstream step '%s' did not succeed.",
                    invocation_id,
                    blocked_by,
                )
                continue
            try:
                outcome = runner.run(invocation_id)
            except Exception as error:  # noqa: BLE001 - raised before its runner could record
                # it (an input that does not load, the store failing): the step fails, the
                # rest of the run goes on, as for any failed step
                statuses[invocation_id] = fail_unrecorded(context, invocation_id, error)
                if statuses[invocation_id] == ExecutionStatus.FAILED:
                    errors[invocation_id] = error
                continue
            statuses[invocation_id] = outcome.status
            if outcome.error is not None:
                errors[invocation_id] = outcome.error
        return CompletedRun(statuses, errors)


def fail_unrecorded(
    context: RunContext, invocation_id: str, error: BaseException
) -> ExecutionStatus:
    """Record as failed a step whose runner raised instead of recording its end; a store that
    cannot record it either is logged (the run's end fails the step then)."""
    from stackwise.execution.step_entrypoint import record_unfinished_step

    try:
        return record_unfinished_step(
            context.store, context.run.id, context.spec.steps[invocation_id], error
        )
    except Exception:  # the step's own error is the one to report
        logger.warning("Could not record the failure of step '%s'.", invocation_id, exc_info=True)
        return ExecutionStatus.FAILED
