"""Compiling a pipeline: trace its function into invocations, then build a PipelineSpec.

Every problem found here (a missing input, a parameter that is not JSON, a wiring between
incompatible types, an unknown step in the run config, a cycle) is collected and reported at
once, before anything runs or is recorded.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, get_args, get_origin

from stackwise.exceptions import ConfigError, PipelineCompilationError, ProblemCollector
from stackwise.models.artifact_config import ExternalArtifact
from stackwise.models.artifact_version import ArtifactVersionList, ArtifactVersionResponse
from stackwise.models.lazy import LazyModelArtifact
from stackwise.models.pipeline_spec import InputSpec, OutputSpec, PipelineSpec, StepSpec
from stackwise.pipelines.options import combine, config_layer
from stackwise.pipelines.parameters import coerce, type_problem
from stackwise.pipelines.run_config import RunConfig, StepRunConfig
from stackwise.steps.base_step import Step
from stackwise.steps.outputs import describe_type
from stackwise.steps.tracing import Invocation, PipelineBuilder, StepArtifact
from stackwise.utils.ids import new_id
from stackwise.utils.jsonable import is_json_value
from stackwise.utils.source import source_of


@dataclass
class CompiledPipeline:
    spec: PipelineSpec
    steps: dict[str, Step]
    externals: dict[str, ExternalArtifact] = field(default_factory=dict)  # version id -> value
    callables: dict[str, Any] = field(default_factory=dict)  # hook source -> function


@dataclass
class PipelineDefaults:
    """Pipeline-level options that steps inherit unless they set their own (normalized, as
    `pipelines/options.py` keeps them), and `with_options(steps=...)` per invocation."""

    options: dict[str, Any] = field(default_factory=dict)
    step_updates: dict[str, StepRunConfig] = field(default_factory=dict)


_NAME_PLACEHOLDERS = ("date", "time")


def placeholders(template: str) -> list[str]:
    """The `{name}` fields of a name template (run names, artifact names)."""
    import string

    try:
        return [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError:
        return ["<unbalanced braces>"]


def _hook_sources(
    options: dict[str, Any], label: str, problems: ProblemCollector, callables: dict[str, Any]
) -> dict[str, str | None]:
    """Hook options as sources; functions are kept in `callables`, sources given as text are
    imported now so a typo fails before the run."""
    from stackwise.utils.source import load_source

    found: dict[str, str | None] = {}
    for hook in ("on_failure", "on_success", "on_start", "on_end"):
        value = options.get(hook)
        if value is None:
            found[hook] = None
        elif isinstance(value, str):
            try:
                callables.setdefault(value, load_source(value))
            except (ImportError, AttributeError) as error:
                problems.add(f"{label}: {hook} hook '{value}' cannot be imported: {error}.")
            found[hook] = value
        else:
            source = source_of(value)
            found[hook] = source
            callables.setdefault(source, value)
    return found


def _plain_class(annotation: Any) -> type | None:
    origin = get_origin(annotation)
    candidate = origin if origin is not None else annotation
    if get_origin(annotation) is not None and str(origin).startswith("typing.Union"):
        return None
    return candidate if isinstance(candidate, type) and candidate is not object else None


def _coerce_parameter(
    step: Step, parameter: inspect.Parameter, value: Any, parameters: dict[str, Any]
) -> str | None:
    """Put `value`, as the step's annotation wants it ("3" -> 3 for an int, as ZenML), in
    `parameters`; or say why it cannot be. A default is taken as the author wrote it."""
    if value is parameter.default:
        parameters[parameter.name] = value
        return None
    parameters[parameter.name], reason = coerce(
        value, step.input_annotations.get(parameter.name, Any)
    )
    return reason


def _compatible(produced: Any, expected: Any) -> bool:
    """False only when both sides are plain classes that cannot hold each other's values."""
    out_cls, in_cls = _plain_class(produced), _plain_class(expected)
    if out_cls is None or in_cls is None or expected is Any or produced is Any:
        return True
    if in_cls is float and out_cls is int:
        return True
    return issubclass(out_cls, in_cls) or issubclass(in_cls, out_cls)


def _is_step_input(value: Any) -> bool:
    return isinstance(
        value,
        (
            StepArtifact,
            ExternalArtifact,
            ArtifactVersionResponse,
            ArtifactVersionList,
            LazyModelArtifact,
        ),
    )


def _resolve_step(
    inv: Invocation,
    pipeline_name: str,
    run_config: RunConfig,
    defaults: PipelineDefaults,
    problems: ProblemCollector,
    externals: dict[str, ExternalArtifact],
    producers: dict[str, Invocation],
    callables: dict[str, Any],
    run_layer: dict[str, Any],
) -> StepSpec:
    step = inv.step
    label = f"Step '{inv.invocation_id}'"
    overrides = run_config.steps.get(inv.invocation_id)
    code_update = defaults.step_updates.get(inv.invocation_id)
    configured = {
        **step.parameters,
        **(code_update.parameters if code_update else {}),
        **(overrides.parameters if overrides else {}),
    }
    parameters: dict[str, Any] = {}
    inputs: dict[str, InputSpec] = {}
    upstream: list[str] = []
    for name, parameter in step.signature.parameters.items():
        if name in inv.arguments:
            value = inv.arguments[name]
            if name in configured and not _is_step_input(value) and configured[name] != value:
                where = (
                    run_config.source
                    if overrides and name in overrides.parameters
                    else "configure(parameters=...)"
                )
                problems.add(
                    f"{label} parameter '{name}' is {value!r} in code but "
                    f"{configured[name]!r} in {where}; set it in one place."
                )
        elif name in configured:
            value = configured[name]
        elif parameter.default is not inspect.Parameter.empty:
            value = parameter.default
        else:
            problems.add(
                f"{label} input '{name}' is not given: pass it an upstream step's "
                "output or a value in the pipeline function."
            )
            continue
        if isinstance(value, ArtifactVersionList):
            value = value._single()
        if isinstance(value, StepArtifact):
            producer = producers.get(value.invocation_id)
            if producer is None or value.output_name not in {o.name for o in producer.step.outputs}:
                problems.add(
                    f"{label} input '{name}' comes from output '{value.output_name}' of "
                    f"'{value.invocation_id}', which does not exist."
                )
                continue
            expected = step.input_annotations.get(name, Any)
            if not _compatible(value.annotation, expected):
                problems.add(
                    f"{label} input '{name}' expects {describe_type(expected)} but "
                    f"'{value.invocation_id}' output '{value.output_name}' is "
                    f"{describe_type(value.annotation)}."
                )
            inputs[name] = InputSpec(step=value.invocation_id, output=value.output_name)
            if value.invocation_id not in upstream:
                upstream.append(value.invocation_id)
        elif isinstance(value, ExternalArtifact) and value.id is not None:
            inputs[name] = InputSpec(artifact_version_id=str(value.id))  # uploaded already
        elif isinstance(value, ExternalArtifact):
            version_id = new_id()
            externals[version_id] = value
            inputs[name] = InputSpec(artifact_version_id=version_id)
        elif isinstance(value, ArtifactVersionResponse):
            inputs[name] = InputSpec(artifact_version_id=str(value.id))
        elif isinstance(value, LazyModelArtifact):
            inputs[name] = InputSpec(model_artifact=value.to_dict())
        elif (reason := _coerce_parameter(step, parameter, value, parameters)) is not None:
            annotation = step.input_annotations.get(name, Any)
            problems.add(type_problem(f"{label} parameter '{name}'", annotation, value, reason))
        elif not is_json_value(parameters[name]):
            problems.add(
                f"{label} parameter '{name}' is a {type(value).__name__}, which is not "
                "JSON-serializable. Parameters must be JSON values (str, int, float, "
                "bool, None, lists, dicts); pass data as an ExternalArtifact or from "
                "a step output."
            )
    for unknown in set(configured) - set(step.signature.parameters):
        where = (
            f"{run_config.source}: steps.{inv.invocation_id}.parameters"
            if overrides and unknown in overrides.parameters
            else f"{label} configure(parameters=...)"
        )
        problems.add(
            f"{where} names '{unknown}', which step '{step.name}' does not take "
            f"(it takes {', '.join(step.signature.parameters) or 'none'})."
        )
    for after in inv.after:
        if after not in upstream:
            upstream.append(after)

    options = combine(
        defaults.options,
        run_layer,
        step._options,
        config_layer(code_update),
        config_layer(overrides),
    )
    hooks = _hook_sources(options, label, problems, callables)
    allowed = {*_NAME_PLACEHOLDERS, *options.get("substitutions", {})}
    for o in step.outputs:
        unknown = [p for p in placeholders(o.artifact_name or "") if p not in allowed]
        if unknown:
            problems.add(
                f"{label} output '{o.name}': artifact name '{o.artifact_name}' uses "
                f"{', '.join('{' + u + '}' for u in unknown)}, which no substitution "
                f"gives; available: {', '.join(sorted(allowed))}. Add "
                "substitutions={...} to the step or pipeline."
            )
    retry = options.get("retry")
    outputs = [
        OutputSpec(
            name=o.name,
            artifact_name=o.artifact_name or f"{pipeline_name}::{inv.invocation_id}::{o.name}",
            data_type=_type_name(o.annotation),
            materializer=step.output_materializers.get(o.name),
            tags=list(o.tags),
            version=o.version,
        )
        for o in step.outputs
    ]
    return StepSpec(
        invocation_id=inv.invocation_id,
        name=step.name,
        source=step.source,
        code_hash=step.code_hash,
        parameters=parameters,
        inputs=inputs,
        outputs=outputs,
        upstream=upstream,
        enable_cache=bool(_first(options.get("enable_cache"), True)),
        experiment_tracker=options.get("experiment_tracker"),
        step_operator=options.get("step_operator"),
        retry=retry.to_dict() if retry is not None else None,
        on_failure=hooks["on_failure"],
        on_success=hooks["on_success"],
        on_start=hooks["on_start"],
        on_end=hooks["on_end"],
        settings=options.get("settings", {}),
        extra=options.get("extra", {}),
        timeout=step.timeout,
        environment=options.get("environment", {}),
        secrets=options.get("secrets", []),
        substitutions=options.get("substitutions", {}),
        enable_step_logs=options.get("enable_step_logs"),
        enable_artifact_metadata=options.get("enable_artifact_metadata"),
        enable_artifact_visualization=options.get("enable_artifact_visualization"),
        cache_policy=options.get("cache_policy"),
        model=options.get("model"),
        group=options.get("group"),
        step_type=options.get("step_type"),
    )


def _first(*values: Any) -> Any:
    return next(v for v in values if v is not None)


def _type_name(annotation: Any) -> str:
    if annotation is Any:
        return ""
    if isinstance(annotation, type):
        return f"{annotation.__module__}:{annotation.__qualname__}"
    args = get_args(annotation)
    return str(annotation) if args else ""


def _topological(invocations: dict[str, StepSpec], problems: ProblemCollector) -> list[str]:
    order: list[str] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(inv: str, path: list[str]) -> None:
        if state.get(inv) == 2:
            return
        if state.get(inv) == 1:
            cycle = " -> ".join([*path[path.index(inv) :], inv])
            problems.add(f"The steps form a cycle: {cycle}. Remove an after= or input edge.")
            return
        state[inv] = 1
        for up in invocations[inv].upstream:
            if up in invocations:
                visit(up, [*path, inv])
        state[inv] = 2
        order.append(inv)

    for inv in invocations:  # invocation order is a stable tie-break
        visit(inv, [])
    return order


def compile_pipeline(
    name: str,
    func: Any,
    parameters: dict[str, Any],
    run_config: RunConfig,
    defaults: PipelineDefaults,
    problems: ProblemCollector | None = None,
) -> CompiledPipeline:
    """Trace and build the spec; `problems` may already hold the parameters' problems."""
    problems = problems if problems is not None else ProblemCollector()
    for key, value in parameters.items():
        if not is_json_value(value) and not _is_step_input(value):
            problems.add(
                f"Pipeline parameter '{key}' is a {type(value).__name__}, which is not "
                "JSON-serializable; pass JSON values (or an ExternalArtifact)."
            )
    from stackwise.pipelines.pipeline_context import pipeline_context

    with (
        PipelineBuilder(name) as builder,
        pipeline_context({**defaults.options, **config_layer(run_config), "name": name}),
    ):
        func(**parameters)
    for problem in builder.problems:
        problems.add(problem)
    if not builder.invocations:
        problems.add(f"Pipeline '{name}' calls no steps.")
    for unknown in set(run_config.steps) - set(builder.invocations):
        problems.add(
            f"{run_config.source}: steps.{unknown} names no step invocation of this "
            f"pipeline; invocations are {', '.join(builder.invocations) or 'none'}."
        )

    for unknown in set(defaults.step_updates) - set(builder.invocations):
        problems.add(
            f"with_options(steps=...) names '{unknown}', which is no step invocation "
            f"of this pipeline; invocations are "
            f"{', '.join(builder.invocations) or 'none'}."
        )
    externals: dict[str, ExternalArtifact] = {}
    callables: dict[str, Any] = {}
    run_layer = config_layer(run_config)
    specs = {
        inv_id: _resolve_step(
            inv,
            name,
            run_config,
            defaults,
            problems,
            externals,
            builder.invocations,
            callables,
            run_layer,
        )
        for inv_id, inv in builder.invocations.items()
    }
    for inv_id, step_spec in specs.items():
        for up in step_spec.upstream:
            if up not in specs:
                problems.add(
                    f"Step '{inv_id}' runs after '{up}', which is not a step "
                    f"invocation of this pipeline; invocations are "
                    f"{', '.join(specs)}."
                )
    order = _topological(specs, problems)
    problems.raise_if_any(PipelineCompilationError, f"Pipeline '{name}' cannot be compiled")
    spec = PipelineSpec(
        name=name,
        parameters={k: v for k, v in parameters.items() if is_json_value(v)},
        steps={inv: specs[inv] for inv in order},
        enable_cache=bool(
            _first(run_config.enable_cache, defaults.options.get("enable_cache"), True)
        ),
        extra={**defaults.options.get("extra", {}), **run_config.extra},
    )
    return CompiledPipeline(
        spec, {inv: builder.invocations[inv].step for inv in order}, externals, callables
    )


def merge_parameters(
    signature: inspect.Signature,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    run_config: RunConfig,
    pipeline_name: str,
    problems: ProblemCollector,
    configured: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The pipeline's parameters: code, then run config, then defaults. Conflicts and unknown
    keys go to `problems`; only a missing required parameter stops compilation here."""
    try:
        bound = signature.bind_partial(*args, **kwargs)
    except TypeError as error:
        raise ConfigError(f"Pipeline '{pipeline_name}': {error}.") from None
    given = dict(bound.arguments)
    missing = False
    for key, value in {**(configured or {}), **run_config.parameters}.items():
        if key not in signature.parameters:
            takes = ", ".join(signature.parameters) or "none"
            problems.add(
                f"{run_config.source} or configure(parameters=...): parameters.{key} "
                f"is not a parameter of pipeline "
                f"'{pipeline_name}' (it takes {takes})."
            )
        elif key in given and given[key] != value:
            problems.add(
                f"Pipeline parameter '{key}' is {given[key]!r} in code but {value!r} in "
                f"{run_config.source}; set it in one place."
            )
        else:
            given[key] = value
    for key, parameter in signature.parameters.items():
        if key not in given:
            if parameter.default is inspect.Parameter.empty:
                problems.add(
                    f"Pipeline '{pipeline_name}' needs parameter '{key}': pass it in "
                    "the call or under parameters: in the run config."
                )
                missing = True
            else:
                given[key] = parameter.default
    if missing:  # the function cannot even be traced
        problems.raise_if_any(
            PipelineCompilationError, f"Pipeline '{pipeline_name}' cannot be compiled"
        )
    return given
