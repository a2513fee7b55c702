"""Schedules: one row per scheduled pipeline (its compiled spec, stack and run configuration,
and the Schedule's fields), and each run's schedule. A firing of a schedule (the engine's run
id) has one run: a unique index on (schedule_id, orchestrator_run_id) lets every task of the
firing try to create it and all but the first find it. Only adds, so a database at the
previous revision keeps every row; `stackwise db upgrade` applies it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "schedules",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("pipeline_id", sa.String(36), sa.ForeignKey("pipelines.id"), nullable=False),
        sa.Column("orchestrator_id", sa.String(36), nullable=True),
        sa.Column("stack_id", sa.String(36), nullable=True),
        sa.Column("spec", sa.JSON, nullable=False),
        sa.Column("config", sa.JSON, nullable=False),
        sa.Column("cron_expression", sa.String(255), nullable=True),
        sa.Column("start_time", sa.DateTime, nullable=True),
        sa.Column("end_time", sa.DateTime, nullable=True),
        sa.Column("interval_second", sa.Float, nullable=True),
        sa.Column("catchup", sa.Boolean, nullable=False),
        sa.Column("run_once_start_time", sa.DateTime, nullable=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
    )
    op.add_column("pipeline_runs", sa.Column("schedule_id", sa.String(36), nullable=True))
    op.create_index(
        "ux_runs_schedule_firing",
        "pipeline_runs",
        ["schedule_id", "orchestrator_run_id"],
        unique=True,
    )


def downgrade() -> None:
    op.drop_index("ux_runs_schedule_firing", table_name="pipeline_runs")
    # plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35): copying the table, as batch mode
    # does, would break the foreign keys of step_runs pointing at it
    op.drop_column("pipeline_runs", "schedule_id")
    op.drop_table("schedules")
