"""Finding the artifact store an artifact version was written to, whatever stack is active,
and saying what to register or fix when there is none that can serve it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from stackwise.artifact_stores.credential_masking import scrub, shown_config
from stackwise.exceptions import MaterializerError, StackwiseError

if TYPE_CHECKING:
    from stackwise.artifact_stores.base_artifact_store import BaseArtifactStore
    from stackwise.store.base import Store
    from stackwise.store.records import ArtifactVersionRecord, ComponentRecord

_SCHEME_FLAVORS = {
    "s3": "s3",
    "gs": "gcp",
    "gcs": "gcp",
    "az": "azure",
    "abfs": "azure",
    "abfss": "azure",
}


def resolve_artifact_store(
    record: ArtifactVersionRecord, store: Store, preferred: BaseArtifactStore | None = None
) -> BaseArtifactStore:
    """The artifact store a version was written to (the active one when it is the same).

    A version remembers its store's component id, so it loads from there whatever stack is
    active. If that component was deleted, any registered artifact store whose root holds the
    version's URI serves instead; if none does, the error says what to register.
    """
    if preferred is not None and record.artifact_store_id in (None, preferred.id):
        return preferred
    if record.artifact_store_id is None:  # written before stores were recorded
        return preferred if preferred is not None else _active_artifact_store(store)
    components = store.get_components([record.artifact_store_id])
    component = components.get(record.artifact_store_id)
    if component is not None:
        return _build_store(record, component)
    for candidate in _stores_that_could_hold(record.uri, store, preferred):
        return candidate
    raise MaterializerError(_unregistered_store_message(record))


def _active_artifact_store(store: Store) -> BaseArtifactStore:
    from stackwise.enums import StackComponentType
    from stackwise.stack.active_stack import active_stack

    return active_stack(store).component(  # type: ignore[return-value]
        StackComponentType.ARTIFACT_STORE
    )


def _build_store(record: ArtifactVersionRecord, component: ComponentRecord) -> BaseArtifactStore:
    from stackwise.stack.stack import build_component

    try:
        return build_component(component)  # type: ignore[return-value]
    except StackwiseError as error:
        raise MaterializerError(
            f"{version_label(record)} was written to {_describe_record(component)}, which "
            f"cannot be used here: {scrub(str(error), component)} {fix_advice(component)}"
        ) from None


def _stores_that_could_hold(
    uri: str, store: Store, preferred: BaseArtifactStore | None
) -> Iterator[BaseArtifactStore]:
    """Registered artifact stores (the preferred one first) whose root holds `uri`."""
    from stackwise.enums import StackComponentType
    from stackwise.stack.stack import build_component

    if preferred is not None and preferred.contains(uri):
        yield preferred
    for component in store.list_components(StackComponentType.ARTIFACT_STORE):
        try:
            candidate: BaseArtifactStore = build_component(component)  # type: ignore[assignment]
        except Exception:  # noqa: BLE001, S112 - an unusable store cannot serve it anyway
            continue
        if candidate.contains(uri):
            yield candidate


# -- messages --------------------------------------------------------------------------------
def version_label(record: ArtifactVersionRecord) -> str:
    """How errors name a version: `Artifact 'x' version 3`."""
    return f"Artifact '{record.name}' version {record.version}"


def _store_root(uri: str) -> str:
    """The store root an artifact URI was made under (`<root>/<name>/<version id>`)."""
    parts = uri.rstrip("/").rsplit("/", 2)
    return parts[0] if len(parts) == 3 and parts[0] else uri


def _describe_record(component: ComponentRecord) -> str:
    path = component.configuration.get("path", "")
    return f"artifact store '{component.name}' (flavor {component.flavor}, path {path or '-'})"


def describe_store(artifact_store: BaseArtifactStore) -> str:
    """How errors name a store: its name, flavor and root (no credentials there)."""
    return (
        f"artifact store '{artifact_store.name}' (flavor {artifact_store.flavor}, path "
        f"{artifact_store.path})"
    )


def _flavor_fields(flavor: str) -> str:
    try:
        from stackwise.stack.flavor_registry import flavor_registry

        fields = flavor_registry.get("artifact_store", flavor).config_class().model_fields
    except Exception:  # noqa: BLE001 - the flavor itself is what is missing
        return ""
    return ", ".join(fields)


def fix_advice(component: ComponentRecord | BaseArtifactStore) -> str:
    """What the store needs, its configuration as registered (secrets masked), and how to fix
    it."""
    fields = _flavor_fields(component.flavor)
    needs = f" The {component.flavor} flavor takes: {fields}." if fields else ""
    return (
        f"Its configuration: {shown_config(component)}.{needs} Fix the credentials or "
        f"endpoint with `stackwise artifact-store update {component.name} --KEY=VALUE` (or "
        "the environment the store's library reads, e.g. AWS_* variables), then try "
        f"again; `stackwise stack verify` checks the stacks that use it."
    )


def _unregistered_store_message(record: ArtifactVersionRecord) -> str:
    root = _store_root(record.uri)
    scheme = root.partition("://")[0] if "://" in root else ""
    flavor = _SCHEME_FLAVORS.get(scheme, scheme or "local")
    fields = _flavor_fields(flavor)
    needs = f" (the {flavor} flavor takes: {fields})" if fields else ""
    return (
        f"{version_label(record)} was written to an artifact store that is no longer registered "
        f"(component id {record.artifact_store_id}; its files are at {record.uri}). "
        "Register an artifact store whose root holds them, with the credentials that can "
        f"read there{needs}, e.g. `stackwise artifact-store register NAME --flavor={flavor} "
        f"--path={root}`, then load again."
    )
