"""`Step.replay`: call a step's function again, in this process, with the parameters and
input artifacts one of its recorded step runs had (some inputs replaced by `input_overrides`).
Handy to debug a failed step with exactly the data it saw; nothing is recorded."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from stackwise.exceptions import ConfigError, ZenKeyError

if TYPE_CHECKING:
    from stackwise.steps.base_step import Step


def replay_step(
    step: Step,
    pipeline: Any = None,
    pipeline_run: Any = None,
    step_run_id: Any = None,
    invocation_id: str | None = None,
    input_overrides: dict[str, Any] | None = None,
) -> Any:
    from stackwise.materializers.artifact_loading import load_data
    from stackwise.stack.active_stack import active_stack
    from stackwise.store import get_store

    store = get_store()
    if step_run_id is not None:
        record = store.get_step_run(str(step_run_id))
    else:
        if pipeline_run is not None:
            run = store.get_run(str(getattr(pipeline_run, "id", pipeline_run)))
        else:
            name = getattr(pipeline, "name", pipeline)
            if name is None:
                raise ConfigError(
                    f"Step '{step.name}'.replay() needs step_run_id=, "
                    "pipeline_run= or pipeline= to find the step run."
                )
            last = store.last_run(store.get_or_create_pipeline(name).id)
            if last is None:
                raise ConfigError(f"Pipeline '{name}' has no runs to replay a step of.")
            run = last
        wanted = invocation_id or step.name
        found = [s for s in store.list_step_runs(run.id) if s.name == wanted]
        if not found:
            raise ZenKeyError(f"Run '{run.name}' has no step run '{wanted}'; pass invocation_id=.")
        record = found[-1]
    overrides = dict(input_overrides or {})
    ids = {n: i for n, i in record.inputs.items() if n not in overrides}
    versions = store.get_artifact_versions(ids.values())
    artifact_store = active_stack(store).artifact_store
    inputs = {n: load_data(versions[i], store, artifact_store) for n, i in ids.items()}
    parameters = dict(record.config.get("parameters", {}))
    return step.entrypoint(**{**parameters, **inputs, **overrides})
