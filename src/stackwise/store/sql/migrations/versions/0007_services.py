"""Model deployments (ZenML's services): one row per deployment a model deployer started.

The served model version is kept as a nullable id plus the model's name and version as text,
so a deployment stays readable whether or not the Model Control Plane knows the model. Only
adds a table, so a database at the previous revision keeps every row; `stackwise db upgrade`
applies it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "services",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("deployer_id", sa.String(36), nullable=True),
        sa.Column("flavor", sa.String(255), nullable=False),
        sa.Column("model_name", sa.String(255), nullable=False),
        sa.Column("model_version", sa.String(255), nullable=True),
        sa.Column("model_version_id", sa.String(36), nullable=True),
        sa.Column("artifact_version_id", sa.String(36), nullable=True),
        sa.Column("pipeline_name", sa.String(255), nullable=True),
        sa.Column("pipeline_step_name", sa.String(255), nullable=True),
        sa.Column("pipeline_run_id", sa.String(36), nullable=True),
        sa.Column("config", sa.JSON, nullable=False),
        sa.Column("admin_state", sa.String(32), nullable=False),
        sa.Column("pid", sa.Integer, nullable=True),
        sa.Column("port", sa.Integer, nullable=True),
        sa.Column("service_dir", sa.Text, nullable=False),
        sa.Column("labels", sa.JSON, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
    )
    op.create_index("ix_services_model_name", "services", ["model_name"])


def downgrade() -> None:
    op.drop_index("ix_services_model_name", table_name="services")
    op.drop_table("services")
