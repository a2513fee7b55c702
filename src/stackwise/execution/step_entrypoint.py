"""Running one step from nothing but the store's URL, a run id and an invocation id: what a
worker process, a Dask task or a container executes. Everything else (spec, stack, upstream
outputs) is read from the store — once per run in each process (and thread) that runs its
steps: the run's context is cached under (store URL, run id), so the next step of the same run
there costs no reads for it. A run's spec and stack do not change while it runs; another run
gets a context of its own, read afresh (a stack changed between runs is seen).

Also here: what crossing a process boundary needs from a spec (importable steps and hooks), the
report that comes back, and recording a step whose process could not record its own end.
"""

from __future__ import annotations

import pickle
import threading
from collections import OrderedDict
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from stackwise.enums import ExecutionStatus
from stackwise.exceptions import StepFailedError
from stackwise.execution.step_run_config import step_run_config
from stackwise.execution.step_runner import (
    RunContext,
    StepOutcome,
    StepRunner,
    describe_exception,
)
from stackwise.models.pipeline_spec import PipelineSpec, StepSpec

if TYPE_CHECKING:
    from stackwise.store.base import Store
    from stackwise.store.records import ArtifactVersionRecord

S = ExecutionStatus

Outputs = Mapping[str, Mapping[str, "ArtifactVersionRecord"]]  # invocation -> output -> version

_MAX_CONTEXTS = 16  # runs (times threads) whose context a process keeps
_contexts: OrderedDict[tuple[str, str, int], RunContext] = OrderedDict()
_contexts_lock = threading.Lock()


def run_context_from_store(store_url: str, run_id: str) -> RunContext:
    """A fresh context of a recorded run: its record, spec and stack, read from the store."""
    from stackwise.stack.active_stack import load_stack
    from stackwise.store import get_store

    store = get_store(store_url)
    run = store.get_run(run_id)
    if run.stack_id is None:
        raise RuntimeError(f"Run '{run.name}' records no stack; it cannot run on a worker.")
    return RunContext(
        store=store,
        stack=load_stack(store, run.stack_id),
        run=run,
        spec=PipelineSpec.from_dict(run.spec),
    )


def cached_run_context(store_url: str, run_id: str) -> RunContext:
    """The run's context as this thread last used it, else read from the store. Per thread:
    a context's caches (step objects, the init hook's state) are filled as steps run."""
    from stackwise.store import get_store

    store = get_store(store_url)
    key = (store_url, run_id, threading.get_ident())
    with _contexts_lock:
        context = _contexts.get(key)
        if context is not None and context.store is store:  # else the store was reopened
            _contexts.move_to_end(key)
            return context
    context = run_context_from_store(store_url, run_id)
    with _contexts_lock:
        _contexts[key] = context
        while len(_contexts) > _MAX_CONTEXTS:
            _contexts.popitem(last=False)
    return context


def forget_run_contexts() -> None:
    """Drop every cached run context (tests; a process switching stores)."""
    with _contexts_lock:
        _contexts.clear()


def run_step(
    store_url: str,
    run_id: str,
    invocation_id: str,
    upstream_outputs: Outputs | None = None,
    *,
    attempt: int | None = None,
) -> StepOutcome:
    """Execute (or cache-hit) one step of a recorded run; upstream steps must have succeeded.
    `upstream_outputs`: the outputs of upstream steps the caller already knows (else they are
    read from the store). `attempt`: run that one attempt only (`StepRunner.run`)."""
    context = cached_run_context(store_url, run_id)
    for upstream, outputs in (upstream_outputs or {}).items():
        context.outputs[upstream] = dict(outputs)
    return StepRunner(context).run(invocation_id, attempt=attempt)


def run_step_status(store_url: str, run_id: str, invocation_id: str) -> str:
    """`run_step` for process boundaries: only the status string crosses back; the step's
    error (if any) is recorded on its step run in the store."""
    outcome = run_step(store_url, run_id, invocation_id)
    return str(outcome.status if outcome.status else ExecutionStatus.FAILED)


@dataclass(frozen=True)
class StepReport:
    """What comes back from a step run in another process. `recorded` is False when the
    step's end is not in the store (an error escaped the StepRunner): the receiver records it."""

    invocation_id: str
    status: ExecutionStatus
    recorded: bool = True
    outputs: dict[str, ArtifactVersionRecord] = field(default_factory=dict)
    exception_info: dict[str, Any] | None = None
    pickled_error: bytes | None = None

    @classmethod
    def of(
        cls,
        invocation_id: str,
        status: ExecutionStatus,
        error: BaseException | None,
        *,
        recorded: bool = True,
        outputs: Mapping[str, ArtifactVersionRecord] | None = None,
    ) -> StepReport:
        pickled = None
        if error is not None:
            try:
                pickled = pickle.dumps(error)
            except Exception:  # noqa: BLE001 - unpicklable errors travel as text only
                pickled = None
        return cls(
            invocation_id,
            status,
            recorded,
            dict(outputs or {}),
            describe_exception(error) if error is not None else None,
            pickled,
        )

    def error(self) -> BaseException | None:
        """The step's exception as raised, else a StepFailedError carrying its text."""
        if self.exception_info is None:
            return None
        if self.pickled_error is not None:
            with suppress(Exception):  # its class may not import here: then use the text
                error = pickle.loads(self.pickled_error)  # our own worker's bytes
                if isinstance(error, BaseException):
                    return error
        kind = str(self.exception_info.get("type", "Exception")).rsplit(".", 1)[-1]
        return StepFailedError(
            f"{kind}: {self.exception_info.get('message', '')}", step=self.invocation_id
        )


# -- what crossing a process boundary needs ----------------------------------------------------
def portability_problems(spec: PipelineSpec) -> list[str]:
    """Steps and hooks another process cannot find again from their source: lambdas, functions
    defined inside functions, and code typed into an interactive session. One line each."""
    users: dict[tuple[str, str], list[str]] = {}
    for inv, step in spec.steps.items():
        for what, source in (
            ("step function", step.source),
            ("on_failure hook", step.on_failure),
            ("on_success hook", step.on_success),
            ("on_start hook", step.on_start),
            ("on_end hook", step.on_end),
        ):
            if source is not None and _unimportable(source):
                users.setdefault((what, source), []).append(inv)
    problems = []
    for (what, source), invocations in users.items():
        location, _, qualname = source.rpartition(":")
        steps = ", ".join(f"'{i}'" for i in invocations)
        problems.append(
            f"the {what} {qualname} (in {location}) of step(s) {steps} is "
            f"{_unimportable(source)}, so a worker process cannot import it. Define it as a "
            "module-level function (a `def` at the top level of a module or of your script) "
            "and pass that instead."
        )
    return problems


def _unimportable(source: str) -> str | None:
    location, _, qualname = source.rpartition(":")
    if "<lambda>" in qualname:
        return "a lambda"
    if "<locals>" in qualname:
        return "defined inside a function"
    if location == "__main__":
        return "defined in an interactive session, not in a file"
    return None


def record_unfinished_step(
    store: Store, run_id: str, spec: StepSpec, error: BaseException
) -> ExecutionStatus:
    """Fail the step run of a step whose worker could not record its end (killed, timed out,
    crashed before its first write); a step run that did finish keeps its status, returned."""
    return S(
        store.fail_unfinished_step_run(
            run_id=run_id,
            name=spec.invocation_id,
            source=spec.source,
            config=step_run_config(spec),
            exception_info=describe_exception(error),
        )
    )
