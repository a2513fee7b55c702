"""The first schema, frozen.

Revision 0001 used to run `metadata.create_all`, which follows `schema.py` as it changes; once
0002 added a table, that would have created it here too. So this file spells out the tables as
they were at 0001 and must never change again: databases already at 0001 were made by it, and
later revisions start from exactly this (tests/store/test_migrations.py checks both).
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(36)


def upgrade() -> None:
    op.create_table(
        "pipelines",
        sa.Column("id", ID, primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("created", sa.DateTime, nullable=False),
    )
    op.create_table(
        "pipeline_runs",
        sa.Column("id", ID, primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("pipeline_id", ID, sa.ForeignKey("pipelines.id"), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("spec", sa.JSON, nullable=False),
        sa.Column("config", sa.JSON, nullable=False),
        sa.Column("stack_id", ID, nullable=True),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("end_time", sa.DateTime, nullable=True),
        sa.Column("heartbeat", sa.DateTime, nullable=True),
        sa.Column("resumed_from_id", ID, nullable=True),
    )
    op.create_index("ix_runs_pipeline_created", "pipeline_runs", ["pipeline_id", "created"])
    op.create_table(
        "step_runs",
        sa.Column("id", ID, primary_key=True),
        sa.Column("run_id", ID, sa.ForeignKey("pipeline_runs.id"), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("cache_key", sa.String(64), nullable=True),
        sa.Column("code_hash", sa.String(64), nullable=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("config", sa.JSON, nullable=False),
        sa.Column("start_time", sa.DateTime, nullable=False),
        sa.Column("end_time", sa.DateTime, nullable=True),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("original_step_run_id", ID, nullable=True),
        sa.Column("exception_info", sa.JSON, nullable=True),
    )
    op.create_index("ix_step_runs_run", "step_runs", ["run_id"])
    op.create_index("ix_step_runs_cache", "step_runs", ["cache_key", "status"])
    op.create_table(
        "artifacts",
        sa.Column("id", ID, primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("tags", sa.JSON, nullable=False),
    )
    op.create_table(
        "artifact_versions",
        sa.Column("id", ID, primary_key=True),
        sa.Column("artifact_id", ID, sa.ForeignKey("artifacts.id"), nullable=False),
        sa.Column("version", sa.String(255), nullable=False),
        sa.Column("version_number", sa.Integer, nullable=True),
        sa.Column("uri", sa.Text, nullable=False),
        sa.Column("materializer", sa.String(512), nullable=False),
        sa.Column("data_type", sa.String(512), nullable=False),
        sa.Column("artifact_type", sa.String(64), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=True),
        sa.Column("artifact_store_id", ID, nullable=True),
        sa.Column("save_type", sa.String(32), nullable=False),
        sa.Column("tags", sa.JSON, nullable=False),
        sa.Column("format", sa.JSON, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("producer_step_run_id", ID, nullable=True),
        sa.UniqueConstraint("artifact_id", "version", name="uq_artifact_version"),
    )
    op.create_table(
        "step_run_io",
        sa.Column("step_run_id", ID, sa.ForeignKey("step_runs.id"), primary_key=True),
        sa.Column("name", sa.String(255), primary_key=True),
        sa.Column("kind", sa.String(8), primary_key=True),
        sa.Column(
            "artifact_version_id", ID, sa.ForeignKey("artifact_versions.id"), primary_key=True
        ),
    )
    op.create_index("ix_io_artifact", "step_run_io", ["artifact_version_id"])
    op.create_table(
        "run_metadata",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("resource_type", sa.String(32), nullable=False),
        sa.Column("resource_id", ID, nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("value", sa.JSON, nullable=True),
        sa.Column("created", sa.DateTime, nullable=False),
    )
    op.create_index("ix_metadata_resource", "run_metadata", ["resource_type", "resource_id"])
    op.create_table(
        "stack_components",
        sa.Column("id", ID, primary_key=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("flavor", sa.String(255), nullable=False),
        sa.Column("configuration", sa.JSON, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.UniqueConstraint("type", "name", name="uq_component_type_name"),
    )
    op.create_table(
        "stacks",
        sa.Column("id", ID, primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("created", sa.DateTime, nullable=False),
    )
    op.create_table(
        "stack_composition",
        sa.Column("stack_id", ID, sa.ForeignKey("stacks.id"), primary_key=True),
        sa.Column("component_id", ID, sa.ForeignKey("stack_components.id"), primary_key=True),
    )


def downgrade() -> None:
    for table in (
        "stack_composition",
        "stacks",
        "stack_components",
        "run_metadata",
        "step_run_io",
        "artifact_versions",
        "artifacts",
        "step_runs",
        "pipeline_runs",
        "pipelines",
    ):
        op.drop_table(table)
