"""Client methods for pipelines, pipeline runs and step runs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from stackwise.client.base import (
    ClientBase,
    NoMatch,
    check_owner,
    check_project,
    empty_page,
    given,
    linked_run_ids,
    metadata_ids,
    model_version_ids,
    never_set,
    to_page,
)
from stackwise.exceptions import ConfigError, IllegalOperationError
from stackwise.models.base import Page
from stackwise.models.pipeline import PipelineResponse
from stackwise.models.pipeline_run import PipelineRunResponse
from stackwise.models.step_run import StepRunResponse
from stackwise.store.filters import parse_list

if TYPE_CHECKING:
    from stackwise.pipelines.pipeline import Pipeline
    from stackwise.pipelines.plan import PipelinePlan
    from stackwise.store.base import Store
    from stackwise.store.records import RunRecord


def settle_runs(store: Store, runs: Sequence[RunRecord | None]) -> list[RunRecord]:
    """The runs as they really are: a `running` run whose orchestrator process died is marked
    failed (stackwise.execution.liveness, imported only when a run is running)."""
    found = [r for r in runs if r is not None]
    if not any(r.status == "running" for r in found):
        return found
    from stackwise.execution.liveness import check_runs

    return check_runs(store, found)


class RunsMixin(ClientBase):
    # -- pipelines -----------------------------------------------------------------------
    def get_pipeline(
        self, name_id_or_prefix: str | UUID, project: str | UUID | None = None, hydrate: bool = True
    ) -> PipelineResponse:
        check_project(project)
        record = self.store.get_pipeline(str(name_id_or_prefix))
        settle_runs(self.store, [self.store.last_run(record.id)])  # `.last_run` never lies
        return PipelineResponse.from_record(record, self.store)

    def list_pipelines(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 20,
        logical_operator: str = "and",
        id: Any = None,
        created: Any = None,
        updated: Any = None,
        name: str | None = None,
        latest_run_status: Any = None,
        latest_run_user: Any = None,
        project: Any = None,
        user: Any = None,
        tags: Any = None,
        hydrate: bool = False,
    ) -> Page[PipelineResponse]:
        try:
            check_owner(user, project)
            check_owner(latest_run_user)
        except NoMatch:
            return empty_page(page, size)
        records = self.store.list_pipelines(
            filters=given(
                id=id,
                created=created,
                updated=updated,
                name=name,
                latest_run_status=latest_run_status,
            ),
            sort_by=sort_by,
            logical_operator=str(logical_operator),
            index=page,
            size=size,
            tags=_names(tags),
        )
        return to_page(records, lambda r: PipelineResponse.from_record(r, self.store))

    def delete_pipeline(
        self, name_id_or_prefix: str | UUID, project: str | UUID | None = None
    ) -> None:
        """Delete a pipeline and all its runs; the artifact versions they made stay."""
        check_project(project)
        self.store.delete_pipeline(self.store.get_pipeline(str(name_id_or_prefix)).id)

    # -- runs ----------------------------------------------------------------------------
    def get_pipeline_run(
        self,
        name_id_or_prefix: str | UUID,
        allow_name_prefix_match: bool = True,
        project: str | UUID | None = None,
        hydrate: bool = True,
        include_full_metadata: bool = False,
    ) -> PipelineRunResponse:
        check_project(project)
        record = self.store.get_run(
            str(name_id_or_prefix), allow_name_prefix=allow_name_prefix_match
        )
        run = settle_runs(self.store, [record])[0]
        return PipelineRunResponse.from_record(run, self.store)

    def list_pipeline_runs(
        self,
        sort_by: str = "desc:created",
        page: int = 1,
        size: int = 20,
        logical_operator: str = "and",
        id: Any = None,
        created: Any = None,
        updated: Any = None,
        name: Any = None,
        project: Any = None,
        pipeline_id: Any = None,
        pipeline_name: Any = None,
        stack_id: Any = None,
        schedule_id: Any = None,
        build_id: Any = None,
        snapshot_id: Any = None,
        code_repository_id: Any = None,
        template_id: Any = None,
        source_snapshot_id: Any = None,
        model_version_id: Any = None,
        linked_to_model_version_id: Any = None,
        orchestrator_run_id: Any = None,
        status: Any = None,
        index: Any = None,
        start_time: Any = None,
        end_time: Any = None,
        templatable: Any = None,
        tags: Any = None,
        user: Any = None,
        run_metadata: dict[str, Any] | None = None,
        pipeline: Any = None,
        code_repository: Any = None,
        model: Any = None,
        stack: Any = None,
        stack_component: Any = None,
        in_progress: bool | None = None,
        hydrate: bool = False,
        include_full_metadata: bool = False,
        triggered_by_step_run_id: Any = None,
        triggered_by_deployment_id: Any = None,
        trigger_id: Any = None,
        parent_run_id: Any = None,
        root_runs_only: bool | None = None,
    ) -> Page[PipelineRunResponse]:
        """Runs, newest first by default; keywords filter with ZenML's syntax
        (`name="contains:nightly"`, `created="gte:2026-01-01"`, `status="oneof:[...]"`)."""
        try:
            check_owner(user, project)
            never_set(
                build_id=build_id,
                snapshot_id=snapshot_id,
                code_repository_id=code_repository_id,
                template_id=template_id,
                source_snapshot_id=source_snapshot_id,
                code_repository=code_repository,
                triggered_by_step_run_id=triggered_by_step_run_id,
                triggered_by_deployment_id=triggered_by_deployment_id,
                trigger_id=trigger_id,
                parent_run_id=parent_run_id,
            )
            if templatable:
                raise NoMatch
            filters = given(
                id=id,
                created=created,
                updated=updated,
                name=name,
                pipeline_id=pipeline_id,
                pipeline_name=pipeline_name,
                stack_id=stack_id,
                orchestrator_run_id=orchestrator_run_id,
                schedule_id=schedule_id,
                status=status,
                start_time=start_time,
                end_time=end_time,
                index=index,
            )
            if pipeline is not None:
                filters["pipeline_id"] = self.store.get_pipeline(_ref(pipeline)).id
            if stack is not None:
                filters["stack_id"] = self.store.get_stack(_ref(stack)).id
            if stack_component is not None:
                holders = self.store.list_stacks_page(
                    component_id=self.store.get_component(None, _ref(stack_component)).id,
                    size=10_000,
                ).items
                filters["stack_id"] = "oneof:" + repr([s.id for s in holders])
            if run_metadata:
                ids = metadata_ids(self.store, "pipeline_run", run_metadata)
                filters["id"] = "oneof:" + repr(ids)
            run_ids = self._runs_of_model_versions(
                model_version_id, linked_to_model_version_id, model
            )
            if run_ids is not None:
                if "id" in filters:
                    kept = set(run_ids) & set(parse_list(filters["id"][len("oneof:") :], "id"))
                    run_ids = sorted(kept)
                filters["id"] = "oneof:" + repr(run_ids)
        except NoMatch:
            return empty_page(page, size)
        records = self.store.list_runs(
            filters=filters,
            sort_by=sort_by,
            logical_operator=str(logical_operator),
            index=page,
            size=size,
            tags=_names(tags),
            in_progress=in_progress,
        )
        runs = settle_runs(self.store, records.items)
        records = type(records)(
            items=runs, total=records.total, index=records.index, size=records.size
        )
        return to_page(records, lambda r: PipelineRunResponse.from_record(r, self.store))

    def _runs_of_model_versions(
        self, model_version_id: Any, linked_to_model_version_id: Any, model: Any
    ) -> list[str] | None:
        """Run ids for the model filters: `model_version_id` (the run's own, its pipeline's
        model), `linked_to_model_version_id` (any the run used), `model` (any version of that
        model); None when none is given."""
        if model_version_id is None and linked_to_model_version_id is None and model is None:
            return None
        found: set[str] | None = None
        if model_version_id is not None:
            versions = model_version_ids(self.store, model_version_id)
            linked = linked_run_ids(self.store, versions)
            runs = self.store.list_runs(filters={"id": "oneof:" + repr(linked)}, size=1_000_000)
            found = {r.id for r in runs.items if r.config.get("model_version_id") in versions}
        for by_link in (
            model_version_ids(self.store, linked_to_model_version_id)
            if linked_to_model_version_id is not None
            else None,
            model_version_ids(self.store, model=model) if model is not None else None,
        ):
            if by_link is not None:
                ids = set(linked_run_ids(self.store, by_link))
                found = ids if found is None else found & ids
        if not found:
            raise NoMatch
        return sorted(found)

    def delete_pipeline_run(
        self, name_id_or_prefix: str | UUID, project: str | UUID | None = None
    ) -> None:
        """Delete a run and its step runs; the artifact versions they made stay."""
        check_project(project)
        run = self.store.get_run(str(name_id_or_prefix))
        if run.status == "running" and settle_runs(self.store, [run])[0].status == "running":
            raise IllegalOperationError(
                f"Run '{run.name}' is still running; wait for it to finish before deleting it."
            )
        self.store.delete_run(run.id)

    def resume_run(self, run_name_or_id: str | UUID) -> PipelineRunResponse:
        """Resume a failed run on the active stack: a new run that reuses every step that
        succeeded and runs the rest (see stackwise.pipelines.resume)."""
        from stackwise.pipelines.resume import resume_run
        from stackwise.stack.active_stack import active_stack

        return resume_run(self.store, str(run_name_or_id), active_stack(self.store))

    def replay_pipeline_run(
        self,
        name_id_or_prefix: str | UUID,
        run_configuration: Any = None,
        config_path: str | None = None,
        project: str | UUID | None = None,
        synchronous: bool = False,
    ) -> PipelineRunResponse:
        """Run a finished run's pipeline again with the same parameters and configuration:
        a new run on the active stack (successful steps are reused through the cache)."""
        from stackwise.pipelines.resume import replay_run
        from stackwise.stack.active_stack import active_stack

        check_project(project)
        if run_configuration is not None or config_path is not None:
            raise ConfigError(
                "replay_pipeline_run reuses the recorded configuration; "
                "run_configuration= and config_path= are not supported. Run the "
                "pipeline with with_options(config_path=...) instead."
            )
        return replay_run(self.store, str(name_id_or_prefix), active_stack(self.store))

    def plan(self, pipeline: Pipeline, *args: Any, **kwargs: Any) -> PipelinePlan:
        """Which steps `pipeline(*args, **kwargs)` would run on the active stack, and why;
        runs and records nothing (see stackwise.pipelines.plan)."""
        from stackwise.pipelines.plan import plan_compiled
        from stackwise.stack.active_stack import active_stack

        compiled = pipeline.compile(*args, **kwargs)
        return plan_compiled(compiled, self.store, active_stack(self.store))

    # -- step runs -----------------------------------------------------------------------
    def get_run_step(self, step_run_id: str | UUID, hydrate: bool = True) -> StepRunResponse:
        return StepRunResponse.from_record(self.store.get_step_run(str(step_run_id)), self.store)

    def list_run_steps(
        self,
        sort_by: str = "created",
        page: int = 1,
        size: int = 20,
        logical_operator: str = "and",
        id: Any = None,
        created: Any = None,
        updated: Any = None,
        name: Any = None,
        cache_key: Any = None,
        cache_expires_at: Any = None,
        cache_expired: bool | None = None,
        code_hash: Any = None,
        status: Any = None,
        start_time: Any = None,
        end_time: Any = None,
        pipeline_run_id: Any = None,
        snapshot_id: Any = None,
        original_step_run_id: Any = None,
        project: Any = None,
        user: Any = None,
        model_version_id: Any = None,
        model: Any = None,
        run_metadata: dict[str, Any] | None = None,
        exclude_retried: bool | None = None,
        version: Any = None,
        hydrate: bool = False,
    ) -> Page[StepRunResponse]:
        try:
            check_owner(user, project)
            never_set(cache_expires_at=cache_expires_at)
            if cache_expired:
                raise NoMatch  # cached outputs never expire in stackwise
            filters = given(
                id=id,
                created=created,
                updated=updated,
                name=name,
                cache_key=cache_key,
                code_hash=code_hash,
                status=status,
                start_time=start_time,
                end_time=end_time,
                pipeline_run_id=pipeline_run_id,
                version=version,
                original_step_run_id=original_step_run_id,
            )
            if snapshot_id is not None:  # a run's compiled pipeline is kept on the run
                filters["pipeline_run_id"] = str(snapshot_id)
            if run_metadata:
                filters["id"] = "oneof:" + repr(metadata_ids(self.store, "step_run", run_metadata))
            if model_version_id is not None or model is not None:
                # step runs whose own model (not the pipeline's) used those versions
                versions = model_version_ids(self.store, model_version_id, model)
                steps = [
                    s.id
                    for run_id in linked_run_ids(self.store, versions)
                    for s in self.store.list_step_runs(run_id)
                    if s.config.get("model_version_id") in versions
                ]
                if not steps:
                    raise NoMatch
                if "id" in filters:
                    wanted = set(parse_list(filters["id"][len("oneof:") :], "id"))
                    steps = [i for i in steps if i in wanted]
                filters["id"] = "oneof:" + repr(steps)
        except NoMatch:
            return empty_page(page, size)
        records = self.store.list_step_runs_page(
            filters=filters,
            sort_by=sort_by,
            logical_operator=str(logical_operator),
            index=page,
            size=size,
            exclude_retried=bool(exclude_retried),
        )
        return to_page(records, lambda r: StepRunResponse.from_record(r, self.store))

    def update_step_run(
        self, step_run_id: str | UUID, cache_expires_at: datetime | None = None
    ) -> StepRunResponse:
        if cache_expires_at is not None:
            raise ConfigError(
                "Cached step outputs do not expire in stackwise, so "
                "cache_expires_at cannot be set; run the step with "
                "enable_cache=False to recompute it."
            )
        return self.get_run_step(step_run_id)


def _ref(value: Any) -> str:
    """A name, an id, or a response object -> the string the store looks up."""
    return str(getattr(value, "id", value))


def _names(tags: Any) -> list[str] | None:
    if tags is None:
        return None
    if isinstance(tags, str):
        return [tags]
    return [str(getattr(t, "name", t)) for t in tags]


__all__ = ["RunsMixin", "settle_runs"]
