"""Secret references in component configurations: `{{name.key}}`.

A reference is stored verbatim (the metadata store only ever holds the reference) and replaced
by the secret's value when the component is built for use, in `stack.build_component`. It may
be the whole value (`"{{mlflow.password}}"`) or part of one (`"https://{{aws.user}}@host"`),
at any depth of the configuration. Every unresolvable reference is reported at once, each with
the component, the configuration key and the command that fixes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from stackwise.exceptions import ConfigError, EntityNotFoundError, ProblemCollector, did_you_mean

# Secret names and keys: what fits between the braces without ambiguity (no dots, no braces).
NAME_PATTERN = r"[A-Za-z0-9_][A-Za-z0-9_-]*"
_NAME = re.compile(NAME_PATTERN)
REFERENCE = re.compile(r"\{\{\s*(" + NAME_PATTERN + r")\.(" + NAME_PATTERN + r")\s*\}\}")

SecretLookup = Callable[[str], Mapping[str, str]]
"""name -> the secret's values; raises EntityNotFoundError for an unknown name."""


@dataclass(frozen=True)
class SecretReference:
    secret: str
    key: str

    def __str__(self) -> str:
        return f"{{{{{self.secret}.{self.key}}}}}"


def is_valid_name(name: str) -> bool:
    """True for a secret name or key a reference can spell."""
    return bool(_NAME.fullmatch(name))


def references_in(value: str) -> list[SecretReference]:
    return [SecretReference(m[1], m[2]) for m in REFERENCE.finditer(value)]


def find_references(configuration: Any, path: str = "") -> Iterator[tuple[str, SecretReference]]:
    """(configuration key, reference) for every reference, in nested dicts and lists too;
    nested keys read `outer.inner`, list items `items[0]`."""
    if isinstance(configuration, str):
        for reference in references_in(configuration):
            yield path, reference
    elif isinstance(configuration, Mapping):
        for key, value in configuration.items():
            yield from find_references(value, f"{path}.{key}" if path else str(key))
    elif isinstance(configuration, (list, tuple)):
        for i, value in enumerate(configuration):
            yield from find_references(value, f"{path}[{i}]")


def has_references(configuration: Any) -> bool:
    return next(find_references(configuration), None) is not None


def referenced_secrets(configuration: Any) -> set[str]:
    return {reference.secret for _, reference in find_references(configuration)}


def resolve_references(
    configuration: Mapping[str, Any], lookup: SecretLookup, *, component: str
) -> dict[str, Any]:
    """A copy of `configuration` with every reference replaced by its secret value.

    `component` names the owner in errors ("experiment tracker 'mlflow_tracker'"). Each secret
    is looked up once. Raises ConfigError listing every reference that cannot be resolved.
    """
    found: dict[str, Mapping[str, str] | EntityNotFoundError] = {}
    problems = ProblemCollector()
    for path, reference in find_references(configuration):
        if reference.secret not in found:
            try:
                found[reference.secret] = lookup(reference.secret)
            except EntityNotFoundError as error:
                found[reference.secret] = error
        problem = _problem(reference, found[reference.secret])
        if problem:
            problems.add(f"key '{path}' = {reference}: {problem}")
    problems.raise_if_any(
        ConfigError,
        f"Cannot use {component}: its configuration references secrets that cannot be resolved",
    )

    def substitute(match: re.Match[str]) -> str:
        values = found[match[1]]
        assert not isinstance(values, EntityNotFoundError)  # problems were raised above
        return values[match[2]]

    return {
        key: _map_strings(value, lambda text: REFERENCE.sub(substitute, text))
        for key, value in configuration.items()
    }


def _problem(
    reference: SecretReference, values: Mapping[str, str] | EntityNotFoundError
) -> str | None:
    if isinstance(values, EntityNotFoundError):
        return (
            f"{values} Create it: `stackwise secret create {reference.secret} "
            f"--{reference.key}=VALUE`."
        )
    if reference.key in values:
        return None
    return (
        f"secret '{reference.secret}' has no key '{reference.key}'."
        f"{did_you_mean(reference.key, values)} Its keys: {', '.join(sorted(values))}. "
        f"Add it: `stackwise secret update {reference.secret} --{reference.key}=VALUE`."
    )


def _map_strings(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, Mapping):
        return {k: _map_strings(v, change) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_map_strings(v, change) for v in value)
    return value
