"""Resuming a failed run: a new run of the same recorded spec that reuses what already
succeeded and runs only the rest.

Every step that completed (or was cached) in the failed run is recorded in the new run as a
`cached` step run pointing at the old outputs — whether or not caching is enabled, since
reusing them is the point — and the failed steps, the steps skipped after them and everything
downstream run on the active stack's orchestrator, their code loaded by source (so a fix made
since the failure is what runs). The new run is named `<old>-resume-<n>` and remembers the old
one (`resumed_from_id`).

Everything that can stop a resume is checked before anything is written: the run must have
failed, its reused outputs' files must still exist (each missing one is named), the steps to
run and the pipeline's init/cleanup hooks must be importable here, and the stack must provide
what they need. The new run then runs to its end on the path `Pipeline.run` takes
(run_finish.py): the same hooks, log capture, completion rule and summary.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stackwise.enums import ExecutionStatus, StackComponentType
from stackwise.exceptions import MaterializerError, RunNotResumableError
from stackwise.execution.liveness import PROCESS_KEY, process_identity
from stackwise.execution.step_runner import RunContext
from stackwise.models.pipeline_run import PipelineRunResponse
from stackwise.models.pipeline_spec import PipelineSpec
from stackwise.pipelines.run_finish import RunHooks, pipeline_logs, run_to_end
from stackwise.utils.source import load_source

if TYPE_CHECKING:
    from stackwise.stack.stack import Stack
    from stackwise.store.base import Store
    from stackwise.store.records import ArtifactVersionRecord, RunRecord, StepRunRecord

logger = logging.getLogger("stackwise")

S = ExecutionStatus
RESUME_SUFFIX = "-resume-"
REPLAY_SUFFIX = "-replay-"


@dataclass(frozen=True)
class ResumePlan:
    """What a resume reuses and what it runs, worked out without writing anything."""

    old: RunRecord
    spec: PipelineSpec  # the recorded spec, the code hashes of the steps to run refreshed
    reused: dict[str, StepRunRecord]  # invocation -> its successful step run in the old run
    reused_outputs: dict[str, dict[str, ArtifactVersionRecord]]
    to_run: list[str]  # in topological order
    step_objects: dict[str, object]

    def runnable_spec(self) -> PipelineSpec:
        """The spec the orchestrator gets: only the steps to run, waiting only for each
        other (the reused steps' outputs are in the store before the first one starts)."""
        rerun = set(self.to_run)
        steps = {
            inv: dataclasses.replace(
                self.spec.steps[inv],
                upstream=[u for u in self.spec.steps[inv].upstream if u in rerun],
            )
            for inv in self.to_run
        }
        return dataclasses.replace(self.spec, steps=steps)


def plan_resume(store: Store, run_name_or_id: str, stack: Stack) -> ResumePlan:
    """Check that the run can be resumed on `stack` and say how; raises RunNotResumableError
    (or StackValidationError) naming every problem. Reads only."""
    old = store.get_run(run_name_or_id)
    if S(old.status) != S.FAILED:
        state = (
            "is still running (or the process running it died: it was never finished)"
            if S(old.status) == S.RUNNING
            else f"is {old.status}"
        )
        raise RunNotResumableError(
            f"Run '{old.name}' {state}: nothing to resume. Only a failed run can be resumed; "
            f"`stackwise pipeline runs describe {old.name}` shows its steps."
        )
    spec = _static_spec(old, "resumed")
    reused: dict[str, StepRunRecord] = {}
    for step_run in store.list_step_runs(old.id):  # start order: the last attempt wins
        if step_run.name in spec.steps and S(step_run.status).is_successful:
            reused[step_run.name] = step_run
    to_run = [inv for inv in spec.steps if inv not in reused]
    if not to_run:
        raise RunNotResumableError(
            f"Run '{old.name}' failed, but every one of its steps succeeded: nothing to "
            "resume. Run the pipeline again instead."
        )

    problems: list[str] = []
    wanted = {v[0] for r in reused.values() for v in r.outputs.values() if v}
    fixed = {
        (inv, name): source.artifact_version_id
        for inv in to_run
        for name, source in spec.steps[inv].inputs.items()
        if source.artifact_version_id
    }
    versions = store.get_artifact_versions(wanted | set(fixed.values()))
    for (inv, name), version_id in fixed.items():
        if version_id not in versions:
            problems.append(
                f"input '{name}' of step '{inv}': artifact version {version_id} "
                "(saved when the run started) is not in the store"
            )
    reused_outputs = {
        inv: {out: versions[ids[0]] for out, ids in r.outputs.items() if ids}
        for inv, r in reused.items()
    }
    rerun = _corrupted_producers(spec, reused_outputs, store, stack)
    if rerun:  # they run again, and so does everything downstream of them
        for inv in rerun:
            reused.pop(inv, None)
            reused_outputs.pop(inv, None)
        to_run = [inv for inv in spec.steps if inv not in reused]
    needed = [
        (f"output '{out}' of step '{inv}'", v)
        for inv, outs in reused_outputs.items()
        for out, v in outs.items()
    ]
    needed += [
        (f"input '{name}' of step '{inv}'", versions[i])
        for (inv, name), i in fixed.items()
        if i in versions
    ]
    problems += _missing_files(needed, store, stack)
    if problems:
        raise RunNotResumableError(
            f"Run '{old.name}' cannot be resumed: {len(problems)} artifact version(s) it needs "
            "are gone:\n  - "
            + "\n  - ".join(problems)
            + "\nRun the pipeline again instead: that creates them anew."
        )

    step_objects, spec = _load_steps(spec, to_run, old.name)
    return ResumePlan(old, spec, reused, reused_outputs, to_run, step_objects)


def _corrupted_producers(
    spec: PipelineSpec,
    reused_outputs: dict[str, dict[str, ArtifactVersionRecord]],
    store: Store,
    stack: Stack,
) -> set[str]:
    """Steps that succeeded but whose outputs are corrupted (marked so by a failed load, or a
    file's size differs from what was saved), with every step downstream of them: reusing
    them would fail the same way again, so the resume runs them."""
    from stackwise.artifact_stores.resolution import resolve_artifact_store
    from stackwise.materializers.integrity import Status, unusable_output

    rerun: set[str] = set()
    for inv, outputs in reused_outputs.items():
        if not outputs:
            continue
        try:  # one step's outputs share its artifact store
            artifact_store = resolve_artifact_store(
                next(iter(outputs.values())), store, stack.artifact_store
            )
            found = unusable_output(outputs, artifact_store)
        except (MaterializerError, OSError):  # unreadable: _missing_files names it
            continue
        if found is None or found[1].status is not Status.CORRUPTED:
            continue
        name, check = found
        downstream = spec.downstream_of(inv)
        logger.warning(
            "Step '%s' succeeded in the run, but its output '%s' is corrupted "
            "(%s): it runs again%s.",
            inv,
            name,
            "; ".join(check.problems),
            f", with {', '.join(sorted(downstream))} downstream of it" if downstream else "",
        )
        rerun |= {inv, *downstream}
    return rerun


def _missing_files(
    needed: list[tuple[str, ArtifactVersionRecord]], store: Store, stack: Stack
) -> list[str]:
    """One line per artifact version whose files its artifact store no longer has."""
    from stackwise.artifact_stores.resolution import resolve_artifact_store

    missing = []
    for role, version in needed:
        label = f"artifact '{version.name}' version {version.version} at {version.uri} ({role})"
        try:
            present = resolve_artifact_store(version, store, stack.artifact_store).exists(
                version.uri
            )
        except (MaterializerError, OSError) as error:
            missing.append(f"{label}: its artifact store cannot be read ({error})")
            continue
        if not present:
            missing.append(f"{label}: its files were deleted")
    return missing


def _load_steps(
    spec: PipelineSpec, to_run: list[str], run_name: str
) -> tuple[dict[str, object], PipelineSpec]:
    """Import each step to run by its source; refresh its code hash in the spec (the new
    run records the code that ran, so its cache keys stay honest)."""
    objects: dict[str, object] = {}
    problems = []
    steps = dict(spec.steps)
    for inv in to_run:
        source = spec.steps[inv].source
        try:
            objects[inv] = step = load_source(source)
        except Exception as error:  # noqa: BLE001 - any import failure is reported the same way
            problems.append(f"step '{inv}' ({source}): {type(error).__name__}: {error}")
            continue
        code_hash = getattr(step, "code_hash", None)
        if isinstance(code_hash, str) and code_hash != steps[inv].code_hash:
            steps[inv] = dataclasses.replace(steps[inv], code_hash=code_hash)
    if problems:
        raise RunNotResumableError(
            f"Run '{run_name}' cannot be resumed: the code of its steps cannot be imported "
            "here:\n  - "
            + "\n  - ".join(problems)
            + "\nRun from the folder that holds the pipeline's modules (or install them)."
        )
    return objects, dataclasses.replace(spec, steps=steps)


def resume_name(store: Store, old_name: str, suffix: str = RESUME_SUFFIX) -> str:
    """`<old>-resume-<n>`, the first n not taken (a resume of a resume counts on)."""
    base = old_name
    head, sep, tail = old_name.rpartition(suffix)
    if sep and tail.isdigit():
        base = head
    prefix = f"{base}{suffix}"
    taken = {
        r.name for r in store.list_runs(filters={"name": f"startswith:{prefix}"}, size=1000).items
    }
    number = 1
    while f"{prefix}{number}" in taken:
        number += 1
    return f"{prefix}{number}"


def _static_spec(run: RunRecord, what: str) -> PipelineSpec:
    """The run's recorded spec; a dynamic run's cannot be run again step by step."""
    spec = PipelineSpec.from_dict(run.spec)
    if spec.dynamic:
        raise RunNotResumableError(
            f"Run '{run.name}' is a run of dynamic pipeline '{spec.name}': which steps it ran "
            f"was decided by its pipeline function while it ran, so it cannot be {what} step "
            "by step. Call the pipeline again: steps whose code and inputs are unchanged are "
            "cached."
        )
    return spec


def resume_run(store: Store, run_name_or_id: str, stack: Stack) -> PipelineRunResponse:
    """Resume a failed run on `stack`; raises PipelineRunFailedError if the new run fails."""
    plan = plan_resume(store, run_name_or_id, stack)
    return _execute(store, plan, stack, resume_name(store, plan.old.name), resumed=True)


def replay_run(store: Store, run_name_or_id: str, stack: Stack) -> PipelineRunResponse:
    """Run a recorded run's pipeline again on `stack`: same compiled spec, parameters and
    configuration, every step evaluated anew (caching applies as in any run)."""
    old = store.get_run(run_name_or_id)
    spec = _static_spec(old, "replayed")
    step_objects, spec = _load_steps(spec, list(spec.steps), old.name)
    plan = ResumePlan(old, spec, {}, {}, list(spec.steps), step_objects)
    return _execute(store, plan, stack, resume_name(store, old.name, REPLAY_SUFFIX), resumed=False)


def _execute(
    store: Store, plan: ResumePlan, stack: Stack, name: str, *, resumed: bool
) -> PipelineRunResponse:
    """Create the new run, record the reused steps, run the rest, finish the run."""
    from stackwise.execution.progress import run_progress
    from stackwise.pipelines.run_checks import check_reachable, check_step_components
    from stackwise.stack.validation import ComponentRequirement, validate_stack

    requirements = [  # components named; `True` (the stack's own) is checked below
        ComponentRequirement(inv, StackComponentType(t), n)
        for inv in plan.to_run
        for t, n in (
            ("experiment_tracker", plan.spec.steps[inv].experiment_tracker),
            ("step_operator", plan.spec.steps[inv].step_operator),
        )
        if isinstance(n, str) and n
    ]
    validate_stack(stack, requirements, store)
    check_step_components(plan.runnable_spec(), stack, store.url)
    stack.orchestrator.validate_spec(plan.spec)
    stack.orchestrator.warm_up(plan.runnable_spec())  # its workers start meanwhile
    check_reachable(plan.spec, stack, plan.to_run)  # a server that is down fails here

    old = plan.old
    hooks = _load_hooks(old)
    config = {**old.config, "run_name": name, PROCESS_KEY: process_identity()}
    capture = pipeline_logs(config, stack.artifact_store)
    pipeline = store.get_pipeline(old.pipeline_id)
    run = store.create_run(
        pipeline=pipeline,
        name=name,
        spec=plan.spec.to_dict(),
        config=config,
        stack_id=stack.id,
        resumed_from_id=old.id if resumed else None,
    )
    # the same model versions as the run it resumes (their outputs are linked there already)
    from stackwise.execution.model_versions import RUN_KEY, STEPS_KEY, link_run

    versions = [config[RUN_KEY]] if config.get(RUN_KEY) else []
    link_run(store, run.id, versions + list((config.get(STEPS_KEY) or {}).values()))
    logger.debug(
        "%s run '%s' as '%s' on stack '%s': reusing %d step(s), running %s.",
        "Resuming" if resumed else "Replaying",
        old.name,
        name,
        stack.name,
        len(plan.reused),
        ", ".join(plan.to_run),
    )

    def prepare() -> RunContext:
        for inv, step_run in plan.reused.items():
            _record_reused(store, run, step_run, plan.reused_outputs[inv])
        return RunContext(
            store=store,
            stack=stack,
            run=run,
            spec=plan.runnable_spec(),
            step_objects=dict(plan.step_objects),
            outputs={i: dict(o) for i, o in plan.reused_outputs.items()},
        )

    progress = run_progress(store, run, plan.spec, reused=plan.reused)
    return run_to_end(store, run, pipeline.name, progress, prepare, hooks=hooks, capture=capture)


def _load_hooks(old: RunRecord) -> RunHooks:
    """The pipeline's init and cleanup hooks, imported by the sources the run recorded."""
    loaded = {}
    for key in ("init_hook_source", "cleanup_hook_source"):
        source = old.config.get(key)
        if not source:
            continue
        try:
            loaded[key] = load_source(source)
        except Exception as error:  # noqa: BLE001 - any import failure is reported the same way
            raise RunNotResumableError(
                f"Run '{old.name}' cannot be resumed: its pipeline's hook {source} cannot be "
                f"imported here ({type(error).__name__}: {error}). Run from the folder that "
                "holds the pipeline's modules (or install them)."
            ) from None
    return RunHooks(
        loaded.get("init_hook_source"),
        old.config.get("init_hook_kwargs") or {},
        loaded.get("cleanup_hook_source"),
    )


def _record_reused(
    store: Store, run: RunRecord, step_run: StepRunRecord, outputs: dict[str, ArtifactVersionRecord]
) -> None:
    """The old step run's result, recorded as a cached step run of the new run. It points at
    the step run that produced the outputs (the original, when it was itself cached)."""
    producer = dataclasses.replace(step_run, id=step_run.original_step_run_id or step_run.id)
    store.record_cached_step_run(
        run_id=run.id,
        name=step_run.name,
        source=step_run.source,
        config=step_run.config,
        cache_key=step_run.cache_key or "",
        code_hash=step_run.code_hash,
        original=producer,
        inputs=step_run.inputs,
        outputs={n: v.id for n, v in outputs.items()},
    )
