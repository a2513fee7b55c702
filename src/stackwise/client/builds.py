"""Client methods for pipeline builds (ZenML's): list, get, delete."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from stackwise.client.base import ClientBase, NoMatch, check_owner, empty_page, given, to_page
from stackwise.models.base import Page
from stackwise.models.pipeline_build import PipelineBuildResponse


class BuildsMixin(ClientBase):
    def list_builds(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 20,
        logical_operator: str = "and",
        id: Any = None,
        created: Any = None,
        updated: Any = None,
        project: Any = None,
        user: Any = None,
        pipeline_id: Any = None,
        stack_id: Any = None,
        container_registry_id: Any = None,
        is_local: bool | None = None,
        contains_code: bool | None = None,
        zenml_version: Any = None,
        python_version: Any = None,
        checksum: Any = None,
        stack_checksum: Any = None,
        duration: Any = None,
        hydrate: bool = False,
    ) -> Page[PipelineBuildResponse]:
        """Pipeline builds, oldest first by default; keywords filter with ZenML's syntax."""
        try:
            check_owner(user, project)
        except NoMatch:
            return empty_page(page, size)
        filters = given(
            id=id,
            created=created,
            updated=updated,
            pipeline_id=pipeline_id,
            stack_id=stack_id,
            container_registry_id=container_registry_id,
            is_local=is_local,
            contains_code=contains_code,
            zenml_version=zenml_version,
            python_version=python_version,
            checksum=checksum,
            stack_checksum=stack_checksum,
            duration=duration,
        )
        records = self.store.list_builds(
            filters=filters,
            sort_by=sort_by,
            logical_operator=str(logical_operator),
            index=page,
            size=size,
        )
        return to_page(records, lambda r: PipelineBuildResponse.from_record(r, self.store))

    def get_build(
        self, id_or_prefix: str | UUID, project: Any = None, hydrate: bool = True
    ) -> PipelineBuildResponse:
        """A build by id or unique id prefix."""
        return PipelineBuildResponse.from_record(
            self.store.get_build(str(id_or_prefix)), self.store
        )

    def delete_build(self, id_or_prefix: str, project: Any = None) -> None:
        """Delete a build's record (its images stay in their registry)."""
        self.store.delete_build(self.store.get_build(str(id_or_prefix)).id)
