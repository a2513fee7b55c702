"""Client methods for artifacts and artifact versions: read, list, rename, tag, delete, verify and
prune."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from stackwise.client.base import (
    ClientBase,
    NoMatch,
    check_owner,
    check_project,
    empty_page,
    given,
    metadata_ids,
    model_version_ids,
    to_page,
)
from stackwise.models.artifact import ArtifactResponse
from stackwise.models.artifact_version import ArtifactVersionResponse
from stackwise.models.base import Page
from stackwise.store.filters import parse_list

if TYPE_CHECKING:
    from stackwise.artifacts.verify import ArtifactVersionCheck


class ArtifactsMixin(ClientBase):
    def get_artifact(
        self,
        name_id_or_prefix: str | UUID,
        project: str | UUID | None = None,
        hydrate: bool = False,
    ) -> ArtifactResponse:
        check_project(project)
        return ArtifactResponse.from_record(
            self.store.get_artifact(str(name_id_or_prefix)), self.store
        )

    def list_artifacts(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 20,
        logical_operator: str = "and",
        id: Any = None,
        created: Any = None,
        updated: Any = None,
        name: Any = None,
        has_custom_name: Any = None,
        user: Any = None,
        project: Any = None,
        hydrate: bool = False,
        tags: Any = None,
    ) -> Page[ArtifactResponse]:
        try:
            check_owner(user, project)
        except NoMatch:
            return empty_page(page, size)
        records = self.store.list_artifacts(
            filters=given(
                id=id, created=created, updated=updated, name=name, has_custom_name=has_custom_name
            ),
            sort_by=sort_by,
            logical_operator=str(logical_operator),
            index=page,
            size=size,
            tags=_tag_names(tags),
        )
        return to_page(records, lambda r: ArtifactResponse.from_record(r, self.store))

    def update_artifact(
        self,
        name_id_or_prefix: str | UUID,
        new_name: str | None = None,
        add_tags: list[str] | None = None,
        remove_tags: list[str] | None = None,
        has_custom_name: bool | None = None,
        project: str | UUID | None = None,
    ) -> ArtifactResponse:
        check_project(project)
        record = self.store.get_artifact(str(name_id_or_prefix))
        if has_custom_name is not None:
            self.store.set_artifact_custom_name(record.id, bool(has_custom_name))
        if new_name is not None:
            record = self.store.update_artifact(record.id, name=new_name)
        if add_tags:
            self.store.attach_tags("artifact", [record.id], add_tags)
        if remove_tags:
            self.store.detach_tags("artifact", [record.id], remove_tags)
        return self.get_artifact(record.id)

    def delete_artifact(
        self, name_id_or_prefix: str | UUID, project: str | UUID | None = None
    ) -> None:
        """Delete an artifact with all its versions (their files stay in the artifact store:
        `prune_artifacts(delete_from_artifact_store=True)` removes files no version uses)."""
        check_project(project)
        self.store.delete_artifact(self.store.get_artifact(str(name_id_or_prefix)).id)

    # -- versions ------------------------------------------------------------------------
    def get_artifact_version(
        self,
        name_id_or_prefix: str | UUID,
        version: str | int | None = None,
        project: str | UUID | None = None,
        hydrate: bool = True,
    ) -> ArtifactVersionResponse:
        """By id (or unique id prefix), or by artifact name and version (the newest when
        `version` is None)."""
        check_project(project)
        record = self.store.get_artifact_version(
            str(name_id_or_prefix), None if version is None else str(version)
        )
        return ArtifactVersionResponse.from_record(record, self.store)

    def list_artifact_versions(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 20,
        logical_operator: str = "and",
        id: Any = None,
        created: Any = None,
        updated: Any = None,
        artifact: Any = None,
        name: Any = None,
        version: Any = None,
        version_number: Any = None,
        artifact_store_id: Any = None,
        type: Any = None,
        data_type: Any = None,
        uri: Any = None,
        materializer: Any = None,
        project: Any = None,
        model_version_id: Any = None,
        only_unused: bool | None = False,
        has_custom_name: Any = None,
        user: Any = None,
        model: Any = None,
        pipeline_run: Any = None,
        run_metadata: dict[str, Any] | None = None,
        tags: Any = None,
        hydrate: bool = False,
    ) -> Page[ArtifactVersionResponse]:
        """Versions, oldest first by default. `artifact` / `name` match the artifact's name
        (`artifact` also takes an id or an ArtifactResponse)."""
        try:
            check_owner(user, project)
            filters = given(
                id=id,
                created=created,
                updated=updated,
                name=name,
                version=version,
                version_number=version_number,
                artifact_store_id=artifact_store_id,
                type=type,
                uri=uri,
                has_custom_name=has_custom_name,
                data_type=_source_filter(data_type),
                materializer=_source_filter(materializer),
            )
            if artifact is not None:
                filters["artifact_id"] = self.store.get_artifact(
                    str(getattr(artifact, "id", artifact))
                ).id
            run_id = None
            if pipeline_run is not None:
                run_id = self.store.get_run(str(getattr(pipeline_run, "id", pipeline_run))).id
            if run_metadata:
                filters["id"] = "oneof:" + repr(
                    metadata_ids(self.store, "artifact_version", run_metadata)
                )
            if model_version_id is not None or model is not None:
                versions = model_version_ids(self.store, model_version_id, model)
                links = self.store.list_model_version_artifact_links(
                    filters={"model_version_id": "oneof:" + repr(versions)}, size=1_000_000
                )
                linked = sorted({link.target_id for link in links.items})
                if "id" in filters:
                    wanted = set(parse_list(filters["id"][len("oneof:") :], "id"))
                    linked = [i for i in linked if i in wanted]
                if not linked:
                    raise NoMatch
                filters["id"] = "oneof:" + repr(linked)
        except NoMatch:
            return empty_page(page, size)
        records = self.store.list_artifact_versions(
            filters=filters,
            sort_by=sort_by,
            logical_operator=str(logical_operator),
            index=page,
            size=size,
            tags=_tag_names(tags),
            pipeline_run_id=run_id,
            only_unused=bool(only_unused),
        )
        return to_page(records, lambda r: ArtifactVersionResponse.from_record(r, self.store))

    def update_artifact_version(
        self,
        name_id_or_prefix: str | UUID,
        version: str | None = None,
        add_tags: list[str] | None = None,
        remove_tags: list[str] | None = None,
        project: str | UUID | None = None,
    ) -> ArtifactVersionResponse:
        record = self.get_artifact_version(name_id_or_prefix, version, project)
        if add_tags:
            self.store.attach_tags("artifact_version", [str(record.id)], add_tags)
        if remove_tags:
            self.store.detach_tags("artifact_version", [str(record.id)], remove_tags)
        return self.get_artifact_version(record.id)

    def delete_artifact_version(
        self,
        name_id_or_prefix: str | UUID,
        version: str | None = None,
        delete_metadata: bool = True,
        delete_from_artifact_store: bool = False,
        project: str | UUID | None = None,
        server_side: bool = False,
    ) -> None:
        """Delete one version. Step runs no longer point at it; a cached step that produced
        it runs again next time. `delete_from_artifact_store=True` removes its files too."""
        from stackwise.exceptions import ConfigError

        if not delete_metadata:
            raise ConfigError(
                "A deleted artifact version keeps no metadata in stackwise; "
                "delete_metadata=False is not supported."
            )
        target = self.get_artifact_version(name_id_or_prefix, version, project)
        users = self.store.list_step_runs_page(
            filters={"id": "oneof:" + repr(self.store.step_runs_using(str(target.id)))}, size=5
        )
        if users.total:
            from stackwise.exceptions import EntityInUseError

            runs = sorted({r.run_id for r in users.items})
            raise EntityInUseError(
                f"Artifact version {target.name}:{target.version} is an input or output of "
                f"{users.total} step run(s) (of run(s) {', '.join(runs)}); delete those runs "
                "first, or delete the whole artifact with delete_artifact."
            )
        if delete_from_artifact_store:
            _remove_files(self.store, target)
        self.store.delete_artifact_version(str(target.id))

    def scan_orphaned_artifacts(
        self, artifact_store: str | UUID | None = None, min_age: float = 3600
    ) -> tuple[Any, Any]:
        """(the artifact store, the scan of its folders no artifact version references):
        outputs of steps that died mid-save (see stackwise.artifacts.prune). `artifact_store`
        names a registered one; default: the active stack's. Folders younger than `min_age`
        seconds are left out: a running step registers its outputs only when it ends."""
        from stackwise.artifacts.prune import find_orphans

        if artifact_store is None:
            target = self.active_stack.artifact_store  # type: ignore[attr-defined]
        else:
            from stackwise.enums import StackComponentType
            from stackwise.stack.stack import build_component

            target = build_component(
                self.store.get_component(StackComponentType.ARTIFACT_STORE, str(artifact_store))
            )
        return target, find_orphans(self.store, target, min_age=min_age)

    def delete_orphaned_artifacts(self, artifact_store: Any, orphans: list[Any]) -> list[Any]:
        """Remove orphaned folders found by `scan_orphaned_artifacts` (each re-checked first:
        one registered meanwhile stays); returns those removed."""
        from stackwise.artifacts.prune import delete_orphans

        return delete_orphans(self.store, artifact_store, orphans)

    def verify_artifact_versions(
        self,
        name_id_or_prefix: str | UUID | None = None,
    ) -> list[ArtifactVersionCheck]:
        """stackwise only: check the stored versions of every artifact (or of one) against
        the checksums recorded when they were saved; one `ArtifactVersionCheck` per version,
        oldest first (`.status`: ok, corrupted, missing, unverified or unreachable;
        `.problems`; `.broken`). Corrupted versions are marked: no cache hit uses them again,
        so the steps that produced them run on the next run."""
        from stackwise.artifacts.verify import verify_versions

        filters = None
        if name_id_or_prefix is not None:
            filters = {"artifact_id": self.store.get_artifact(str(name_id_or_prefix)).id}

        def records() -> Any:
            index = 1
            while True:
                page = self.store.list_artifact_versions(
                    filters=filters, sort_by="created", index=index, size=500
                )
                yield from page.items
                if index >= page.total_pages:
                    return
                index += 1

        return verify_versions(self.store, records())

    def prune_artifacts(
        self,
        only_versions: bool = True,
        delete_from_artifact_store: bool = False,
        project: str | UUID | None = None,
    ) -> None:
        """Delete every artifact version no step run reads or writes (saved by hand and never
        used); with `only_versions=False`, also the artifacts left without versions; with
        `delete_from_artifact_store=True`, their files too."""
        check_project(project)
        while True:
            unused = self.store.list_artifact_versions(only_unused=True, size=500)
            if not unused.items:
                break
            for record in unused.items:
                if delete_from_artifact_store:
                    _remove_files(
                        self.store, ArtifactVersionResponse.from_record(record, self.store)
                    )
                self.store.delete_artifact_version(record.id)
        if not only_versions:
            for artifact in self.store.list_artifacts(size=1_000_000).items:
                if not self.store.list_artifact_versions(
                    filters={"artifact_id": artifact.id}, size=1
                ).total:
                    self.store.delete_artifact(artifact.id)


def _remove_files(store: Any, version: ArtifactVersionResponse) -> None:
    from stackwise.artifact_stores.resolution import resolve_artifact_store

    artifact_store = resolve_artifact_store(version.record, store)
    if artifact_store.exists(version.uri):
        if artifact_store.isdir(version.uri):
            artifact_store.rmtree(version.uri)
        else:
            artifact_store.remove(version.uri)


def _source_filter(value: Any) -> Any:
    """A Source, a class or an import path -> the `module:qualname` stackwise records."""
    if value is None:
        return None
    if isinstance(value, type):
        return f"{value.__module__}:{value.__qualname__}"
    module = getattr(value, "module", None)
    if module is not None:
        return f"{module}:{value.attribute}"
    text = str(value)
    if ":" not in text and "." in text and text.split(":")[0] not in ("contains", "startswith"):
        module, _, attribute = text.rpartition(".")
        return f"{module}:{attribute}"
    return text


def _tag_names(tags: Any) -> list[str] | None:
    if tags is None:
        return None
    if isinstance(tags, str):
        return [tags]
    return [str(getattr(t, "name", t)) for t in tags]


__all__ = ["ArtifactsMixin"]
