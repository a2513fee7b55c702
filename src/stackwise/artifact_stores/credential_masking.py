"""Masking the credentials of an artifact store's configuration in what stackwise prints: an
error quoting the store's configuration or its library's message must not leak its keys.

A key is secret when its flavor marks the field (`json_schema_extra={"secret": True}`) or its
name looks like one (password, token, secret, key, credential); `{{secret.key}}` references
are shown, as they hold no value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stackwise.artifact_stores.base_artifact_store import BaseArtifactStore
    from stackwise.store.records import ComponentRecord

MASK = "****"
_SECRET_MARKERS = ("password", "token", "secret", "key", "credential")


def _is_secret_key(key: str, secret_fields: set[str]) -> bool:
    return key in secret_fields or any(m in key.lower() for m in _SECRET_MARKERS)


def _secret_fields(type_: str, flavor: str) -> set[str]:
    """The config fields the flavor marks secret (`json_schema_extra={"secret": True}`)."""
    try:
        from stackwise.stack.flavor_registry import flavor_registry

        fields = flavor_registry.get(type_, flavor).config_class().model_fields
    except Exception:  # noqa: BLE001 - an unknown flavor: the name markers still apply
        return set()
    return {
        name
        for name, info in fields.items()
        if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get("secret")
    }


def _masked(config: Any, secret_fields: set[str]) -> Any:
    """`config` with the values of secret-looking keys (at any depth) replaced by ****."""
    if isinstance(config, dict):
        return {
            k: (
                MASK
                if _is_secret_key(str(k), secret_fields)
                and v not in (None, "")
                and not (isinstance(v, str) and "{{" in v)
                else _masked(v, secret_fields)
            )
            for k, v in config.items()
        }
    if isinstance(config, list):
        return [_masked(v, secret_fields) for v in config]
    return config


def _secret_values(config: Any, secret_fields: set[str]) -> set[str]:
    found: set[str] = set()
    if isinstance(config, dict):
        for key, value in config.items():
            if isinstance(value, str) and value and _is_secret_key(str(key), secret_fields):
                found.add(value)
            else:
                found |= _secret_values(value, secret_fields)
    elif isinstance(config, list):
        for value in config:
            found |= _secret_values(value, secret_fields)
    return found


def _config_of(component: ComponentRecord | BaseArtifactStore) -> dict[str, Any]:
    """The configuration as registered (a record) or as resolved (a built store)."""
    configuration = getattr(component, "configuration", None)
    if isinstance(configuration, dict):
        return configuration
    config = getattr(component, "config", None)
    return config.model_dump(mode="json", exclude_defaults=True) if config is not None else {}


def scrub(text: str, component: ComponentRecord | BaseArtifactStore) -> str:
    """`text` with every credential of `component`'s configuration masked."""
    secrets = _secret_values(
        _config_of(component), _secret_fields("artifact_store", component.flavor)
    )
    for value in sorted(secrets, key=len, reverse=True):
        if len(value) >= 3:  # masking "a" everywhere would garble the message, not protect
            text = text.replace(value, MASK)
    return text


def shown_config(component: ComponentRecord | BaseArtifactStore) -> str:
    """`key='value', ...` of the configuration, credentials masked, for an error to quote."""
    config = _masked(_config_of(component), _secret_fields("artifact_store", component.flavor))
    return ", ".join(f"{k}={v!r}" for k, v in config.items()) or "(defaults)"


def masked_configuration(component: ComponentRecord) -> dict[str, Any]:
    """A component's configuration as registered, credentials (at any depth) masked and
    `{{secret.key}}` references kept: what a page may show of any component."""
    masked = _masked(
        dict(component.configuration), _secret_fields(component.type, component.flavor)
    )
    return masked  # type: ignore[no-any-return]
