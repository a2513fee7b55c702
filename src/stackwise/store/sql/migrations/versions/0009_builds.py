"""Pipeline builds: one row per set of images built for a pipeline on a stack (ZenML's
pipeline builds), found again by the checksum of what went into them so that an unchanged
build is reused. Only adds a table, so a database at the previous revision keeps every row;
`stackwise db upgrade` applies it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pipeline_builds",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("pipeline_id", sa.String(36), nullable=True),
        sa.Column("stack_id", sa.String(36), nullable=True),
        sa.Column("container_registry_id", sa.String(36), nullable=True),
        sa.Column("images", sa.JSON, nullable=False),
        sa.Column("is_local", sa.Boolean, nullable=False),
        sa.Column("contains_code", sa.Boolean, nullable=False),
        sa.Column("stackwise_version", sa.String(64), nullable=True),
        sa.Column("python_version", sa.String(64), nullable=True),
        sa.Column("checksum", sa.String(64), nullable=True),
        sa.Column("stack_checksum", sa.String(64), nullable=True),
        sa.Column("duration", sa.Integer, nullable=True),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
    )
    op.create_index("ix_pipeline_builds_checksum", "pipeline_builds", ["checksum"])


def downgrade() -> None:
    op.drop_index("ix_pipeline_builds_checksum", table_name="pipeline_builds")
    op.drop_table("pipeline_builds")
