"""Saving a value as an artifact's files and loading it back, through the materializer recorded
with the artifact version and the artifact store it was written to.

Staging. A materializer that does not declare `USES_ARTIFACT_STORE_IO` treats `self.uri` as a
local folder (`os.makedirs(self.uri)`, `model.save_model(path)`). On a local store that is what
it is. On a remote store (`is_local` False) such a materializer runs against a local stand-in:

* save: `self.uri` is a fresh temporary folder and `self.artifact_store` a local store rooted
  there; once `save()` (and metadata extraction) succeeded the folder is uploaded to the real
  URI, then removed. A failure uploads nothing; a failed upload removes what it wrote.
* load: the artifact's folder is downloaded to a temporary folder, `load()` reads it there, and
  the folder is removed when `load()` returns: loaders read eagerly (a model, a DataFrame, a
  JSON file are in memory by then). A materializer whose result keeps reading its files
  (`LOADS_LAZILY`) keeps the download until that result is garbage-collected (or the process
  exits, for results that cannot be weakly referenced).

Limits: staging needs local disk for the whole artifact, costs one extra local write and read,
and a process killed mid-save leaves its temporary folder behind (in the system temp dir) and,
mid-upload, a partial folder in the store that no version references (`stackwise artifact
prune --orphans` finds those).
"""

from __future__ import annotations

import atexit
import importlib
import logging
import os
import platform
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from stackwise.enums import VisualizationType
from stackwise.exceptions import (
    ArtifactCorruptedError,
    ArtifactLoadError,
    MaterializerError,
    StackwiseError,
)
from stackwise.materializers.base_materializer import BaseMaterializer
from stackwise.materializers.integrity import (
    Check,
    Level,
    Status,
    check_files,
    mark_corrupted,
    record_checksum,
)
from stackwise.materializers.materializer_registry import (
    import_materializer,
    materializer_path,
    materializer_registry,
)
from stackwise.store.records import NewArtifactVersion

if TYPE_CHECKING:
    from stackwise.artifact_stores.base_artifact_store import BaseArtifactStore
    from stackwise.store.base import Store
    from stackwise.store.records import ArtifactVersionRecord, ComponentRecord

logger = logging.getLogger(__name__)

MASK = "****"
_SECRET_MARKERS = ("password", "token", "secret", "key", "credential")
# URI scheme -> the artifact store flavor that usually serves it (for "register one" hints)
_SCHEME_FLAVORS = {
    "s3": "s3",
    "gs": "gcp",
    "gcs": "gcp",
    "az": "azure",
    "abfs": "azure",
    "abfss": "azure",
}


def type_path(data_type: Any) -> str:
    module = getattr(data_type, "__module__", None)
    qualname = getattr(data_type, "__qualname__", None)
    return f"{module}:{qualname}" if module and qualname else ""


def import_type(path: str) -> Any:
    """The type recorded as `module:qualname`, or `object` when it cannot be imported."""
    if not path or ":" not in path:
        return object
    module_name, _, qualname = path.partition(":")
    try:
        obj: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            obj = getattr(obj, part)
        return obj
    except (ImportError, AttributeError):
        return object


def artifact_uri(artifact_store: BaseArtifactStore, artifact_name: str, version_id: str) -> str:
    """A fresh folder per artifact version: nothing is ever overwritten."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in artifact_name)
    return artifact_store.join(artifact_store.path, safe, version_id)


# -- staging ---------------------------------------------------------------------------------
def needs_staging(
    materializer_class: type[BaseMaterializer], artifact_store: BaseArtifactStore
) -> bool:
    """True when the materializer uses local paths and the store is not a local folder."""
    return not artifact_store.is_local and not materializer_class.USES_ARTIFACT_STORE_IO


def _local_store(folder: str, real: BaseArtifactStore) -> BaseArtifactStore:
    """A local store rooted at `folder`, standing in for `real` while staging."""
    from stackwise.artifact_stores.local_artifact_store import (
        LocalArtifactStore,
        LocalArtifactStoreConfig,
    )

    return LocalArtifactStore(
        id=real.id, name=real.name, flavor="local", config=LocalArtifactStoreConfig(path=folder)
    )


@contextmanager
def materializer_for_save(
    materializer_class: type[BaseMaterializer], uri: str, artifact_store: BaseArtifactStore
) -> Iterator[BaseMaterializer]:
    """A materializer to save into `uri`. Staged (see the module docstring) when needed: the
    local folder is uploaded when the block succeeds, and nothing is uploaded when it fails."""
    if not needs_staging(materializer_class, artifact_store):
        yield materializer_class(uri, artifact_store=artifact_store)
        return
    with artifact_store.local_staging(uri) as folder:
        yield materializer_class(folder, artifact_store=_local_store(folder, artifact_store))


def load_with(
    materializer_class: type[BaseMaterializer],
    uri: str,
    artifact_store: BaseArtifactStore,
    data_type: type[Any],
    expected_content_hash: str | None = None,
) -> Any:
    """`materializer_class(uri).load(data_type)`, through a local download when needed.
    `expected_content_hash` (the hash recorded at save time) is set on the materializer."""

    def build(folder: str, store: BaseArtifactStore) -> BaseMaterializer:
        instance = materializer_class(folder, artifact_store=store)
        instance.expected_content_hash = expected_content_hash
        return instance

    if not needs_staging(materializer_class, artifact_store):
        return build(uri, artifact_store).load(data_type)
    if materializer_class.LOADS_LAZILY:
        folder = _download_kept(uri, artifact_store)
        try:
            value = build(folder, _local_store(folder, artifact_store)).load(data_type)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        _remove_when_collected(value, folder)
        return value
    with artifact_store.local_copy(uri) as folder:
        return build(folder, _local_store(folder, artifact_store)).load(data_type)


def _download_kept(uri: str, artifact_store: BaseArtifactStore) -> str:
    """A local download of `uri` that outlives this call (the caller removes it)."""
    kept = tempfile.mkdtemp(prefix="stackwise-loaded-")
    try:
        with artifact_store.local_copy(uri) as folder:
            for name in os.listdir(folder):
                shutil.move(os.path.join(folder, name), os.path.join(kept, name))
    except BaseException:
        shutil.rmtree(kept, ignore_errors=True)
        raise
    return kept


def _remove_when_collected(value: Any, folder: str) -> None:
    try:
        weakref.finalize(value, shutil.rmtree, folder, True)
    except TypeError:  # ints, tuples, dicts cannot be weakly referenced: keep until exit
        atexit.register(shutil.rmtree, folder, True)


# -- saving ----------------------------------------------------------------------------------
def save_data(
    data: Any,
    *,
    version_id: str,
    name: str,
    uri: str,
    artifact_store: BaseArtifactStore,
    save_type: str,
    materializer: type[BaseMaterializer] | None = None,
    version: str | None = None,
    tags: list[str] | None = None,
    metadata: dict[str, Any] | None = None,
    extract_metadata: bool = True,
    include_visualizations: bool = True,
) -> NewArtifactVersion:
    """Write `data` under `uri` and describe it; on failure nothing is left behind.

    `extract_metadata=False` (a step's `enable_artifact_metadata=False`) records no metadata
    from the materializer (`metadata` given by the caller is still recorded);
    `include_visualizations=False` (`enable_artifact_visualization=False`) writes none. A
    materializer whose visualizations fail still saves the value: the failure is logged.
    """
    materializer_class = materializer or materializer_registry.get(type(data))
    try:
        with materializer_for_save(materializer_class, uri, artifact_store) as instance:
            instance.save(data)
            extracted = (instance.extract_full_metadata(data) or {}) if extract_metadata else {}
            visualizations = (
                _save_visualizations(instance, data, uri, artifact_store)
                if include_visualizations
                else []
            )
            content_hash = instance.compute_content_hash(data)
            item_count = instance.get_item_count(data)
        checksum = _checksum(artifact_store, uri)  # after a staged save's upload
    except Exception:
        _remove_quietly(artifact_store, uri)
        raise
    return NewArtifactVersion(
        id=version_id,
        name=name,
        uri=uri,
        materializer=materializer_path(materializer_class),
        data_type=type_path(type(data)),
        artifact_type=str(materializer_class.ASSOCIATED_ARTIFACT_TYPE),
        save_type=save_type,
        content_hash=content_hash,
        artifact_store_id=artifact_store.id,
        version=version,
        tags=list(tags or []),
        format={
            "materializer_version": materializer_class.FORMAT_VERSION,
            "python": platform.python_version(),
            **materializer_class.library_versions(),
        },
        metadata={**extracted, **(metadata or {})},
        visualizations=visualizations,
        item_count=item_count,
        checksum=checksum,
    )


def _checksum(artifact_store: BaseArtifactStore, uri: str) -> dict[str, Any] | None:
    """The checksum of the files just saved; a store that cannot list them costs only the
    checksum (the version then loads unverified, as one saved before checksums)."""
    try:
        return record_checksum(artifact_store, uri)
    except OSError as error:
        logger.warning("Could not record the checksum of the artifact at %s: %s", uri, error)
        return None


def _save_visualizations(
    instance: BaseMaterializer, data: Any, uri: str, artifact_store: BaseArtifactStore
) -> list[dict[str, str]]:
    """Let the materializer write its visualizations; `[{"type", "uri"}]` at the real URI (a
    staged save wrote them into the local folder that is uploaded to `uri`)."""
    try:
        written = instance.save_visualizations(data) or {}
    except Exception as error:  # noqa: BLE001 - a view must not cost the value
        logger.warning(
            "%s could not write the visualizations of %s: %s: %s",
            type(instance).__name__,
            uri,
            type(error).__name__,
            error,
        )
        return []
    found = []
    for path, kind in written.items():
        path = str(path)
        if kind not in set(VisualizationType):
            logger.warning(
                "%s returned the visualization %s with type %r; types are %s. It is not recorded.",
                type(instance).__name__,
                path,
                kind,
                ", ".join(VisualizationType.values()),
            )
            continue
        if instance.uri != uri and path.startswith(instance.uri):  # staged: map it back
            relative = path[len(instance.uri) :].lstrip("/\\").replace(os.sep, "/")
            path = artifact_store.join(uri, relative) if relative else uri
        found.append({"type": str(VisualizationType(kind)), "uri": path})
    return found


def _remove_quietly(artifact_store: BaseArtifactStore, uri: str) -> None:
    """Remove a failed save's files; a store that cannot even do that must not hide the
    original error (the folder is then an orphan for `stackwise artifact prune`)."""
    try:
        artifact_store.rmtree(uri)
    except Exception as error:  # noqa: BLE001 - logged; the caller re-raises the original
        logger.warning("Could not remove the partial artifact at %s: %s", uri, error)


# -- finding the store a version was written to ----------------------------------------------
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
            f"{_label(record)} was written to {_describe_record(component)}, which cannot be "
            f"used here: {_scrub(str(error), component)} {_needs(component)}"
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


# -- loading ---------------------------------------------------------------------------------
_load_listener: ContextVar[Callable[[ArtifactVersionRecord], None] | None] = ContextVar(
    "stackwise_load_listener", default=None
)


@contextmanager
def listening_to_loads(listener: Callable[[ArtifactVersionRecord], None]) -> Iterator[None]:
    """Call `listener` with every artifact version loaded in this block: a running step
    records what its code loads as inputs (lineage), however it loads them."""
    token = _load_listener.set(listener)
    try:
        yield
    finally:
        _load_listener.reset(token)


def load_data(
    record: ArtifactVersionRecord, store: Store, artifact_store: BaseArtifactStore | None = None
) -> Any:
    """The value of an artifact version, loaded by the materializer that saved it from the
    artifact store it was saved to."""
    listener = _load_listener.get()
    if listener is not None:
        listener(record)
    artifact_store = resolve_artifact_store(record, store, artifact_store)
    try:
        present = artifact_store.exists(record.uri)
    except Exception as error:  # noqa: BLE001 - reported with the store and its config
        raise MaterializerError(_unreachable_message(record, artifact_store, error)) from None
    if not present:
        raise MaterializerError(_gone_message(record, artifact_store))
    try:
        materializer_class = import_materializer(record.materializer)
    except (ImportError, AttributeError) as error:
        raise MaterializerError(
            f"{_label(record)} was saved by {record.materializer}, which cannot be imported "
            f"here ({error}). Install the library that defines it, or import the module that "
            "does before loading."
        ) from error
    if record.checksum is not None and artifact_store.is_local:
        try:
            check = check_files(record, artifact_store, Level.LOAD, respect_mark=False)
        except OSError:  # unreadable here: the load below says how
            check = Check(Status.UNVERIFIED)
        if check.status is Status.CORRUPTED:
            raise _corrupted_error(record, store, check)
    try:
        return load_with(
            materializer_class,
            record.uri,
            artifact_store,
            import_type(record.data_type),
            record.content_hash,
        )
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as error:
        # the folder is there (checked above) but not what the materializer expects in it
        raise _load_error(record, store, artifact_store, error) from error
    except OSError as error:  # the store failed while reading (ConnectionError is one)
        raise MaterializerError(_unreachable_message(record, artifact_store, error)) from None
    except MemoryError:
        raise
    except StackwiseError as error:  # a materializer's own, explained refusal: kept as is,
        check = _full_check(record, artifact_store)  # unless the files turn out damaged
        if check.status is Status.CORRUPTED:
            raise _corrupted_error(record, store, check) from error
        raise
    except Exception as error:  # any reader error: named, diagnosed, chained
        raise _load_error(record, store, artifact_store, error) from error


def _full_check(record: ArtifactVersionRecord, artifact_store: BaseArtifactStore) -> Check:
    try:
        return check_files(record, artifact_store, Level.FULL, respect_mark=False)
    except OSError:
        return Check(Status.UNVERIFIED)


def _load_error(
    record: ArtifactVersionRecord,
    store: Store,
    artifact_store: BaseArtifactStore,
    error: BaseException,
) -> ArtifactLoadError:
    """What a failed load was: corrupted files (checked against the checksum in full: the
    version is marked, so its producer runs again), or a reader that cannot read intact
    files (not marked: running the producer again would write the same bytes)."""
    check = _full_check(record, artifact_store)
    if check.status is Status.CORRUPTED:
        return _corrupted_error(record, store, check)
    failure = (
        f"Could not load artifact '{record.name}' version {record.version} from "
        f"{record.uri} with its materializer {record.materializer}: "
        f"{type(error).__name__}: {error}."
    )
    if isinstance(error, ImportError):
        return ArtifactLoadError(
            f"{failure} A library it needs cannot be imported here: install it (it was saved "
            f"with {_format_versions(record)}).",
            **_fields(record),
        )
    if check.conclusive:
        return ArtifactLoadError(
            f"{failure} Its files are intact (they match the checksums recorded when it was "
            "saved), so this is not corruption: the materializer cannot read what it wrote. "
            f"It was saved with {_format_versions(record)}; load it where the same versions "
            f"are installed, or have {_producer(record, store)} run again with caching off "
            "(enable_cache=False) to write it anew.",
            **_fields(record),
        )
    unchecked = (
        "No checksum was recorded for it"
        if check.status is Status.UNVERIFIED and record.checksum is None
        else "Its recorded checksum cannot tell a damaged file from a reader error (it "
        "covers only sizes or samples of its files)"
    )
    reason = f"loading failed: {type(error).__name__}: {error}"
    marked = mark_corrupted(store, record, reason[:500])
    return ArtifactCorruptedError(
        f"{failure} {unchecked}, so stackwise treats it as corrupted"
        f"{' and marked it' if marked else ''}. {_recovery(record, store, marked)}",
        **_fields(record),
    )


def _corrupted_error(
    record: ArtifactVersionRecord, store: Store, check: Check
) -> ArtifactCorruptedError:
    marked = mark_corrupted(store, record, "; ".join(check.problems)[:500])
    lines = "".join(f"\n  - {p}" for p in check.problems)
    return ArtifactCorruptedError(
        f"{_label(record)} is corrupted: its files at {record.uri} are not what its "
        f"materializer ({record.materializer}) saved:{lines}\n"
        f"{'It is now marked corrupted' if marked else 'It could not be marked corrupted'}. "
        f"{_recovery(record, store, marked)}",
        **_fields(record),
    )


def _recovery(record: ArtifactVersionRecord, store: Store, marked: bool) -> str:
    """What to do about a corrupted version: re-running gives its producer a cache miss."""
    verify = f"`stackwise artifact verify {record.name}` checks every version of it."
    if record.producer_step_run_id is None:
        return (
            f"It was saved outside a step, so save it again (a new version), and delete "
            f"this one with `stackwise artifact version delete {record.id} "
            f"--delete-data`. {verify}"
        )
    if not marked:
        return (
            f"Run the pipeline with caching off for {_producer(record, store)} to write "
            f"it anew. {verify}"
        )
    return (
        f"No cache hit uses it any more, so the next run of the pipeline, or `stackwise "
        f"pipeline runs resume RUN` of a run that failed on it, runs "
        f"{_producer(record, store)} again. {verify}"
    )


def _producer(record: ArtifactVersionRecord, store: Store) -> str:
    """`step 'x' (of run 'y')`, the step run that saved the version, as well as the store
    can tell (this is an error path: a failed read only makes the words vaguer)."""
    if record.producer_step_run_id is None:
        return "the code that saved it"
    try:
        step_run = store.get_step_run(record.producer_step_run_id)
        run = store.get_run(step_run.run_id)
    except Exception:  # noqa: BLE001 - see above
        return "the step that produced it"
    return f"step '{step_run.name}' (of run '{run.name}')"


def _format_versions(record: ArtifactVersionRecord) -> str:
    shown = ", ".join(f"{k} {v}" for k, v in sorted(record.format.items()))
    return shown or "no recorded library versions"


def _fields(record: ArtifactVersionRecord) -> dict[str, str]:
    return {
        "artifact": record.name,
        "version": record.version,
        "version_id": record.id,
        "uri": record.uri,
        "materializer": record.materializer,
    }


# -- messages --------------------------------------------------------------------------------
def _label(record: ArtifactVersionRecord) -> str:
    return f"Artifact '{record.name}' version {record.version}"


def _store_root(uri: str) -> str:
    """The store root an artifact URI was made under (`<root>/<name>/<version id>`)."""
    parts = uri.rstrip("/").rsplit("/", 2)
    return parts[0] if len(parts) == 3 and parts[0] else uri


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


def _scrub(text: str, component: ComponentRecord | BaseArtifactStore) -> str:
    """`text` with every credential of `component`'s configuration masked."""
    secrets = _secret_values(
        _config_of(component), _secret_fields("artifact_store", component.flavor)
    )
    for value in sorted(secrets, key=len, reverse=True):
        if len(value) >= 3:  # masking "a" everywhere would garble the message, not protect
            text = text.replace(value, MASK)
    return text


def _shown_config(component: ComponentRecord | BaseArtifactStore) -> str:
    config = _masked(_config_of(component), _secret_fields("artifact_store", component.flavor))
    return ", ".join(f"{k}={v!r}" for k, v in config.items()) or "(defaults)"


def _describe_record(component: ComponentRecord) -> str:
    path = component.configuration.get("path", "")
    return f"artifact store '{component.name}' (flavor {component.flavor}, path {path or '-'})"


def _describe(artifact_store: BaseArtifactStore) -> str:
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


def _needs(component: ComponentRecord | BaseArtifactStore) -> str:
    """What the store needs, its configuration as registered (secrets masked), and how to fix
    it."""
    fields = _flavor_fields(component.flavor)
    needs = f" The {component.flavor} flavor takes: {fields}." if fields else ""
    return (
        f"Its configuration: {_shown_config(component)}.{needs} Fix the credentials or "
        f"endpoint with `stackwise artifact-store update {component.name} --KEY=VALUE` (or "
        "the environment the store's library reads, e.g. AWS_* variables), then try "
        f"again; `stackwise stack verify` checks the stacks that use it."
    )


def _unreachable_message(
    record: ArtifactVersionRecord, artifact_store: BaseArtifactStore, error: BaseException
) -> str:
    reason = _scrub(f"{type(error).__name__}: {error}", artifact_store)
    return (
        f"Cannot read artifact '{record.name}' version {record.version} at {record.uri} "
        f"from {_describe(artifact_store)}: {reason}. {_needs(artifact_store)}"
    )


def _gone_message(record: ArtifactVersionRecord, artifact_store: BaseArtifactStore) -> str:
    message = f"{_label(record)} is gone: nothing at {record.uri} in {_describe(artifact_store)}."
    try:
        root_there = artifact_store.exists(artifact_store.path)
    except Exception:  # noqa: BLE001 - the same as not there, for this message
        root_there = False
    if not root_there and not artifact_store.is_local:
        return (
            f"{message} The store's root {artifact_store.path} is not there either: the "
            "bucket (or container) was deleted, or the store's endpoint or credentials "
            f"point somewhere else. {_needs(artifact_store)}"
        )
    return f"{message} It was deleted or the store moved; re-run the step that produced it."


def _unregistered_store_message(record: ArtifactVersionRecord) -> str:
    root = _store_root(record.uri)
    scheme = root.partition("://")[0] if "://" in root else ""
    flavor = _SCHEME_FLAVORS.get(scheme, scheme or "local")
    fields = _flavor_fields(flavor)
    needs = f" (the {flavor} flavor takes: {fields})" if fields else ""
    return (
        f"{_label(record)} was written to an artifact store that is no longer registered "
        f"(component id {record.artifact_store_id}; its files are at {record.uri}). "
        "Register an artifact store whose root holds them, with the credentials that can "
        f"read there{needs}, e.g. `stackwise artifact-store register NAME --flavor={flavor} "
        f"--path={root}`, then load again."
    )
