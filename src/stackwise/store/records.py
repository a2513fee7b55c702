"""Plain records the store returns: no behaviour, no I/O, cheap to build and to pickle."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing; `total` counts every match, not just this page."""

    items: list[T]
    total: int
    index: int
    size: int

    @property
    def total_pages(self) -> int:
        return max(1, -(-self.total // self.size)) if self.size else 1

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> T:
        return self.items[i]


@dataclass(frozen=True)
class PipelineRecord:
    id: str
    name: str
    created: datetime
    updated: datetime | None = None
    description: str | None = None


@dataclass(frozen=True)
class RunRecord:
    id: str
    name: str
    pipeline_id: str
    pipeline_name: str
    status: str
    spec: dict[str, Any]
    config: dict[str, Any]
    stack_id: str | None
    created: datetime
    end_time: datetime | None
    heartbeat: datetime | None = None
    resumed_from_id: str | None = None
    updated: datetime | None = None
    start_time: datetime | None = None
    orchestrator_run_id: str | None = None
    schedule_id: str | None = None


@dataclass(frozen=True)
class StepRunRecord:
    id: str
    run_id: str
    name: str
    status: str
    cache_key: str | None
    code_hash: str | None
    source: str
    config: dict[str, Any]
    start_time: datetime
    end_time: datetime | None
    attempt: int
    original_step_run_id: str | None
    exception_info: dict[str, Any] | None
    # name -> artifact version id; outputs map to lists (ZenML's shape)
    inputs: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, list[str]] = field(default_factory=dict)
    docstring: str | None = None
    source_code: str | None = None


@dataclass(frozen=True)
class HookInvocationRecord:
    """One recorded `run_hook` call: in a step (`step_run_id`) or a dynamic pipeline's
    function (no step run). `outputs` maps an output name to artifact version ids."""

    id: str
    run_id: str
    step_run_id: str | None
    name: str | None
    hook_type: str
    status: str
    source: str | None
    start_time: datetime
    end_time: datetime | None
    exception_info: dict[str, Any] | None
    outputs: dict[str, list[str]]
    created: datetime


@dataclass(frozen=True)
class ServiceRecord:
    """One model deployment (ZenML's "service"): what it serves, where, and the process that
    serves it. `admin_state` is what was asked for (`active`: serving, `inactive`: stopped);
    whether the process still runs is checked by whoever reads the record (`pid`)."""

    id: str
    name: str
    deployer_id: str | None
    flavor: str
    model_name: str
    model_version: str | None
    model_version_id: str | None
    artifact_version_id: str | None
    pipeline_name: str | None
    pipeline_step_name: str | None
    pipeline_run_id: str | None
    config: dict[str, Any]
    admin_state: str
    pid: int | None
    port: int | None
    service_dir: str
    labels: dict[str, str]
    created: datetime
    updated: datetime


@dataclass(frozen=True)
class BuildRecord:
    """One pipeline build (ZenML's): the image of each key (`orchestrator`, `<step>.orchestrator`
    -> BuildItem fields: image, dockerfile, requirements, settings_checksum, contains_code,
    requires_code_download) and the checksum of what went into them, which finds it again."""

    id: str
    pipeline_id: str | None
    stack_id: str | None
    container_registry_id: str | None
    images: dict[str, dict[str, Any]]
    is_local: bool
    contains_code: bool
    stackwise_version: str | None
    python_version: str | None
    checksum: str | None
    stack_checksum: str | None
    duration: int | None
    created: datetime
    updated: datetime


@dataclass(frozen=True)
class ScheduleRecord:
    """A scheduled pipeline: what each firing runs (the compiled spec, the stack, the run's
    configuration) and when (ZenML's Schedule fields; `interval_second` in seconds). The
    orchestrator's engine fires it; each firing creates its run (`schedule_id` on the run)."""

    id: str
    name: str
    pipeline_id: str
    pipeline_name: str
    orchestrator_id: str | None
    stack_id: str | None
    spec: dict[str, Any]
    config: dict[str, Any]
    cron_expression: str | None
    start_time: datetime | None
    end_time: datetime | None
    interval_second: float | None
    catchup: bool
    run_once_start_time: datetime | None
    active: bool
    created: datetime
    updated: datetime


@dataclass(frozen=True)
class ArtifactRecord:
    id: str
    name: str
    created: datetime
    updated: datetime | None = None
    has_custom_name: bool = True


@dataclass(frozen=True)
class ArtifactVersionRecord:
    id: str
    artifact_id: str
    name: str
    version: str
    version_number: int | None
    uri: str
    materializer: str
    data_type: str
    artifact_type: str
    content_hash: str | None
    artifact_store_id: str | None
    save_type: str
    created: datetime
    producer_step_run_id: str | None
    format: dict[str, Any] = field(default_factory=dict)
    visualizations: list[dict[str, Any]] = field(default_factory=list)
    item_count: int | None = None
    # the files as saved ({"files": {path: {"size", "crc32"...}}}) and, once they were found
    # broken, why and when ({"reason", "found"}): see stackwise.materializers.integrity
    checksum: dict[str, Any] | None = None
    corrupted: dict[str, Any] | None = None


@dataclass(frozen=True)
class NewArtifactVersion:
    """What a writer knows about a saved artifact before the store numbers it."""

    id: str
    name: str
    uri: str
    materializer: str
    data_type: str
    artifact_type: str
    save_type: str
    content_hash: str | None = None
    artifact_store_id: str | None = None
    version: str | None = None  # None: the next number
    tags: list[Any] = field(default_factory=list)  # names or stackwise.Tag objects
    format: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    visualizations: list[dict[str, Any]] = field(default_factory=list)
    item_count: int | None = None
    has_custom_name: bool = True
    checksum: dict[str, Any] | None = None


@dataclass(frozen=True)
class ComponentRecord:
    id: str
    name: str
    type: str
    flavor: str
    configuration: dict[str, Any]
    created: datetime
    updated: datetime | None = None
    labels: dict[str, Any] | None = None


@dataclass(frozen=True)
class StackRecord:
    id: str
    name: str
    created: datetime
    # component type -> component ids (several only for trackers and step operators)
    components: dict[str, list[str]] = field(default_factory=dict)
    updated: datetime | None = None
    description: str | None = None
    labels: dict[str, Any] | None = None


@dataclass(frozen=True)
class TagRecord:
    id: str
    name: str
    color: str
    exclusive: bool
    created: datetime
    updated: datetime
    tagged_count: int = 0


@dataclass(frozen=True)
class TagSpec:
    """A tag to attach: a name, and for a tag created on the way its colour and exclusivity."""

    name: str
    color: str | None = None
    exclusive: bool = False


@dataclass(frozen=True)
class ModelRecord:
    """A model and its model card; `latest_version_*` name its newest version (None without
    versions)."""

    id: str
    name: str
    created: datetime
    updated: datetime
    license: str | None = None
    description: str | None = None
    audience: str | None = None
    use_cases: str | None = None
    limitations: str | None = None
    trade_offs: str | None = None
    ethics: str | None = None
    save_models_to_registry: bool = True
    latest_version_id: str | None = None
    latest_version_name: str | None = None


@dataclass(frozen=True)
class ModelVersionRecord:
    id: str
    model_id: str
    model_name: str
    name: str
    number: int
    created: datetime
    updated: datetime
    description: str | None = None
    stage: str | None = None


@dataclass(frozen=True)
class ModelVersionLinkRecord:
    """A model version's link to an artifact version (`kind` "artifact") or a pipeline run
    (`kind` "run"): `target_id` is that artifact version's or run's id."""

    id: str
    model_version_id: str
    target_id: str
    kind: str
    created: datetime


@dataclass(frozen=True)
class UserRecord:
    """A user or service account; its password hash never leaves the store."""

    id: str
    name: str
    full_name: str
    email: str | None
    active: bool
    is_service_account: bool
    role: str  # admin, editor or viewer
    description: str | None
    created: datetime
    updated: datetime
    has_password: bool = False


@dataclass(frozen=True)
class ApiKeyRecord:
    """A service account's API key; only its hash is stored. `key` holds the key itself in
    the answer of `create_api_key` and `rotate_api_key` only: it is shown once."""

    id: str
    service_account_id: str
    name: str
    description: str
    active: bool
    created: datetime
    updated: datetime
    last_login: datetime | None
    last_rotated: datetime | None
    rotation: int = 0
    retain_until: datetime | None = None
    key: str | None = None
