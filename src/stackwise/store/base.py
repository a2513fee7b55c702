"""The Store protocol: everything above the store (Client, responses, plan/resume, the
artifact layer, orchestrators) reads and writes through it, never through a concrete store, so
a store over HTTP (the server's RestStore) plugs in without touching them.

Grouped by entity; `Store` is their sum. `stackwise.store.sql.SqlStore` implements it on
SQLAlchemy (SQLite, PostgreSQL). Records (`stackwise.store.records`) are plain dataclasses; list
methods take ZenML's filter syntax (`stackwise.store.filters`) and return record `Page`s.
Budgets (DESIGN.md): an executed step is `start_step_run` + `finish_step_run`; a cached step
is `find_cached_step_run` + `record_cached_step_run`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from stackwise.store.records import (
    ApiKeyRecord,
    ArtifactRecord,
    ArtifactVersionRecord,
    BuildRecord,
    ComponentRecord,
    HookInvocationRecord,
    ModelRecord,
    ModelVersionLinkRecord,
    ModelVersionRecord,
    NewArtifactVersion,
    Page,
    PipelineRecord,
    RunRecord,
    ScheduleRecord,
    ServiceRecord,
    StackRecord,
    StepRunRecord,
    TagRecord,
    UserRecord,
)


class PipelineStore(Protocol):
    """Pipelines: created on a pipeline's first run."""

    def delete_pipeline(self, pipeline_id: str) -> None: ...
    def get_or_create_pipeline(self, name: str) -> PipelineRecord: ...
    def get_pipeline(
        self, name_or_id: str, *, allow_name_prefix: bool = False
    ) -> PipelineRecord: ...
    def list_pipelines(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
        tags: list[str] | None = None,
    ) -> Page[PipelineRecord]: ...
    def update_pipeline(
        self, pipeline_id: str, *, name: str | None = None, description: str | None = None
    ) -> PipelineRecord: ...


class RunStore(Protocol):
    """Pipeline runs and the liveness writes of their orchestrators."""

    def beat_run(self, run_id: str) -> None: ...
    def create_run(
        self,
        *,
        pipeline: PipelineRecord,
        name: str,
        spec: dict[str, Any],
        config: dict[str, Any],
        stack_id: str | None,
        resumed_from_id: str | None = None,
    ) -> RunRecord: ...
    def delete_run(self, run_id: str) -> None: ...
    def get_or_create_scheduled_run(
        self,
        *,
        schedule_id: str,
        orchestrator_run_id: str,
        pipeline: PipelineRecord,
        name: str,
        spec: dict[str, Any],
        config: dict[str, Any],
        stack_id: str | None,
    ) -> RunRecord: ...
    def fail_dead_run(
        self, run_id: str, *, step_exception_info: dict[str, Any], stale_before: Any = None
    ) -> bool: ...
    def fail_unfinished_step_run(
        self,
        *,
        run_id: str,
        name: str,
        source: str,
        config: dict[str, Any],
        exception_info: dict[str, Any],
    ) -> str: ...
    def finish_run(self, run_id: str, status: str) -> None: ...
    def get_run(self, name_or_id: str, *, allow_name_prefix: bool = False) -> RunRecord: ...
    def last_run(self, pipeline_id: str) -> RunRecord | None: ...
    def list_runs(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "desc:created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
        tags: list[str] | None = None,
        in_progress: bool | None = None,
    ) -> Page[RunRecord]: ...
    def run_index(self, run_id: str) -> int: ...
    def update_run(
        self,
        run_id: str,
        *,
        name: str | None = None,
        orchestrator_run_id: str | None = None,
        spec: dict[str, Any] | None = None,
    ) -> RunRecord: ...


class StepRunStore(Protocol):
    """Step runs: the two writes of an executed step, one read and one write of a cached
    step."""

    def find_cached_step_run(
        self, cache_key: str
    ) -> tuple[StepRunRecord, dict[str, ArtifactVersionRecord]] | None: ...
    def finish_step_run(
        self,
        step_run: StepRunRecord,
        *,
        status: str,
        outputs: Sequence[tuple[str, NewArtifactVersion]] = (),
        linked_outputs: Mapping[str, str] | None = None,
        linked_inputs: Mapping[str, str] | None = None,
        metadata: Mapping[tuple[str, str], Mapping[str, Any]] | None = None,
        exception_info: dict[str, Any] | None = None,
        model_version_id: str | None = None,
    ) -> dict[str, ArtifactVersionRecord]: ...
    def get_step_run(self, step_run_id: str) -> StepRunRecord: ...
    def list_step_runs(self, run_id: str) -> list[StepRunRecord]: ...
    def list_step_runs_page(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
        exclude_retried: bool = False,
    ) -> Page[StepRunRecord]: ...
    def record_cached_step_run(
        self,
        *,
        run_id: str,
        name: str,
        source: str,
        config: dict[str, Any],
        cache_key: str,
        code_hash: str | None,
        original: StepRunRecord,
        inputs: Mapping[str, str],
        outputs: Mapping[str, str],
        status: str = "cached",
        docstring: str | None = None,
        source_code: str | None = None,
        model_version_id: str | None = None,
    ) -> StepRunRecord: ...
    def start_step_run(
        self,
        *,
        run_id: str,
        name: str,
        source: str,
        config: dict[str, Any],
        cache_key: str | None,
        code_hash: str | None,
        inputs: Mapping[str, str],
        attempt: int = 1,
        docstring: str | None = None,
        source_code: str | None = None,
    ) -> StepRunRecord: ...
    def step_runs_using(self, version_id: str) -> list[str]: ...
    def update_step_run(
        self, step_run_id: str, *, status: str | None = None, end_time: Any = None
    ) -> StepRunRecord: ...


class ArtifactStoreQueries(Protocol):
    """Artifacts and artifact versions (the records; an artifact store component holds
    their files)."""

    def create_artifact_version(
        self, new: NewArtifactVersion, producer_step_run_id: str | None = None
    ) -> ArtifactVersionRecord: ...
    def delete_artifact(self, artifact_id: str) -> None: ...
    def delete_artifact_version(self, version_id: str) -> None: ...
    def get_artifact(
        self, name_or_id: str, *, allow_name_prefix: bool = False
    ) -> ArtifactRecord: ...
    def get_artifact_version(
        self, name_or_id: str, version: str | int | None = None
    ) -> ArtifactVersionRecord: ...
    def get_artifact_versions(self, ids: Iterable[str]) -> dict[str, ArtifactVersionRecord]: ...
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
    ) -> Page[ArtifactVersionRecord]: ...
    def list_artifacts(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
        tags: list[str] | None = None,
    ) -> Page[ArtifactRecord]: ...
    def set_artifact_custom_name(self, artifact_id: str, has_custom_name: bool) -> None: ...
    def update_artifact(self, artifact_id: str, *, name: str | None = None) -> ArtifactRecord: ...
    def update_artifact_version(
        self, version_id: str, *, item_count: int | None = None
    ) -> ArtifactVersionRecord: ...
    def mark_artifact_version_corrupted(self, version_id: str, reason: str | None) -> None: ...


class MetadataStore(Protocol):
    """Run metadata on runs, step runs and artifact versions."""

    def add_metadata(
        self, resource_type: str, resource_id: str, values: Mapping[str, Any]
    ) -> None: ...
    def find_by_metadata(self, resource_type: str, key: str, value: Any) -> list[str]: ...
    def get_metadata(
        self, resource_type: str, resource_ids: Iterable[str]
    ) -> dict[str, dict[str, Any]]: ...


class TagStore(Protocol):
    """Tags and their attachments."""

    def attach_tags(
        self, resource_type: str, resource_ids: Sequence[str], tags: Iterable[Any]
    ) -> None: ...
    def create_tag(
        self, name: str, *, color: str | None = None, exclusive: bool = False
    ) -> TagRecord: ...
    def delete_tag(self, tag_id: str) -> None: ...
    def detach_tags(
        self, resource_type: str, resource_ids: Sequence[str], names: Iterable[Any]
    ) -> int: ...
    def get_tag(self, name_or_id: str, *, allow_name_prefix: bool = False) -> TagRecord: ...
    def list_tags(
        self,
        *,
        filters: Mapping[str, Any] | None = None,
        sort_by: str = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
        resource_type: Any = None,
    ) -> Page[TagRecord]: ...
    def tags_of(
        self, resource_type: str, resource_ids: Iterable[str]
    ) -> dict[str, list[TagRecord]]: ...
    def update_tag(
        self,
        tag_id: str,
        *,
        name: str | None = None,
        color: str | None = None,
        exclusive: bool | None = None,
    ) -> TagRecord: ...


class StackStore(Protocol):
    """Stack components and stacks."""

    def create_component(
        self,
        *,
        name: str,
        type: str,
        flavor: str,
        configuration: dict[str, Any],
        labels: dict[str, Any] | None = None,
    ) -> ComponentRecord: ...
    def create_stack(
        self,
        name: str,
        component_ids: Iterable[str],
        *,
        description: str | None = None,
        labels: dict[str, Any] | None = None,
    ) -> StackRecord: ...
    def delete_component(self, component_id: str) -> None: ...
    def delete_stack(self, stack_id: str) -> None: ...
    def get_component(
        self, type: str | None, name_or_id: str, *, allow_name_prefix: bool = False
    ) -> ComponentRecord: ...
    def get_components(self, ids: Iterable[str]) -> dict[str, ComponentRecord]: ...
    def get_stack(self, name_or_id: str, *, allow_name_prefix: bool = False) -> StackRecord: ...
    def list_components(self, type: str | None = None) -> list[ComponentRecord]: ...
    def list_components_page(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
        stack_id: str | None = None,
    ) -> Page[ComponentRecord]: ...
    def list_stacks(self) -> list[StackRecord]: ...
    def list_stacks_page(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
        component_id: str | None = None,
    ) -> Page[StackRecord]: ...
    def update_component(
        self,
        component_id: str,
        *,
        name: str | None = None,
        configuration: dict[str, Any] | None = None,
        labels: dict[str, Any] | None = None,
    ) -> None: ...
    def update_stack(
        self,
        stack_id: str,
        *,
        name: str | None = None,
        component_ids: Iterable[str] | None = None,
        description: str | None = None,
        labels: dict[str, Any] | None = None,
    ) -> None: ...


class SecretStoreQueries(Protocol):
    """Secrets as encrypted tokens. `encrypts_secrets` False: the client encrypts (a
    database never sees plaintext); True: the store holds its own key and the tokens on the
    wire are plain documents (a server, `stackwise.secrets.server_held`)."""

    encrypts_secrets: bool

    def create_secret(self, name: str, encrypted_values: str) -> dict[str, Any]: ...
    def delete_secret(self, name: str) -> None: ...
    def get_secret(self, name: str) -> dict[str, Any]: ...
    def list_secrets(self) -> list[dict[str, Any]]: ...
    def update_secret(
        self, name: str, change: Callable[[str], str], new_name: str | None = None
    ) -> dict[str, Any]: ...


class HookInvocationStore(Protocol):
    """Recorded `run_hook` calls: one write each."""

    def create_hook_invocation(self, record: HookInvocationRecord) -> HookInvocationRecord: ...
    def get_hook_invocation(self, hook_invocation_id: str) -> HookInvocationRecord: ...
    def list_hook_invocations(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
    ) -> Page[HookInvocationRecord]: ...
    def delete_hook_invocation(self, hook_invocation_id: str) -> None: ...


class ModelStore(Protocol):
    """The Model Control Plane: models, numbered versions with stages, and their links to
    artifact versions and pipeline runs (a run links its outputs in the steps' own writes)."""

    def create_model(
        self,
        name: str,
        *,
        license: str | None = None,
        description: str | None = None,
        audience: str | None = None,
        use_cases: str | None = None,
        limitations: str | None = None,
        trade_offs: str | None = None,
        ethics: str | None = None,
        save_models_to_registry: bool = True,
        tags: Iterable[Any] = (),
    ) -> ModelRecord: ...
    def get_model(self, name_or_id: str, *, allow_name_prefix: bool = False) -> ModelRecord: ...
    def list_models(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
        tags: list[str] | None = None,
    ) -> Page[ModelRecord]: ...
    def update_model(self, model_id: str, **fields: Any) -> ModelRecord: ...
    def delete_model(self, model_id: str) -> None: ...
    def create_model_version(
        self,
        model_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        tags: Iterable[Any] = (),
    ) -> ModelVersionRecord: ...
    def get_model_version(self, version_id: str) -> ModelVersionRecord: ...
    def find_model_version(
        self, model_id: str, version: str | int | None = None
    ) -> ModelVersionRecord: ...
    def list_model_versions(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "number",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
        tags: list[str] | None = None,
    ) -> Page[ModelVersionRecord]: ...
    def update_model_version(
        self,
        version_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        stage: str | None = None,
        force: bool = False,
    ) -> ModelVersionRecord: ...
    def delete_model_version(self, version_id: str) -> None: ...
    def link_artifacts_to_model_version(
        self, model_version_id: str, artifact_version_ids: Iterable[str]
    ) -> None: ...
    def link_run_to_model_version(self, model_version_id: str, run_id: str) -> None: ...
    def unlink_artifacts_from_model_version(
        self, model_version_id: str, artifact_version_ids: Iterable[str] | None = None
    ) -> int: ...
    def list_model_version_artifact_links(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
    ) -> Page[ModelVersionLinkRecord]: ...
    def list_model_version_run_links(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
    ) -> Page[ModelVersionLinkRecord]: ...


class ServiceStore(Protocol):
    """Model deployments (ZenML's services) that model deployers started."""

    def create_service(self, record: ServiceRecord) -> ServiceRecord: ...
    def get_service(self, service_id: str) -> ServiceRecord: ...
    def list_services(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
    ) -> Page[ServiceRecord]: ...
    def update_service(self, service_id: str, **changes: Any) -> ServiceRecord: ...
    def delete_service(self, service_id: str) -> None: ...


class BuildStore(Protocol):
    """Pipeline builds: recorded when built, found again by checksum to be reused."""

    def create_build(self, record: BuildRecord) -> BuildRecord: ...
    def get_build(self, id_or_prefix: str) -> BuildRecord: ...
    def list_builds(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
    ) -> Page[BuildRecord]: ...
    def delete_build(self, build_id: str) -> None: ...


class UserStore(Protocol):
    """Users and service accounts (users that log in with API keys), with their roles.
    Passwords go in as text and are hashed by the store; no record carries a hash."""

    def create_user(
        self,
        name: str,
        *,
        password: str | None = None,
        role: str = "viewer",
        full_name: str = "",
        email: str | None = None,
        description: str | None = None,
        is_service_account: bool = False,
        active: bool = True,
    ) -> UserRecord: ...
    def get_user(self, name_or_id: str, *, allow_name_prefix: bool = False) -> UserRecord: ...
    def list_users(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
    ) -> Page[UserRecord]: ...
    def update_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        full_name: str | None = None,
        email: str | None = None,
        role: str | None = None,
        active: bool | None = None,
        description: str | None = None,
        password: str | None = None,
    ) -> UserRecord: ...
    def delete_user(self, user_id: str) -> None: ...


class ApiKeyStore(Protocol):
    """Service accounts' API keys: the store keeps hashes; a key is shown once, in the
    record `create_api_key` or `rotate_api_key` answers."""

    def create_api_key(
        self, service_account_id: str, name: str, *, description: str = ""
    ) -> ApiKeyRecord: ...
    def get_api_key(self, service_account_id: str, name_or_id: str) -> ApiKeyRecord: ...
    def list_api_keys(
        self,
        service_account_id: str,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
    ) -> Page[ApiKeyRecord]: ...
    def update_api_key(
        self,
        service_account_id: str,
        name_or_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        active: bool | None = None,
    ) -> ApiKeyRecord: ...
    def rotate_api_key(
        self, service_account_id: str, name_or_id: str, *, retain_period_minutes: int = 0
    ) -> ApiKeyRecord: ...
    def delete_api_key(self, service_account_id: str, name_or_id: str) -> None: ...


class CredentialStore(Protocol):
    """What only the server asks its database: checking a password or an API key, the state
    of the account behind a token, and the settings it keeps across restarts. Not part of
    `Store`, so never served over HTTP."""

    def authenticate_password(self, username: str, password: str) -> UserRecord: ...
    def authenticate_api_key(self, key: str) -> tuple[UserRecord, ApiKeyRecord, int]: ...
    def credential_state(
        self, user_id: str, api_key_id: str | None
    ) -> tuple[UserRecord | None, ApiKeyRecord | None]: ...
    def has_admin(self) -> bool: ...
    def server_setting(self, name: str, make: Callable[[], str]) -> str: ...


class ScheduleStore(Protocol):
    """Scheduled pipelines (their runs are created by each firing's first task)."""

    def create_schedule(self, record: ScheduleRecord) -> ScheduleRecord: ...
    def get_schedule(
        self, name_or_id: str, *, allow_name_prefix: bool = False
    ) -> ScheduleRecord: ...
    def list_schedules(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
    ) -> Page[ScheduleRecord]: ...
    def update_schedule(self, schedule_id: str, **changes: Any) -> ScheduleRecord: ...
    def delete_schedule(self, schedule_id: str) -> None: ...


class SchemaStore(Protocol):
    """Schema upgrades."""

    def upgrade_schema(self) -> None: ...


@runtime_checkable
class Store(
    PipelineStore,
    RunStore,
    StepRunStore,
    ArtifactStoreQueries,
    MetadataStore,
    TagStore,
    StackStore,
    SecretStoreQueries,
    HookInvocationStore,
    ModelStore,
    ServiceStore,
    UserStore,
    ApiKeyStore,
    BuildStore,
    ScheduleStore,
    SchemaStore,
    Protocol,
):
    """The whole metadata store."""

    url: str

    def close(self) -> None: ...


__all__ = [
    "ApiKeyStore",
    "ArtifactStoreQueries",
    "BuildStore",
    "CredentialStore",
    "HookInvocationStore",
    "MetadataStore",
    "ModelStore",
    "PipelineStore",
    "RunStore",
    "ScheduleStore",
    "SchemaStore",
    "SecretStoreQueries",
    "ServiceStore",
    "StackStore",
    "StepRunStore",
    "Store",
    "TagStore",
    "UserStore",
]
