"""`@step`: a plain typed Python function that becomes a pipeline step.

Options are checked when the step is defined, so mistakes surface at import time rather than
halfway through a run. Called inside a `@pipeline` function a step records an invocation;
called anywhere else it is just the function (handy in unit tests).
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any, TypeVar, overload

from stackwise.config.retry_config import StepRetryConfig
from stackwise.exceptions import StepInterfaceError
from stackwise.steps.outputs import DeclaredOutput, parse_outputs
from stackwise.steps.tracing import active_builder
from stackwise.utils.source import code_hash, source_of

F = TypeVar("F", bound=Callable[..., Any])

STEP_OPTIONS = ("name", "enable_cache", "output_materializers", "experiment_tracker",
                "step_operator", "on_failure", "on_success", "retry", "settings", "extra",
                "timeout")


def settings_to_dict(settings: Mapping[str, Any] | None, owner: str) -> dict[str, Any]:
    """Settings objects (pydantic models) become plain dicts, keyed as given."""
    out: dict[str, Any] = {}
    for key, value in (settings or {}).items():
        if hasattr(value, "model_dump"):
            value = value.model_dump(mode="json")
        if not isinstance(value, dict):
            raise StepInterfaceError(
                f"{owner}: settings['{key}'] must be a settings object or a dict, got "
                f"{type(value).__name__}."
            )
        out[str(key)] = value
    return out


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
        raise StepInterfaceError(f"{owner}: timeout must be a number of seconds > 0, got "
                                 f"{value!r}.")
    return float(value)


class Step:
    def __init__(self, func: Callable[..., Any], *, name: str | None = None,
                 enable_cache: bool | None = None, output_materializers: Any = None,
                 experiment_tracker: str | None = None, step_operator: str | None = None,
                 on_failure: Callable[..., Any] | None = None,
                 on_success: Callable[..., Any] | None = None,
                 retry: StepRetryConfig | dict[str, Any] | None = None,
                 settings: Mapping[str, Any] | None = None,
                 extra: Mapping[str, Any] | None = None,
                 timeout: float | None = None) -> None:
        self.entrypoint = func
        self.name = name or func.__name__
        owner = f"Step '{self.name}'"
        self.signature = inspect.signature(func)
        for parameter in self.signature.parameters.values():
            if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
                raise StepInterfaceError(f"{owner}: *args/**kwargs are not supported; name each "
                                         "input.")
        try:
            hints = inspect.get_annotations(func, eval_str=True)
        except Exception:  # noqa: BLE001 - unresolvable forward refs: fall back to raw
            hints = inspect.get_annotations(func)
        self.input_annotations = {n: hints.get(n, Any) for n in self.signature.parameters}
        self.outputs: list[DeclaredOutput] = parse_outputs(
            hints.get("return", inspect.Signature.empty))
        self.enable_cache = enable_cache
        self.experiment_tracker = experiment_tracker
        self.step_operator = step_operator
        self.retry = StepRetryConfig.coerce(retry)
        self.settings = settings_to_dict(settings, owner)
        self.extra = dict(extra or {})
        self.timeout = _check_timeout(timeout, owner)
        for hook_name, hook in (("on_failure", on_failure), ("on_success", on_success)):
            if hook is not None and not callable(hook):
                raise StepInterfaceError(f"{owner}: {hook_name} must be a function.")
        self.on_failure = on_failure
        self.on_success = on_success
        self.output_materializers = self._check_materializers(output_materializers, owner)
        self.__wrapped__ = func
        self.__doc__ = func.__doc__
        self.__module__ = func.__module__
        self.__qualname__ = getattr(func, "__qualname__", self.name)

    def _check_materializers(self, value: Any, owner: str) -> dict[str, str]:
        if value is None:
            return {}
        names = [o.name for o in self.outputs]
        if not isinstance(value, Mapping):
            return {n: _materializer_path(value, owner, n) for n in names}
        unknown = [k for k in value if k not in names]
        if unknown:
            hint = ""
            if names == ["output"]:
                hint = (f" An unannotated output is called 'output'; to call it "
                        f"'{unknown[0]}', annotate the return as "
                        f"Annotated[T, \"{unknown[0]}\"].")
            raise StepInterfaceError(
                f"{owner}: output_materializers names output(s) {unknown}, but the step's "
                f"outputs are {names or 'none'}.{hint}"
            )
        return {k: _materializer_path(v, owner, k) for k, v in value.items()}

    # -- identity --------------------------------------------------------------------
    @cached_property
    def source(self) -> str:
        return source_of(self.entrypoint)

    @cached_property
    def code_hash(self) -> str:
        return code_hash(self.entrypoint)

    def __repr__(self) -> str:
        return f"<step {self.name}>"

    # -- calling ---------------------------------------------------------------------
    def __call__(self, *args: Any, id: str | None = None, after: Any = None,
                 **kwargs: Any) -> Any:
        builder = active_builder()
        if builder is None:
            return self.entrypoint(*args, **kwargs)
        return builder.add(self, args, kwargs, id, after)

    def with_options(self, **options: Any) -> Step:
        """A copy with some options changed; the original step is untouched."""
        unknown = set(options) - set(STEP_OPTIONS)
        if unknown:
            raise StepInterfaceError(f"Step '{self.name}': unknown option(s) {sorted(unknown)}; "
                                     f"options are {', '.join(STEP_OPTIONS)}.")
        current: dict[str, Any] = {
            "name": self.name, "enable_cache": self.enable_cache,
            "output_materializers": self.output_materializers or None,
            "experiment_tracker": self.experiment_tracker, "step_operator": self.step_operator,
            "on_failure": self.on_failure, "on_success": self.on_success, "retry": self.retry,
            "settings": copy.deepcopy(self.settings), "extra": dict(self.extra),
            "timeout": self.timeout,
        }
        if options.get("settings") is not None:
            current["settings"].update(settings_to_dict(options.pop("settings"), repr(self)))
        if options.get("extra") is not None:
            current["extra"].update(options.pop("extra"))
        current.update(options)
        return Step(self.entrypoint, **current)

    def configure(self, **options: Any) -> Step:
        """Change this step's options in place (ZenML's `configure`); returns the step."""
        self.__dict__.update(self.with_options(**options).__dict__)
        return self


@overload
def step(_func: F) -> Step: ...


@overload
def step(_func: None = None, **options: Any) -> Callable[[F], Step]: ...


def step(_func: Any = None, **options: Any) -> Any:
    """Make a function a pipeline step: `@step` or `@step(enable_cache=False, ...)`."""
    unknown = set(options) - set(STEP_OPTIONS)
    if unknown:
        raise StepInterfaceError(f"@step got unknown option(s) {sorted(unknown)}; options are "
                                 f"{', '.join(STEP_OPTIONS)}.")

    def decorate(func: Callable[..., Any]) -> Step:
        return Step(func, **options)

    return decorate(_func) if _func is not None else decorate
