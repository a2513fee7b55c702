"""Logging metadata to steps, runs and artifact versions: `log_metadata`,
`log_step_metadata`, `log_artifact_metadata`, `bulk_log_metadata`.

Inside a step, metadata for the step itself or its own outputs is buffered and written with the
step's final transaction; anything else is written at once. Values must be JSON-like (numpy
scalars and arrays, tuples and sets are converted); anything else is a TypeError at the call.

`log_metadata` targets, first match wins (ZenML's order):
  step_id=                                    a step run
  step_name= with run_id_name_or_prefix=      that step of that run
  run_id_name_or_prefix=                      a pipeline run
  artifact_version_id=                        an artifact version
  artifact_name= [artifact_version=]          an artifact version (default: the newest;
                                              inside a step, its output of that name)
  infer_artifact=True [artifact_name=]        inside a step: its (named) output
  nothing                                     inside a step: the step run
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from stackwise.enums import MetadataResourceType
from stackwise.exceptions import ConfigError, ZenKeyError
from stackwise.models.identifiers import (
    ArtifactVersionIdentifier,
    PipelineRunIdentifier,
    StepRunIdentifier,
)
from stackwise.steps.step_context import StepContext, current_step_context
from stackwise.store import get_store
from stackwise.utils.jsonable import to_jsonable

if TYPE_CHECKING:
    from stackwise.store.base import Store

R = MetadataResourceType

_USAGE = """Give one target:
  log_metadata(metadata={...})                                   inside a step: the step run
  log_metadata(metadata={...}, step_id=...)
  log_metadata(metadata={...}, step_name=..., run_id_name_or_prefix=...)
  log_metadata(metadata={...}, run_id_name_or_prefix=...)        a pipeline run
  log_metadata(metadata={...}, artifact_version_id=...)
  log_metadata(metadata={...}, artifact_name=..., artifact_version=...)
  log_metadata(metadata={...}, infer_artifact=True[, artifact_name=...])  inside a step
  log_metadata(metadata={...}, model_version_id=...)
  log_metadata(metadata={...}, model_name=..., model_version=...)
  log_metadata(metadata={...}, infer_model=True)                 inside a step with a model"""


def _values(metadata: dict[str, Any], function: str) -> dict[str, Any]:
    if not isinstance(metadata, dict):
        raise TypeError(
            f"{function}() takes metadata as a dict of name -> value; got "
            f"{type(metadata).__name__}."
        )
    out = {}
    for key, value in metadata.items():
        if not isinstance(key, str) or not key:
            raise TypeError(f"{function}(): metadata keys must be non-empty strings; got {key!r}.")
        try:
            out[key] = to_jsonable(value)
        except TypeError as error:
            raise TypeError(
                f"{function}(): metadata '{key}' cannot be stored: {error}. Log a "
                "JSON-like value (number, string, bool, None, or lists/dicts of "
                "them), e.g. str(value)."
            ) from None
    return out


def _store(context: StepContext | None) -> Store:
    return context.store if context is not None else get_store()


def _step_run_id(store: Store, step_name: str, run: Any) -> str:
    """The id of step `step_name` in run `run` (name, id or id prefix): its latest attempt."""
    record = store.get_run(str(run), allow_name_prefix=True)
    steps = [s for s in store.list_step_runs(record.id) if s.name == step_name]
    if not steps:
        names = sorted({s.name for s in store.list_step_runs(record.id)})
        raise ZenKeyError(
            f"Run '{record.name}' has no step '{step_name}'; its steps are: "
            f"{', '.join(names) or 'none'}."
        )
    return steps[-1].id


def _to_output(context: StepContext, output: str, values: dict[str, Any]) -> None:
    context.output_metadata[output].update(values)


def _model_version_id(
    store: Store, model_name: str | None, model_version: Any, function: str
) -> str:
    """The id of version `model_version` (name, number or stage) of model `model_name`."""
    from stackwise.model import resolve_model_version

    if model_name is None or model_version is None:
        raise ConfigError(
            f"{function}(): name a model version by both model_name= and model_version= "
            "(a name, number or stage), or give model_version_id=; inside a step with a "
            "model, infer_model=True names the step's."
        )
    data = {"name": model_name, "version": getattr(model_version, "value", model_version)}
    return resolve_model_version(store, data, create=False).id


def _step_model(context: StepContext | None, function: str) -> StepContext:
    if context is None or context.model_version_record is None:
        raise ConfigError(
            f"{function}(infer_model=True) works only inside a step that has a model "
            "(@step(model=Model(...)) or @pipeline(model=Model(...))); elsewhere give "
            "model_name= with model_version=, or model_version_id=."
        )
    return context


def log_metadata(
    metadata: dict[str, Any],
    step_id: UUID | str | None = None,
    step_name: str | None = None,
    run_id_name_or_prefix: UUID | str | None = None,
    artifact_version_id: UUID | str | None = None,
    artifact_name: str | None = None,
    artifact_version: str | None = None,
    infer_artifact: bool = False,
    model_version_id: UUID | str | None = None,
    model_name: str | None = None,
    model_version: Any = None,
    infer_model: bool = False,
) -> None:
    """Attach metadata to a step run, a pipeline run, an artifact version or a model version
    (see the module docstring for the targets)."""
    values = _values(metadata, "log_metadata")
    context = current_step_context()
    store = _store(context)
    if model_version_id is not None:
        store.add_metadata(
            R.MODEL_VERSION, store.get_model_version(str(model_version_id)).id, values
        )
    elif infer_model:
        _step_model(context, "log_metadata").model_metadata.update(values)
    elif model_name is not None or model_version is not None:
        version_id = _model_version_id(store, model_name, model_version, "log_metadata")
        if (
            context is not None
            and context.model_version_record is not None
            and (context.model_version_record.id == version_id)
        ):
            context.model_metadata.update(values)  # the step's own: with its final write
        else:
            store.add_metadata(R.MODEL_VERSION, version_id, values)
    elif step_id is not None:
        store.add_metadata(R.STEP_RUN, str(store.get_step_run(str(step_id)).id), values)
    elif step_name is not None and run_id_name_or_prefix is not None:
        store.add_metadata(
            R.STEP_RUN, _step_run_id(store, step_name, run_id_name_or_prefix), values
        )
    elif run_id_name_or_prefix is not None:
        run = store.get_run(str(run_id_name_or_prefix), allow_name_prefix=True)
        store.add_metadata(R.PIPELINE_RUN, run.id, values)
    elif artifact_version_id is not None:
        store.add_metadata(
            R.ARTIFACT_VERSION, store.get_artifact_version(str(artifact_version_id)).id, values
        )
    elif artifact_name is not None and not infer_artifact:
        # without artifact_version: the newest version (ZenML refuses; see zenml-differences)
        _to_artifact(context, store, artifact_name, artifact_version, values)
    elif infer_artifact:
        if context is None:
            raise ConfigError(
                "log_metadata(infer_artifact=True) works only inside a step with outputs; "
                "outside one, give artifact_version_id= or artifact_name= with "
                "artifact_version=."
            )
        _to_output(context, context.infer_output(artifact_name), values)
    elif context is not None and step_name is None and artifact_version is None:
        context.step_metadata.update(values)
    else:
        given = [
            n
            for n, v in (("step_name", step_name), ("artifact_version", artifact_version))
            if v is not None
        ]
        if not given:
            raise ConfigError(f"log_metadata() outside a step needs a target.\n{_USAGE}")
        raise ConfigError(
            f"log_metadata(): {' and '.join(given)} alone names no target "
            f"(step_name= goes with run_id_name_or_prefix=, artifact_version= "
            f"with artifact_name=).\n{_USAGE}"
        )


def _to_artifact(
    context: StepContext | None,
    store: Store,
    artifact_name: str,
    artifact_version: str | None,
    values: dict[str, Any],
) -> None:
    """An output of the running step (buffered) when it is one and no version is given,
    else that artifact's version (the newest without `artifact_version`), written now."""
    if context is not None and artifact_version is None:
        found = context.output_for_artifact(artifact_name)
        if found is not None:
            _to_output(context, found, values)
            return
    record = store.get_artifact_version(
        artifact_name, None if artifact_version is None else str(artifact_version)
    )
    store.add_metadata(R.ARTIFACT_VERSION, record.id, values)


def log_step_metadata(
    metadata: dict[str, Any],
    step_name: str | None = None,
    pipeline_name_id_or_prefix: UUID | str | None = None,
    run_id: str | None = None,
) -> None:
    """Attach metadata to a step run: inside a step with no arguments, the running one;
    otherwise step `step_name` of run `run_id`, or of the latest run of pipeline
    `pipeline_name_id_or_prefix`."""
    values = _values(metadata, "log_step_metadata")
    context = current_step_context()
    store = _store(context)
    if step_name is None:
        if context is None:
            raise ConfigError(
                "log_step_metadata() outside a step needs step_name= (with "
                "run_id= or pipeline_name_id_or_prefix=)."
            )
        context.step_metadata.update(values)
        return
    if run_id is not None:
        run = run_id
    elif pipeline_name_id_or_prefix is not None:
        pipeline = store.get_pipeline(str(pipeline_name_id_or_prefix), allow_name_prefix=True)
        last = store.last_run(pipeline.id)
        if last is None:
            raise ZenKeyError(f"Pipeline '{pipeline.name}' has no runs.")
        run = last.id
    elif context is not None:
        if step_name == context.step_name:
            context.step_metadata.update(values)
            return
        run = str(context.pipeline_run.id)
    else:
        raise ConfigError(
            "log_step_metadata() outside a step needs run_id= or "
            "pipeline_name_id_or_prefix= (its latest run) with step_name=."
        )
    store.add_metadata(R.STEP_RUN, _step_run_id(store, step_name, run), values)


def log_artifact_metadata(
    metadata: dict[str, Any], artifact_name: str | None = None, artifact_version: str | None = None
) -> None:
    """Attach metadata to an artifact version. Inside a step: by default its single output,
    or the output named `artifact_name`; any other name means that artifact's newest version
    (or `artifact_version`). Outside a step `artifact_name` is required."""
    values = _values(metadata, "log_artifact_metadata")
    context = current_step_context()
    if context is not None and artifact_version is None:
        if artifact_name is None:
            try:
                output = context._output_name(None)
            except RuntimeError as error:
                raise ConfigError(
                    f"log_artifact_metadata() without artifact_name=: {error}"
                ) from None
            _to_output(context, output, values)
            return
    if artifact_name is None:
        raise ConfigError(
            "log_artifact_metadata() outside a step needs artifact_name= (and "
            "optionally artifact_version=)."
        )
    _to_artifact(context, _store(context), artifact_name, artifact_version, values)


# -- bulk --------------------------------------------------------------------------------------
def bulk_log_metadata(
    metadata: dict[str, Any],
    pipeline_runs: list[PipelineRunIdentifier] | None = None,
    step_runs: list[StepRunIdentifier] | None = None,
    artifact_versions: list[ArtifactVersionIdentifier] | None = None,
    model_versions: list[Any] | None = None,
    infer_models: bool = False,
    infer_artifacts: bool = False,
) -> None:
    """The same metadata on many runs, step runs and artifact versions at once;
    `infer_artifacts=True` inside a step adds every output of the step. Model versions come
    with `model_versions=` (ModelVersionIdentifier) and, inside a step with a model,
    `infer_models=True` (the step's model version)."""
    values = _values(metadata, "bulk_log_metadata")
    context = current_step_context()
    if not (
        pipeline_runs
        or step_runs
        or artifact_versions
        or infer_artifacts
        or model_versions
        or infer_models
    ):
        raise ConfigError(
            "bulk_log_metadata() needs at least one target: pipeline_runs=, "
            "step_runs=, artifact_versions=, model_versions=, infer_artifacts=True or "
            "infer_models=True."
        )
    if infer_artifacts and context is None:
        raise ConfigError("bulk_log_metadata(infer_artifacts=True) works only inside a step.")
    if infer_models:
        _step_model(context, "bulk_log_metadata").model_metadata.update(values)
    store = _store(context)
    targets: list[tuple[str, str]] = []
    for run in pipeline_runs or []:
        targets.append((R.PIPELINE_RUN, store.get_run(run.value, allow_name_prefix=True).id))
    for step in step_runs or []:
        if step.id is not None:
            targets.append((R.STEP_RUN, store.get_step_run(str(step.id)).id))
        else:
            assert step.name is not None and step.run is not None
            targets.append((R.STEP_RUN, _step_run_id(store, step.name, step.run.value)))
    for version in artifact_versions or []:
        record = (
            store.get_artifact_version(str(version.id))
            if version.id is not None
            else store.get_artifact_version(str(version.name), str(version.version))
        )
        targets.append((R.ARTIFACT_VERSION, record.id))
    for model_version in model_versions or []:
        if getattr(model_version, "id", None) is not None:
            targets.append((R.MODEL_VERSION, store.get_model_version(str(model_version.id)).id))
        else:
            model_name = getattr(model_version, "name", None)
            number = getattr(model_version, "version", None)
            targets.append(
                (R.MODEL_VERSION, _model_version_id(store, model_name, number, "bulk_log_metadata"))
            )
    if infer_artifacts:
        assert context is not None
        for output in context.output_metadata:
            _to_output(context, output, values)
    for resource_type, resource_id in dict.fromkeys(targets):
        store.add_metadata(resource_type, str(resource_id), values)


__all__ = [
    "ArtifactVersionIdentifier",
    "PipelineRunIdentifier",
    "StepRunIdentifier",
    "bulk_log_metadata",
    "log_artifact_metadata",
    "log_metadata",
    "log_model_metadata",
    "log_step_metadata",
]


def log_model_metadata(
    metadata: dict[str, Any],
    model_name: str | None = None,
    model_version: Any = None,
) -> None:
    """Attach metadata to a model version: version `model_version` of model `model_name`, or,
    with neither, the running step's model version (as `log_metadata(..., infer_model=True)`,
    which ZenML suggests instead)."""
    if model_name is None and model_version is None:
        log_metadata(metadata, infer_model=True)
    elif model_name is not None and model_version is not None:
        log_metadata(metadata, model_name=model_name, model_version=model_version)
    else:
        raise ConfigError(
            "log_model_metadata() takes both model_name= and model_version=, or neither "
            "(inside a step with a model)."
        )
