"""Loading an artifact version's value, by the materializer that saved it from the artifact
store it was written to; a failed load says whether the files are damaged (and marks the
version so its producer runs again) or the reader cannot read intact files.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from stackwise.artifact_stores.credential_masking import scrub
from stackwise.artifact_stores.resolution import (
    describe_store,
    fix_advice,
    resolve_artifact_store,
    version_label,
)
from stackwise.exceptions import (
    ArtifactCorruptedError,
    ArtifactLoadError,
    MaterializerError,
    StackwiseError,
)
from stackwise.materializers.integrity import Check, Level, Status, check_files, mark_corrupted
from stackwise.materializers.materializer_registry import import_materializer
from stackwise.materializers.staging import load_with

if TYPE_CHECKING:
    from stackwise.artifact_stores.base_artifact_store import BaseArtifactStore
    from stackwise.store.base import Store
    from stackwise.store.records import ArtifactVersionRecord


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
            f"{version_label(record)} was saved by {record.materializer}, which cannot be imported "
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
        f"{version_label(record)} is corrupted: its files at {record.uri} are not what its "
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
def _unreachable_message(
    record: ArtifactVersionRecord, artifact_store: BaseArtifactStore, error: BaseException
) -> str:
    reason = scrub(f"{type(error).__name__}: {error}", artifact_store)
    return (
        f"Cannot read artifact '{record.name}' version {record.version} at {record.uri} "
        f"from {describe_store(artifact_store)}: {reason}. {fix_advice(artifact_store)}"
    )


def _gone_message(record: ArtifactVersionRecord, artifact_store: BaseArtifactStore) -> str:
    message = (
        f"{version_label(record)} is gone: nothing at {record.uri} in "
        f"{describe_store(artifact_store)}."
    )
    try:
        root_there = artifact_store.exists(artifact_store.path)
    except Exception:  # noqa: BLE001 - the same as not there, for this message
        root_there = False
    if not root_there and not artifact_store.is_local:
        return (
            f"{message} The store's root {artifact_store.path} is not there either: the "
            "bucket (or container) was deleted, or the store's endpoint or credentials "
            f"point somewhere else. {fix_advice(artifact_store)}"
        )
    return f"{message} It was deleted or the store moved; re-run the step that produced it."
