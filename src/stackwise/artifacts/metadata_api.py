"""Logging metadata to steps, runs and artifact versions.

Inside a step, metadata for the step itself or its own outputs is buffered and written with the
step's final transaction; anything else is written at once.
"""

from __future__ import annotations

from typing import Any

from stackwise.enums import MetadataResourceType
from stackwise.steps.step_context import StepContext, current_step_context
from stackwise.store import get_store

R = MetadataResourceType


def _buffer_for_output(context: StepContext, artifact_name: str | None,
                       metadata: dict[str, Any]) -> bool:
    if artifact_name is None:
        output = context._output_name(None)
    else:
        found = context.output_for_artifact(artifact_name)
        if found is None:
            return False
        output = found
    context.output_metadata[output].update(metadata)
    return True


def log_artifact_metadata(metadata: dict[str, Any], artifact_name: str | None = None,
                          artifact_version: str | None = None) -> None:
    """Attach metadata to an artifact version: inside a step, by default its single output."""
    context = current_step_context()
    if context is not None and artifact_version is None:
        if _buffer_for_output(context, artifact_name, metadata):
            return
    if artifact_name is None:
        raise ValueError("log_artifact_metadata() outside a step needs artifact_name=.")
    store = context.store if context else get_store()
    record = store.get_artifact_version(artifact_name, artifact_version)
    store.add_metadata(R.ARTIFACT_VERSION, record.id, metadata)


def log_metadata(metadata: dict[str, Any], *, step_id: str | None = None,
                 step_name: str | None = None, run_id_name_or_prefix: str | None = None,
                 artifact_version_id: str | None = None, artifact_name: str | None = None,
                 artifact_version: str | None = None, infer_artifact: bool = False,
                 infer_model: bool = False) -> None:
    """Attach metadata to a step run, a pipeline run or an artifact version.

    With no target inside a step it goes to the current step run.
    """
    if infer_model:
        raise NotImplementedError("log_metadata(infer_model=True) needs the Model Control "
                                  "Plane, which stackwise does not implement yet.")
    context = current_step_context()
    store = context.store if context else get_store()
    if artifact_version_id:
        store.add_metadata(R.ARTIFACT_VERSION, artifact_version_id, metadata)
    elif artifact_name or infer_artifact:
        if context is None and infer_artifact:
            raise ValueError("log_metadata(infer_artifact=True) works only inside a step.")
        log_artifact_metadata(metadata, artifact_name, artifact_version)
    elif step_id:
        store.add_metadata(R.STEP_RUN, step_id, metadata)
    elif step_name:
        run_ref = run_id_name_or_prefix or (context.pipeline_run.id if context else None)
        if run_ref is None:
            raise ValueError("log_metadata(step_name=...) outside a step also needs "
                             "run_id_name_or_prefix=.")
        steps = [s for s in store.list_step_runs(store.get_run(run_ref).id) if s.name == step_name]
        if not steps:
            raise KeyError(f"Run '{run_ref}' has no step '{step_name}'.")
        store.add_metadata(R.STEP_RUN, steps[-1].id, metadata)
    elif run_id_name_or_prefix:
        store.add_metadata(R.PIPELINE_RUN, store.get_run(run_id_name_or_prefix).id, metadata)
    elif context is not None:
        context.step_metadata.update(metadata)
    else:
        raise ValueError("log_metadata() outside a step needs a target: step_id=, step_name= "
                         "with run_id_name_or_prefix=, run_id_name_or_prefix=, or "
                         "artifact_name=/artifact_version_id=.")
