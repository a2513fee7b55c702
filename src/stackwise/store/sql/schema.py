"""The metadata store's tables, written with SQLAlchemy Core types that both SQLite and
PostgreSQL understand. Alembic migrations (migrations/versions) create and change them;
`SCHEMA_REVISION` names the migration this code expects."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
)

SCHEMA_REVISION = "0010"

metadata = MetaData()

ID = String(36)

pipelines = Table(
    "pipelines",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("created", DateTime, nullable=False),
    Column("updated", DateTime, nullable=True),
    Column("description", Text, nullable=True),
)

pipeline_runs = Table(
    "pipeline_runs",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("pipeline_id", ID, ForeignKey("pipelines.id"), nullable=False),
    Column("status", String(32), nullable=False),
    Column("spec", JSON, nullable=False),
    Column("config", JSON, nullable=False),
    Column("stack_id", ID, nullable=True),
    Column("created", DateTime, nullable=False),
    Column("end_time", DateTime, nullable=True),
    Column("heartbeat", DateTime, nullable=True),
    Column("resumed_from_id", ID, nullable=True),
    Column("updated", DateTime, nullable=True),
    Column("start_time", DateTime, nullable=True),
    Column("orchestrator_run_id", String(255), nullable=True),
    Column("schedule_id", ID, nullable=True),
    Index("ix_runs_pipeline_created", "pipeline_id", "created"),
    # a schedule's firing (the engine's run id) has one run, however many tasks create it
    Index("ux_runs_schedule_firing", "schedule_id", "orchestrator_run_id", unique=True),
)

step_runs = Table(
    "step_runs",
    metadata,
    Column("id", ID, primary_key=True),
    Column("run_id", ID, ForeignKey("pipeline_runs.id"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("status", String(32), nullable=False),
    Column("cache_key", String(64), nullable=True),
    Column("code_hash", String(64), nullable=True),
    Column("source", Text, nullable=False),
    Column("config", JSON, nullable=False),
    Column("start_time", DateTime, nullable=False),
    Column("end_time", DateTime, nullable=True),
    Column("attempt", Integer, nullable=False, default=1),
    Column("original_step_run_id", ID, nullable=True),
    Column("exception_info", JSON, nullable=True),
    Column("docstring", Text, nullable=True),
    Column("source_code", Text, nullable=True),
    Index("ix_step_runs_run", "run_id"),
    Index("ix_step_runs_cache", "cache_key", "status"),
)

artifacts = Table(
    "artifacts",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("created", DateTime, nullable=False),
    Column("updated", DateTime, nullable=True),
    Column("has_custom_name", Boolean, nullable=False, server_default=true()),
)

artifact_versions = Table(
    "artifact_versions",
    metadata,
    Column("id", ID, primary_key=True),
    Column("artifact_id", ID, ForeignKey("artifacts.id"), nullable=False),
    Column("version", String(255), nullable=False),
    Column("version_number", Integer, nullable=True),
    Column("uri", Text, nullable=False),
    Column("materializer", String(512), nullable=False),
    Column("data_type", String(512), nullable=False),
    Column("artifact_type", String(64), nullable=False),
    Column("content_hash", String(64), nullable=True),
    Column("artifact_store_id", ID, nullable=True),
    Column("save_type", String(32), nullable=False),
    Column("format", JSON, nullable=False),
    Column("visualizations", JSON, nullable=True),
    Column("item_count", Integer, nullable=True),
    Column("created", DateTime, nullable=False),
    Column("producer_step_run_id", ID, nullable=True),
    Column("checksum", JSON, nullable=True),  # files as saved: stackwise.materializers.integrity
    Column("corrupted", JSON, nullable=True),  # {"reason", "found"} once found broken
    UniqueConstraint("artifact_id", "version", name="uq_artifact_version"),
)

step_run_io = Table(
    "step_run_io",
    metadata,
    Column("step_run_id", ID, ForeignKey("step_runs.id"), primary_key=True),
    Column("name", String(255), primary_key=True),
    Column("kind", String(8), primary_key=True),  # "input" | "output"
    Column("artifact_version_id", ID, ForeignKey("artifact_versions.id"), primary_key=True),
    Index("ix_io_artifact", "artifact_version_id"),
)

run_metadata = Table(
    "run_metadata",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("resource_type", String(32), nullable=False),
    Column("resource_id", ID, nullable=False),
    Column("key", String(255), nullable=False),
    Column("value", JSON, nullable=True),
    Column("created", DateTime, nullable=False),
    Index("ix_metadata_resource", "resource_type", "resource_id"),
)

stack_components = Table(
    "stack_components",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(255), nullable=False),
    Column("type", String(64), nullable=False),
    Column("flavor", String(255), nullable=False),
    Column("configuration", JSON, nullable=False),
    Column("created", DateTime, nullable=False),
    Column("updated", DateTime, nullable=True),
    Column("labels", JSON, nullable=True),
    UniqueConstraint("type", "name", name="uq_component_type_name"),
)

stacks = Table(
    "stacks",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("created", DateTime, nullable=False),
    Column("updated", DateTime, nullable=True),
    Column("description", Text, nullable=True),
    Column("labels", JSON, nullable=True),
)

stack_composition = Table(
    "stack_composition",
    metadata,
    Column("stack_id", ID, ForeignKey("stacks.id"), primary_key=True),
    Column("component_id", ID, ForeignKey("stack_components.id"), primary_key=True),
)

# Named secrets (added in 0002). The values are one Fernet token, ASCII text on every dialect,
# written and read only by `stackwise.secrets`: the store never sees a plaintext value.
secrets = Table(
    "secrets",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("encrypted_values", Text, nullable=False),
    Column("created", DateTime, nullable=False),
    Column("updated", DateTime, nullable=False),
)

# Tags (added in 0003): a tag is a named entity (colour, exclusive); tag_resources attaches it
# to runs, pipelines, artifacts and artifact versions by (resource type, resource id).
tags = Table(
    "tags",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("color", String(32), nullable=False),
    Column("exclusive", Boolean, nullable=False),
    Column("created", DateTime, nullable=False),
    Column("updated", DateTime, nullable=False),
)

tag_resources = Table(
    "tag_resources",
    metadata,
    Column("tag_id", ID, ForeignKey("tags.id"), primary_key=True),
    Column("resource_type", String(32), primary_key=True),
    Column("resource_id", ID, primary_key=True),
    Column("created", DateTime, nullable=False),
    Index("ix_tag_resources_resource", "resource_type", "resource_id"),
)

# Users (added in 0003): one `default` user owns everything on a local store; the server issue
# adds authentication on top of this table.
users = Table(
    "users",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("full_name", String(255), nullable=False),
    Column("email", String(255), nullable=True),
    Column("active", Boolean, nullable=False),
    Column("is_service_account", Boolean, nullable=False),
    Column("created", DateTime, nullable=False),
    Column("updated", DateTime, nullable=False),
    # added in 0008: credentials and roles (the hash never leaves the store layer)
    Column("password_hash", String(255), nullable=True),
    Column("role", String(16), nullable=False, server_default="admin"),
    Column("description", Text, nullable=True),
)

# API keys (added in 0008): a service account's keys. A key reads `swk_<lookup>_<secret>`:
# `lookup` finds the row, the SHA-256 of the whole key is compared. A rotation with a retain
# period keeps the previous hash valid until `retain_until`.
api_keys = Table(
    "api_keys",
    metadata,
    Column("id", ID, primary_key=True),
    Column("service_account_id", ID, ForeignKey("users.id"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("description", Text, nullable=False),
    Column("lookup", String(32), nullable=False, unique=True),
    Column("key_hash", String(128), nullable=False),
    Column("previous_key_hash", String(128), nullable=True),
    Column("retain_until", DateTime, nullable=True),
    Column("rotation", Integer, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created", DateTime, nullable=False),
    Column("updated", DateTime, nullable=False),
    Column("last_login", DateTime, nullable=True),
    Column("last_rotated", DateTime, nullable=True),
    UniqueConstraint("service_account_id", "name", name="uq_api_keys_account_name"),
)

# Server settings (added in 0008): values a server keeps across restarts (its JWT secret).
server_settings = Table(
    "server_settings",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# Hook invocations (added in 0004): one row per recorded `run_hook` call, in a step run or in a
# dynamic pipeline's function; `outputs` maps an output name to artifact version ids.
hook_invocations = Table(
    "hook_invocations",
    metadata,
    Column("id", ID, primary_key=True),
    Column("run_id", ID, ForeignKey("pipeline_runs.id"), nullable=False),
    Column("step_run_id", ID, nullable=True),
    Column("name", String(255), nullable=True),
    Column("hook_type", String(32), nullable=False),
    Column("status", String(32), nullable=False),
    Column("source", Text, nullable=True),
    Column("start_time", DateTime, nullable=False),
    Column("end_time", DateTime, nullable=True),
    Column("exception_info", JSON, nullable=True),
    Column("outputs", JSON, nullable=False),
    Column("created", DateTime, nullable=False),
    Index("ix_hook_invocations_run", "run_id"),
)

# The Model Control Plane (added in 0006): models with their model card, numbered versions
# (at most one per model in `staging` and in `production`), and what a version holds: the
# artifact versions linked to it and the runs that used it.
models = Table(
    "models",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("license", Text, nullable=True),
    Column("description", Text, nullable=True),
    Column("audience", Text, nullable=True),
    Column("use_cases", Text, nullable=True),
    Column("limitations", Text, nullable=True),
    Column("trade_offs", Text, nullable=True),
    Column("ethics", Text, nullable=True),
    Column("save_models_to_registry", Boolean, nullable=False),
    Column("created", DateTime, nullable=False),
    Column("updated", DateTime, nullable=False),
)

model_versions = Table(
    "model_versions",
    metadata,
    Column("id", ID, primary_key=True),
    Column("model_id", ID, ForeignKey("models.id"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("number", Integer, nullable=False),
    Column("description", Text, nullable=True),
    Column("stage", String(32), nullable=True),
    Column("created", DateTime, nullable=False),
    Column("updated", DateTime, nullable=False),
    UniqueConstraint("model_id", "number", name="uq_model_version_number"),
    UniqueConstraint("model_id", "name", name="uq_model_version_name"),
)

model_version_artifacts = Table(
    "model_version_artifacts",
    metadata,
    Column("id", ID, primary_key=True),
    Column("model_version_id", ID, ForeignKey("model_versions.id"), nullable=False),
    Column("artifact_version_id", ID, ForeignKey("artifact_versions.id"), nullable=False),
    Column("created", DateTime, nullable=False),
    UniqueConstraint("model_version_id", "artifact_version_id", name="uq_model_version_artifact"),
    Index("ix_model_version_artifacts_artifact", "artifact_version_id"),
)

model_version_runs = Table(
    "model_version_runs",
    metadata,
    Column("id", ID, primary_key=True),
    Column("model_version_id", ID, ForeignKey("model_versions.id"), nullable=False),
    Column("run_id", ID, ForeignKey("pipeline_runs.id"), nullable=False),
    Column("created", DateTime, nullable=False),
    UniqueConstraint("model_version_id", "run_id", name="uq_model_version_run"),
    Index("ix_model_version_runs_run", "run_id"),
)

services = Table(
    "services",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(255), nullable=False),
    Column("deployer_id", ID, nullable=True),
    Column("flavor", String(255), nullable=False),
    Column("model_name", String(255), nullable=False),
    Column("model_version", String(255), nullable=True),
    Column("model_version_id", ID, nullable=True),
    Column("artifact_version_id", ID, nullable=True),
    Column("pipeline_name", String(255), nullable=True),
    Column("pipeline_step_name", String(255), nullable=True),
    Column("pipeline_run_id", ID, nullable=True),
    Column("config", JSON, nullable=False),
    Column("admin_state", String(32), nullable=False),
    Column("pid", Integer, nullable=True),
    Column("port", Integer, nullable=True),
    Column("service_dir", Text, nullable=False),
    Column("labels", JSON, nullable=False),
    Column("created", DateTime, nullable=False),
    Column("updated", DateTime, nullable=False),
    Index("ix_services_model_name", "model_name"),
)

pipeline_builds = Table(
    "pipeline_builds",
    metadata,
    Column("id", ID, primary_key=True),
    Column("pipeline_id", ID, nullable=True),
    Column("stack_id", ID, nullable=True),
    Column("container_registry_id", ID, nullable=True),
    Column("images", JSON, nullable=False),
    Column("is_local", Boolean, nullable=False),
    Column("contains_code", Boolean, nullable=False),
    Column("stackwise_version", String(64), nullable=True),
    Column("python_version", String(64), nullable=True),
    Column("checksum", String(64), nullable=True),
    Column("stack_checksum", String(64), nullable=True),
    Column("duration", Integer, nullable=True),
    Column("created", DateTime, nullable=False),
    Column("updated", DateTime, nullable=False),
    Index("ix_pipeline_builds_checksum", "checksum"),
)

schedules = Table(
    "schedules",
    metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("pipeline_id", ID, ForeignKey("pipelines.id"), nullable=False),
    Column("orchestrator_id", ID, nullable=True),
    Column("stack_id", ID, nullable=True),
    Column("spec", JSON, nullable=False),
    Column("config", JSON, nullable=False),
    Column("cron_expression", String(255), nullable=True),
    Column("start_time", DateTime, nullable=True),
    Column("end_time", DateTime, nullable=True),
    Column("interval_second", Float, nullable=True),
    Column("catchup", Boolean, nullable=False),
    Column("run_once_start_time", DateTime, nullable=True),
    Column("active", Boolean, nullable=False),
    Column("created", DateTime, nullable=False),
    Column("updated", DateTime, nullable=False),
)
