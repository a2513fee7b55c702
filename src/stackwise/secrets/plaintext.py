"""Warning when a component is registered with a secret in plain text.

Flavors mark credential fields with `Field(json_schema_extra={"secret": True})`. Such a value
given as text (not a `{{name.key}}` reference) ends up unencrypted in the metadata store, so
`Client.create_stack_component` / `update_stack_component` warn, naming the key but never its
value, and say how to store it as a secret instead.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

from stackwise.secrets.references import has_references


def secret_fields(config_class: Any) -> set[str]:
    """The config fields a flavor marks as secret."""
    fields = getattr(config_class, "model_fields", {})
    return {
        name
        for name, field in fields.items()
        if isinstance(field.json_schema_extra, dict) and field.json_schema_extra.get("secret")
    }


def plaintext_secret_warnings(
    config_class: Any, configuration: Mapping[str, Any], *, component: str
) -> list[str]:
    """One message per problem: a secret field holding plain text, or a value that looks
    like a reference but is not one (it would be used as typed)."""
    messages = []
    marked = secret_fields(config_class)
    for key, value in sorted(configuration.items()):
        if not isinstance(value, str) or not value:
            continue
        if has_references(value):
            continue
        if "{{" in value:
            messages.append(
                f"The configuration of {component}: key '{key}' contains '{{{{' but no secret "
                "reference of the form {{name.key}} (letters, digits, '_' and '-'); it will "
                "be used as typed."
            )
        elif key in marked:
            messages.append(
                f"The configuration of {component}: key '{key}' is a secret given in plain "
                "text; it is stored unencrypted in the metadata store. Store it as a secret "
                f"(`stackwise secret create NAME --{key}=...`) and give the reference instead: "
                f"--{key}={{{{NAME.{key}}}}}"
            )
    return messages


def warn_plaintext_secrets(
    config_class: Any, configuration: Mapping[str, Any], *, component: str, stacklevel: int = 3
) -> None:
    """`warnings.warn(..., UserWarning)` for each problem; the default stacklevel points at
    the caller of the Client method that calls this."""
    for message in plaintext_secret_warnings(config_class, configuration, component=component):
        warnings.warn(message, UserWarning, stacklevel=stacklevel)
