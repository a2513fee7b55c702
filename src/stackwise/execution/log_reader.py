"""Reading captured logs back (`stackwise pipeline runs logs`): the chunk files of a capture
(step_logs.py) in order, from the artifact store it was written to whatever stack is active,
and following a running step's new chunks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from stackwise.exceptions import StackwiseError

if TYPE_CHECKING:
    from stackwise.artifact_stores.base_artifact_store import BaseArtifactStore
    from stackwise.models.logs import LogsResponse
    from stackwise.store.base import Store


def logs_artifact_store(logs: LogsResponse, store: Store) -> BaseArtifactStore:
    """The artifact store `logs` were written to, whatever stack is active; if that component
    was deleted, the active stack's store when its root holds them."""
    from stackwise.enums import StackComponentType
    from stackwise.stack.active_stack import active_stack
    from stackwise.stack.stack import build_component

    wanted = str(logs.artifact_store_id) if logs.artifact_store_id else None
    active: BaseArtifactStore = active_stack(store).component(  # type: ignore[assignment]
        StackComponentType.ARTIFACT_STORE
    )
    if wanted is None or active.id == wanted:
        return active
    component = store.get_components([wanted]).get(wanted)
    if component is not None:
        return build_component(component)  # type: ignore[return-value]
    if active.contains(logs.uri or ""):
        return active
    raise StackwiseError(
        f"The logs at {logs.uri} were written to artifact store {wanted}, which is no "
        "longer registered. Register an artifact store whose root holds them (`stackwise "
        "artifact-store register NAME --flavor=... --path=...`), then read them again."
    )


class LogReader:
    """Reads a capture's chunks in order; each `read_new()` returns only the text of chunks
    not read before (a running step's capture grows by whole chunks)."""

    def __init__(self, artifact_store: BaseArtifactStore, uri: str) -> None:
        self.artifact_store = artifact_store
        self.uri = uri
        self._read: set[str] = set()

    def read_new(self) -> str:
        store, uri = self.artifact_store, self.uri
        filesystem = getattr(store, "filesystem", None)  # fsspec caches listings
        if filesystem is not None:
            filesystem.invalidate_cache(uri)
        if not store.exists(uri):
            return ""
        if not store.isdir(uri):  # a single file (logs written before chunks)
            if uri in self._read:
                return ""
            self._read.add(uri)
            with store.open(uri, "r") as handle:
                return str(handle.read())
        names = sorted(n.rstrip("/").rsplit("/", 1)[-1] for n in store.listdir(uri))
        parts = []
        for name in names:
            if name in self._read or not name.endswith(".log"):
                continue
            with store.open(store.join(uri, name), "r") as handle:
                parts.append(str(handle.read()))
            self._read.add(name)
        return "".join(parts)


def read_logs(artifact_store: BaseArtifactStore, uri: str) -> str:
    """All the text a capture kept ('' when it kept nothing)."""
    return LogReader(artifact_store, uri).read_new()


def logs_text(logs: LogsResponse, store: Store) -> str:
    """All the text of one `log_collection` entry."""
    return read_logs(logs_artifact_store(logs, store), logs.uri or "")
