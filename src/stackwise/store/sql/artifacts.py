"""Artifacts and their versions: numbered per name, registered in the step's write."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    Connection,
    bindparam,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from stackwise.exceptions import EntityExistsError, not_found
from stackwise.store.filters import Column, FilterSpec
from stackwise.store.records import (
    ArtifactRecord,
    ArtifactVersionRecord,
    NewArtifactVersion,
    Page,
)
from stackwise.store.sql import schema as t
from stackwise.store.sql.metadata import MetadataQueries
from stackwise.store.sql.rows import _artifact, _version, _version_columns
from stackwise.store.sql.tags import as_spec
from stackwise.utils.ids import new_id, utcnow

_INSERT_ARTIFACT = insert(t.artifacts)
_INSERT_VERSION = insert(t.artifact_versions)
_ARTIFACT_ID_BY_NAME = select(t.artifacts.c.id).where(t.artifacts.c.name == bindparam("name"))
_MAX_VERSION = select(func.max(t.artifact_versions.c.version_number)).where(
    t.artifact_versions.c.artifact_id == bindparam("artifact_id")
)
_VERSION_EXISTS = select(t.artifact_versions.c.id).where(
    t.artifact_versions.c.artifact_id == bindparam("artifact_id"),
    t.artifact_versions.c.version == bindparam("version"),
)


class ArtifactQueries(MetadataQueries):
    # -- artifacts -----------------------------------------------------------------------
    def create_artifact_version(
        self, new: NewArtifactVersion, producer_step_run_id: str | None = None
    ) -> ArtifactVersionRecord:
        with self._write() as conn:
            return self._insert_version(conn, new, producer_step_run_id)

    def _artifact_id(
        self, conn: Connection, name: str, has_custom_name: bool = True
    ) -> tuple[str, bool]:
        """The artifact's id, and whether this transaction just created it."""
        cached = self._artifact_ids.get(name)
        if cached is not None:
            return cached, False
        artifact_id = conn.execute(_ARTIFACT_ID_BY_NAME, {"name": name}).scalar()
        if artifact_id is None:
            artifact_id = new_id()
            now = utcnow()
            conn.execute(
                _INSERT_ARTIFACT,
                {
                    "id": artifact_id,
                    "name": name,
                    "created": now,
                    "updated": now,
                    "has_custom_name": has_custom_name,
                },
            )
            return artifact_id, True  # cached once seen committed: a rollback would undo it
        self._artifact_ids[name] = artifact_id
        return artifact_id, False

    def _insert_version(
        self, conn: Connection, new: NewArtifactVersion, producer_step_run_id: str | None
    ) -> ArtifactVersionRecord:
        artifact_id, created = self._artifact_id(conn, new.name, new.has_custom_name)
        number = None
        version = new.version
        if version is None:
            top = (
                None
                if created
                else conn.execute(_MAX_VERSION, {"artifact_id": artifact_id}).scalar()
            )
            number = (top or 0) + 1
            version = str(number)
        else:
            taken = conn.execute(
                _VERSION_EXISTS, {"artifact_id": artifact_id, "version": str(version)}
            ).first()
            if taken is not None:
                raise EntityExistsError(
                    f"Artifact '{new.name}' already has a version '{version}'. Give another "
                    "version=, or leave it out to get the next number."
                )
            if str(version).isdigit():
                number = int(version)
        record = ArtifactVersionRecord(
            id=new.id,
            artifact_id=artifact_id,
            name=new.name,
            version=str(version),
            version_number=number,
            uri=new.uri,
            materializer=new.materializer,
            data_type=new.data_type,
            artifact_type=new.artifact_type,
            content_hash=new.content_hash,
            artifact_store_id=new.artifact_store_id,
            save_type=new.save_type,
            created=utcnow(),
            producer_step_run_id=producer_step_run_id,
            format=new.format,
            visualizations=list(new.visualizations),
            item_count=new.item_count,
            checksum=new.checksum,
        )
        conn.execute(_INSERT_VERSION, {k: v for k, v in record.__dict__.items() if k != "name"})
        if new.tags:
            self._attach(conn, "artifact_version", [record.id], [as_spec(t) for t in new.tags])
        if new.metadata:
            self._insert_metadata(conn, "artifact_version", record.id, new.metadata)
        return record

    def get_artifact(self, name_or_id: str, *, allow_name_prefix: bool = False) -> ArtifactRecord:
        with self._read() as conn:
            row = self._find(
                conn,
                select(t.artifacts),
                _a.id,
                _a.name,
                name_or_id,
                "artifact",
                allow_name_prefix=allow_name_prefix,
            )
        return _artifact(row)

    def list_artifacts(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
        tags: list[str] | None = None,
    ) -> Page[ArtifactRecord]:
        query = select(t.artifacts)
        if tags:
            query = query.where(_a.id.in_(self.tagged_ids("artifact", tags)))
        return self._list(
            query,
            ARTIFACT_FILTERS,
            _artifact,
            filters=filters,
            sort_by=sort_by,
            logical_operator=logical_operator,
            index=index,
            size=size,
            tiebreak=_a.id,
        )

    def update_artifact(self, artifact_id: str, *, name: str | None = None) -> ArtifactRecord:
        values: dict[str, Any] = {"updated": utcnow()}
        if name is not None:
            values["name"] = name
        try:
            with self._write() as conn:
                conn.execute(update(t.artifacts).where(_a.id == artifact_id).values(**values))
        except IntegrityError as error:
            raise EntityExistsError(f"An artifact named '{name}' already exists.") from error
        self._artifact_ids.clear()
        return self.get_artifact(artifact_id)

    def set_artifact_custom_name(self, artifact_id: str, has_custom_name: bool) -> None:
        with self._write() as conn:
            conn.execute(
                update(t.artifacts)
                .where(_a.id == artifact_id)
                .values(has_custom_name=has_custom_name, updated=utcnow())
            )

    def delete_artifact(self, artifact_id: str) -> None:
        """Delete an artifact and all its versions (their files stay: see prune)."""
        with self._write() as conn:
            version_ids = [
                r for (r,) in conn.execute(select(_v.id).where(_v.artifact_id == artifact_id))
            ]
            self._delete_versions(conn, version_ids)
            self._drop_tag_links(conn, "artifact", [artifact_id])
            conn.execute(delete(t.artifacts).where(_a.id == artifact_id))
        self._artifact_ids.clear()

    def delete_artifact_version(self, version_id: str) -> None:
        """Delete one version: its links to step runs, metadata and tags go with it, so no
        step run points at it any more (a cached step that produced it runs again)."""
        with self._write() as conn:
            self._delete_versions(conn, [version_id])

    def _delete_versions(self, conn: Connection, version_ids: list[str]) -> None:
        if not version_ids:
            return
        io = t.step_run_io.c
        conn.execute(delete(t.step_run_io).where(io.artifact_version_id.in_(version_ids)))
        conn.execute(
            delete(t.model_version_artifacts).where(
                t.model_version_artifacts.c.artifact_version_id.in_(version_ids)
            )
        )
        conn.execute(
            delete(t.run_metadata).where(
                t.run_metadata.c.resource_type == "artifact_version",
                t.run_metadata.c.resource_id.in_(version_ids),
            )
        )
        self._drop_tag_links(conn, "artifact_version", version_ids)
        conn.execute(delete(t.artifact_versions).where(_v.id.in_(version_ids)))

    def _version_query(self) -> Any:
        return (
            select(*_version_columns())
            .select_from(t.artifact_versions)
            .join(t.artifacts, t.artifacts.c.id == t.artifact_versions.c.artifact_id)
        )

    def get_artifact_version(
        self, name_or_id: str, version: str | int | None = None
    ) -> ArtifactVersionRecord:
        """By id (or unique id prefix), or by artifact name and version (the newest when
        `version` is None)."""
        query = self._version_query()
        with self._read() as conn:
            if version is None:
                named = conn.execute(
                    query.where(_a.name == str(name_or_id)).order_by(_v.created.desc()).limit(1)
                ).first()
                if named is not None:
                    return _version(named, prefix="v_")
                row = self._find(
                    conn, query, _v.id, None, name_or_id, "artifact", hint_column=_a.name
                )
                return _version(row, prefix="v_")
            artifact = self._find(conn, select(t.artifacts), _a.id, _a.name, name_or_id, "artifact")
            row = conn.execute(
                query.where(_v.artifact_id == artifact.id, _v.version == str(version))
            ).first()
            if row is None:
                versions = conn.execute(
                    select(_v.version).where(_v.artifact_id == artifact.id)
                ).scalars()
                raise not_found(f"version of artifact '{artifact.name}'", str(version), versions)
        return _version(row, prefix="v_")

    def get_artifact_versions(self, ids: Iterable[str]) -> dict[str, ArtifactVersionRecord]:
        ids = list({str(i) for i in ids})
        if not ids:
            return {}
        query = self._version_query().where(t.artifact_versions.c.id.in_(ids))
        with self._read() as conn:
            return {r.v_id: _version(r, prefix="v_") for r in conn.execute(query)}

    def list_artifact_versions(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
        tags: list[str] | None = None,
        pipeline_run_id: str | None = None,
        only_unused: bool = False,
    ) -> Page[ArtifactVersionRecord]:
        query = self._version_query()
        io = t.step_run_io.c
        if tags:
            query = query.where(_v.id.in_(self.tagged_ids("artifact_version", tags)))
        if pipeline_run_id is not None:
            in_run = (
                select(io.artifact_version_id)
                .join(t.step_runs, t.step_runs.c.id == io.step_run_id)
                .where(t.step_runs.c.run_id == str(pipeline_run_id))
            )
            query = query.where(_v.id.in_(in_run))
        if only_unused:
            query = query.where(~_v.id.in_(select(io.artifact_version_id)))
        return self._list(
            query,
            VERSION_FILTERS,
            lambda r: _version(r, prefix="v_"),
            filters=filters,
            sort_by=sort_by,
            logical_operator=logical_operator,
            index=index,
            size=size,
            tiebreak=_v.id,
        )

    def update_artifact_version(
        self, version_id: str, *, item_count: int | None = None
    ) -> ArtifactVersionRecord:
        if item_count is not None:
            with self._write() as conn:
                conn.execute(
                    update(t.artifact_versions)
                    .where(_v.id == version_id)
                    .values(item_count=item_count)
                )
        return self.get_artifact_version(version_id)

    def mark_artifact_version_corrupted(self, version_id: str, reason: str | None) -> None:
        """Record that a version's files were found broken (`reason`; None clears the mark).
        A marked version is never used as a cache hit again."""
        value = (
            None
            if reason is None
            else {"reason": reason, "found": utcnow().isoformat(timespec="seconds")}
        )
        with self._write() as conn:
            conn.execute(
                update(t.artifact_versions).where(_v.id == str(version_id)).values(corrupted=value)
            )


_a = t.artifacts.c
_v = t.artifact_versions.c
ARTIFACT_FILTERS = FilterSpec(
    "Artifacts",
    {
        "id": Column(_a.id),
        "name": Column(_a.name),
        "created": Column(_a.created, "date"),
        "updated": Column(func.coalesce(_a.updated, _a.created), "date"),
        "has_custom_name": Column(_a.has_custom_name, "bool"),
    },
)
VERSION_FILTERS = FilterSpec(
    "Artifact versions",
    {
        "id": Column(_v.id),
        "name": Column(_a.name),
        "artifact": Column(_a.name),
        "artifact_id": Column(_v.artifact_id),
        "version": Column(_v.version),
        "version_number": Column(_v.version_number, "int"),
        "uri": Column(_v.uri),
        "materializer": Column(_v.materializer),
        "data_type": Column(_v.data_type),
        "type": Column(_v.artifact_type),
        "artifact_store_id": Column(_v.artifact_store_id),
        "created": Column(_v.created, "date"),
        "updated": Column(_v.created, "date"),
        "save_type": Column(_v.save_type),
        "content_hash": Column(_v.content_hash),
        "has_custom_name": Column(_a.has_custom_name, "bool"),
        "producer_step_run_id": Column(_v.producer_step_run_id),
    },
)
