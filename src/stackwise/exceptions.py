"""The one exception hierarchy of stackwise.

    StackwiseError
    ├── ConfigError (ValueError)            bad configuration: run config, flavor config, settings
    │   └── PipelineCompilationError        the pipeline graph or its parameters are wrong
    ├── StepInterfaceError (ValueError)     a step's signature, outputs or options are wrong
    ├── StackValidationError                the stack cannot run this pipeline (all problems)
    ├── EntityExistsError (ValueError)      a name is taken (run name, stack, component)
    ├── EntityNotFoundError (KeyError)      a name or id is unknown ("did you mean ...?")
    │   └── ComponentNotFoundError
    ├── MaterializerError                   an artifact could not be saved or loaded
    ├── StepOutputError (TypeError)         a step returned something its annotation forbids
    ├── StoreSchemaError                    the metadata store's schema does not match this code
    ├── StepFailedError                     one step failed (carries .step and .original)
    └── PipelineRunFailedError (RuntimeError)  a run failed (carries .run and .failed_steps)

Messages name the object, say what was expected and found, and what to do next.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence


class StackwiseError(Exception):
    """Base class of every error stackwise raises on purpose."""


class ConfigError(StackwiseError, ValueError):
    pass


class StepInterfaceError(StackwiseError, ValueError):
    pass


class PipelineCompilationError(ConfigError):
    pass


class StackValidationError(StackwiseError):
    pass


class EntityExistsError(StackwiseError, ValueError):
    pass


class EntityNotFoundError(StackwiseError, KeyError):
    def __str__(self) -> str:
        # KeyError quotes its argument; a sentence reads better unquoted.
        return str(self.args[0]) if self.args else ""


class ComponentNotFoundError(EntityNotFoundError):
    pass


class MaterializerError(StackwiseError):
    pass


class StepOutputError(StackwiseError, TypeError):
    pass


class StoreSchemaError(StackwiseError):
    pass


class StepFailedError(StackwiseError):
    def __init__(self, message: str, *, step: str, original: BaseException | None = None):
        super().__init__(message)
        self.step = step
        self.original = original


class PipelineRunFailedError(StackwiseError, RuntimeError):
    def __init__(self, message: str, *, run: object, failed_steps: Sequence[str]):
        super().__init__(message)
        self.run = run
        self.failed_steps = list(failed_steps)


class ProblemCollector:
    """Collects every problem, then raises once with the count and one line each."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, problem: str) -> None:
        self.problems.append(problem)

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self, error_class: type[StackwiseError], headline: str) -> None:
        if not self.problems:
            return
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines = "\n".join(f"  {i}. {p}" for i, p in enumerate(self.problems, 1))
        raise error_class(f"{headline} ({count} {noun}):\n{lines}")


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """A ' Did you mean ...?' suffix, or '' when nothing is close."""
    close = difflib.get_close_matches(name, list(candidates), n=1)
    return f" Did you mean '{close[0]}'?" if close else ""


def not_found(kind: str, name: str, candidates: Iterable[str]) -> EntityNotFoundError:
    candidates = sorted(set(candidates))
    known = ", ".join(f"'{c}'" for c in candidates[:10]) or "none"
    return EntityNotFoundError(
        f"No {kind} named '{name}'.{did_you_mean(name, candidates)} Known: {known}."
    )
