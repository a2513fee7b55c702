"""`@step`: a plain typed Python function that becomes a pipeline step.

Options are checked when the step is defined (`steps/step_options.py`), so mistakes surface at
import time rather than halfway through a run. Called inside a `@pipeline` function a step
records an invocation; called anywhere else it is just the function (handy in unit tests).
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Mapping
from functools import cached_property
from types import SimpleNamespace
from typing import Any, TypeVar, overload

from stackwise.exceptions import StepInterfaceError
from stackwise.steps.outputs import DeclaredOutput, parse_outputs
from stackwise.steps.step_options import (
    CONFIGURE_OPTIONS,
    STEP_OPTIONS,
    check_option_names,
    merge_options,
    normalize_option,
    settings_to_dict,
)
from stackwise.steps.tracing import active_builder
from stackwise.utils.source import code_hash, source_of

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["CONFIGURE_OPTIONS", "STEP_OPTIONS", "Step", "settings_to_dict", "step"]


def _materializer_path(value: Any, owner: str, output: str) -> str:
    from stackwise.materializers.base_materializer import BaseMaterializer
    from stackwise.materializers.materializer_registry import materializer_path

    if isinstance(value, str) and ":" in value:
        return value
    if isinstance(value, type) and issubclass(value, BaseMaterializer):
        return materializer_path(value)
    raise StepInterfaceError(
        f"{owner}: output_materializers for output '{output}' must be a BaseMaterializer "
        f"subclass, got {value!r}."
    )


def _check_timeout(value: Any, owner: str) -> float | None:
    """Seconds a step may run; enforced where steps run in processes that can be stopped."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise StepInterfaceError(
            f"{owner}: timeout must be a number of seconds > 0, got {value!r}."
        )
    return float(value)


class Step:
    """What `@step` returns. Options live in `_options` (plain data, as normalized) and are
    mirrored as attributes the compiler reads (`enable_cache`, `environment`, `on_start`...)."""

    def __init__(self, func: Callable[..., Any], **options: Any) -> None:
        check_option_names(options, STEP_OPTIONS, "@step")
        self.entrypoint = func
        self.name = options.pop("name", None) or func.__name__
        owner = f"Step '{self.name}'"
        self.signature = inspect.signature(func)
        for parameter in self.signature.parameters.values():
            if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
                raise StepInterfaceError(
                    f"{owner}: *args/**kwargs are not supported; name each input."
                )
        try:
            hints = inspect.get_annotations(func, eval_str=True)
        except Exception:  # noqa: BLE001 - unresolvable forward refs: fall back to raw
            hints = inspect.get_annotations(func)
        self.input_annotations = {n: hints.get(n, Any) for n in self.signature.parameters}
        self.outputs: list[DeclaredOutput] = parse_outputs(
            hints.get("return", inspect.Signature.empty)
        )
        self._options: dict[str, Any] = {}
        self.output_materializers: dict[str, str] = {}
        self._apply(options, merge=True)
        self.__wrapped__ = func
        self.__doc__ = func.__doc__
        self.__module__ = func.__module__
        self.__qualname__ = getattr(func, "__qualname__", self.name)

    # -- options ---------------------------------------------------------------------
    def _apply(self, options: dict[str, Any], merge: bool) -> None:
        owner = f"Step '{self.name}'"
        options = dict(options)
        materializers = options.pop("output_materializers", None)
        timeout = options.pop("timeout", None)
        normalized = {k: normalize_option(k, v, owner) for k, v in options.items()}
        merge_options(self._options, normalized, merge)
        if materializers is not None:
            self.output_materializers = self._check_materializers(materializers, owner)
        if timeout is not None:
            self._options["timeout"] = _check_timeout(timeout, owner)
        get = self._options.get
        self.enable_artifact_metadata = get("enable_artifact_metadata")
        self.enable_artifact_visualization = get("enable_artifact_visualization")
        self.enable_step_logs = get("enable_step_logs")
        self.experiment_tracker = get("experiment_tracker")
        self.step_operator = get("step_operator")
        self.retry = get("retry")
        self.settings = get("settings") or {}
        self.extra = get("extra") or {}
        self.environment = get("environment") or {}
        self.secrets = get("secrets") or []
        self.substitutions = get("substitutions") or {}
        self.parameters = get("parameters") or {}
        self.cache_policy = get("cache_policy")
        self.model = get("model")
        self.group = get("group")
        self.step_type = get("step_type")
        self.timeout = get("timeout")
        self.on_failure = get("on_failure")
        self.on_success = get("on_success")
        self.on_start = get("on_start")
        self.on_end = get("on_end")

    @property
    def enable_cache(self) -> bool | None:
        return self._options.get("enable_cache")

    def _check_materializers(self, value: Any, owner: str) -> dict[str, str]:
        names = [o.name for o in self.outputs]
        if not isinstance(value, Mapping):
            return {n: _materializer_path(value, owner, n) for n in names}
        unknown = [k for k in value if k not in names]
        if unknown:
            hint = ""
            if names == ["output"]:
                hint = (
                    f" An unannotated output is called 'output'; to call it "
                    f"'{unknown[0]}', annotate the return as "
                    f'Annotated[T, "{unknown[0]}"].'
                )
            raise StepInterfaceError(
                f"{owner}: output_materializers names output(s) {unknown}, but the step's "
                f"outputs are {names or 'none'}.{hint}"
            )
        return {k: _materializer_path(v, owner, k) for k, v in value.items()}

    def configure(self, merge: bool = True, **options: Any) -> Step:
        """Change this step's options in place (ZenML's `configure`); returns the step.

        With `merge` (the default) dict options (settings, extra, environment, parameters,
        substitutions) are updated key by key; with `merge=False` each given option replaces
        the old value. Options not given are left as they are."""
        check_option_names(options, CONFIGURE_OPTIONS, f"Step '{self.name}'.configure()")
        self._apply(options, merge)
        return self

    def with_options(self, merge: bool = True, **options: Any) -> Step:
        """A copy with some options changed; the original step is untouched."""
        check_option_names(options, CONFIGURE_OPTIONS, f"Step '{self.name}'.with_options()")
        return self.copy().configure(merge=merge, **options)

    def copy(self) -> Step:
        new = copy.copy(self)
        new._options = copy.deepcopy(self._options)
        new.output_materializers = dict(self.output_materializers)
        return new

    @property
    def configuration(self) -> SimpleNamespace:
        """The options as configured (ZenML's field names; hooks as sources)."""
        from stackwise.config.step_configurations import StepConfigurationUpdate

        values: dict[str, Any] = {f: None for f in StepConfigurationUpdate.__dataclass_fields__}
        values.update({k: v for k, v in self._options.items() if not k.startswith("on_")})
        for hook, key in (
            ("on_failure", "failure_hook_source"),
            ("on_success", "success_hook_source"),
            ("on_start", "start_hook_source"),
            ("on_end", "end_hook_source"),
        ):
            func = self._options.get(hook)
            values[key] = source_of(func) if func is not None else None
        for key in ("parameters", "settings", "environment", "extra", "substitutions"):
            values[key] = dict(values.get(key) or {})
        values["secrets"] = list(values.get("secrets") or [])
        values["retry"] = self.retry
        values["name"] = self.name
        values["outputs"] = {
            n: {"materializer_source": m} for n, m in self.output_materializers.items()
        }
        values["caching_parameters"] = self.caching_parameters
        return SimpleNamespace(**values)

    # -- identity --------------------------------------------------------------------
    @cached_property
    def source(self) -> str:
        return source_of(self.entrypoint)

    @cached_property
    def code_hash(self) -> str:
        return code_hash(self.entrypoint)

    def resolve(self) -> str:
        """The step's source, `module:qualname` (a file path for code in `__main__`)."""
        return self.source

    @classmethod
    def load_from_source(cls, source: str) -> Step:
        """The step a source names ('module.attribute' or 'module:attribute')."""
        from stackwise.config.pipeline_run_configuration import hook_source
        from stackwise.utils.source import load_source

        found = load_source(hook_source(source))
        if not isinstance(found, Step):
            raise StepInterfaceError(f"'{source}' is a {type(found).__name__}, not a step.")
        return found

    @property
    def source_object(self) -> Callable[..., Any]:
        return self.entrypoint

    @property
    def source_code(self) -> str:
        return inspect.getsource(self.entrypoint)

    @property
    def source_code_cache_value(self) -> str:
        return self.code_hash

    @property
    def docstring(self) -> str | None:
        return self.entrypoint.__doc__

    @property
    def caching_parameters(self) -> dict[str, Any]:
        return {"step_source": self.code_hash}

    @property
    def entrypoint_definition(self) -> SimpleNamespace:
        """The step's inputs (signature parameters) and declared outputs."""
        return SimpleNamespace(
            inputs=dict(self.signature.parameters), outputs={o.name: o for o in self.outputs}
        )

    def __repr__(self) -> str:
        return f"<step {self.name}>"

    # -- calling ---------------------------------------------------------------------
    def __call__(
        self,
        *args: Any,
        id: str | None = None,
        after: Any = None,
        start_after: Any = None,
        **kwargs: Any,
    ) -> Any:
        builder = active_builder()
        if builder is None:
            return self.entrypoint(*args, **kwargs)
        if start_after is not None and not builder.dynamic:
            raise StepInterfaceError(
                f"Step '{self.name}'(start_after=...) is only possible "
                "within a dynamic pipeline; use after= to order steps."
            )
        return builder.add(self, args, kwargs, id, after)

    def call_entrypoint(self, *args: Any, **kwargs: Any) -> Any:
        """Call the function itself, after checking the arguments fit its signature."""
        try:
            self.signature.bind(*args, **kwargs)
        except TypeError as error:
            raise StepInterfaceError(f"Step '{self.name}': {error}.") from None
        return self.entrypoint(*args, **kwargs)

    def replay(
        self,
        pipeline: Any = None,
        pipeline_run: Any = None,
        step_run_id: Any = None,
        invocation_id: str | None = None,
        input_overrides: dict[str, Any] | None = None,
        debug: bool = False,
    ) -> Any:
        """Call the function again, here, with the parameters and inputs of a recorded step
        run (`step_run_id`, or this step in `pipeline_run` / the last run of `pipeline`);
        `input_overrides` replace some inputs. Nothing is recorded."""
        from stackwise.steps.replay import replay_step

        return replay_step(
            self, pipeline, pipeline_run, step_run_id, invocation_id, input_overrides
        )

    # -- dynamic pipelines (`@pipeline(dynamic=True)`: stackwise.pipelines.dynamic) ------
    def _dynamic_runner(self, what: str) -> Any:
        builder = active_builder()
        if builder is None or not builder.dynamic:
            raise RuntimeError(
                f"{what} is only possible within a dynamic pipeline "
                f"(step '{self.name}'; use @pipeline(dynamic=True))."
            )
        return builder

    def submit(
        self,
        *args: Any,
        id: str | None = None,
        after: Any = None,
        start_after: Any = None,
        **kwargs: Any,
    ) -> Any:
        """Run the step and return a `StepFuture` of its outputs, without waiting for them."""
        return self._dynamic_runner("Submitting a step").submit(self, args, kwargs, id, after)

    def map(self, *args: Any, after: Any = None, start_after: Any = None, **kwargs: Any) -> Any:
        """One step run per item of the sequence outputs passed in (zipped; all the same
        length); `unmapped(x)` passes x whole to every run. Returns a `MapResultsFuture`."""
        return self._dynamic_runner("Mapping over step inputs").map(
            self, args, kwargs, after, product=False
        )

    def product(self, *args: Any, after: Any = None, start_after: Any = None, **kwargs: Any) -> Any:
        """Like `map`, over every combination of the items of the sequence outputs."""
        return self._dynamic_runner("Mapping over step inputs").map(
            self, args, kwargs, after, product=True
        )


@overload
def step(_func: F) -> Step: ...


@overload
def step(_func: None = None, **options: Any) -> Callable[[F], Step]: ...


def step(_func: Any = None, **options: Any) -> Any:
    """Make a function a pipeline step: `@step` or `@step(enable_cache=False, ...)`."""
    check_option_names(options, STEP_OPTIONS, "@step")

    def decorate(func: Callable[..., Any]) -> Step:
        return Step(func, **options)

    return decorate(_func) if _func is not None else decorate
