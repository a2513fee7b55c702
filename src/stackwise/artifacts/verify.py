"""Checking stored artifact versions against the checksums recorded when they were saved
(`stackwise artifact verify`, `Client().verify_artifact_versions()`).

Each version's files are compared with its checksum in full (`Level.FULL` of
`stackwise.materializers.integrity`: every byte of files up to 16 MiB, 1 MiB of samples of
larger ones; sizes only on remote stores). A version found corrupted is marked, as a failed
load would mark it, so no cache hit uses it again and the step that produced it runs on the
next run; a mark is never removed here (a marked version stays `corrupted`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from stackwise.artifact_stores.resolution import resolve_artifact_store
from stackwise.exceptions import MaterializerError
from stackwise.materializers.integrity import Level, Status, check_files, mark_corrupted

if TYPE_CHECKING:
    from stackwise.artifact_stores.base_artifact_store import BaseArtifactStore
    from stackwise.store.base import Store
    from stackwise.store.records import ArtifactVersionRecord

UNREACHABLE = "unreachable"  # the version's artifact store could not be read
BROKEN = (str(Status.CORRUPTED), str(Status.MISSING), UNREACHABLE)


@dataclass(frozen=True)
class ArtifactVersionCheck:
    """One version's verdict: `status` is ok, corrupted, missing, unverified (no checksum was
    recorded: saved before checksums, or registered) or unreachable; `problems` says why."""

    artifact: str
    version: str
    id: str
    uri: str
    status: str
    problems: list[str] = field(default_factory=list)

    @property
    def broken(self) -> bool:
        return self.status in BROKEN


def verify_versions(
    store: Store,
    records: Iterable[ArtifactVersionRecord],
    preferred: BaseArtifactStore | None = None,
) -> list[ArtifactVersionCheck]:
    """Check each version's files against its checksum, marking the corrupted ones."""
    stores: dict[str | None, BaseArtifactStore | str] = {}
    checks = []
    for record in records:
        artifact_store = stores.get(record.artifact_store_id)
        if artifact_store is None:
            try:
                artifact_store = resolve_artifact_store(record, store, preferred)
            except MaterializerError as error:
                artifact_store = str(error)
            stores[record.artifact_store_id] = artifact_store
        if isinstance(artifact_store, str):
            checks.append(_result(record, UNREACHABLE, [artifact_store]))
            continue
        try:
            check = check_files(record, artifact_store, Level.FULL)
        except OSError as error:
            checks.append(_result(record, UNREACHABLE, [f"{type(error).__name__}: {error}"]))
            continue
        if check.status is Status.CORRUPTED:
            mark_corrupted(store, record, "; ".join(check.problems))
        problems = list(check.problems)
        if check.status is Status.MISSING:
            problems = [f"nothing at {record.uri}"]
        elif check.status is Status.UNVERIFIED:
            problems = ["no checksum was recorded (saved before checksums, or registered)"]
        checks.append(_result(record, str(check.status), problems))
    return checks


def _result(
    record: ArtifactVersionRecord, status: str, problems: list[str]
) -> ArtifactVersionCheck:
    return ArtifactVersionCheck(
        artifact=record.name,
        version=record.version,
        id=record.id,
        uri=record.uri,
        status=status,
        problems=problems,
    )


__all__ = ["ArtifactVersionCheck", "verify_versions"]
