"""The Model Control Plane: models, their versions, and the links from a version to the
artifact versions and pipeline runs that belong to it.

- `models`: a named model and its model card (license, description, audience, ...).
- `model_versions`: numbered "1", "2", ... per model, with a name (the number unless given)
  and at most one holder per model of each of the stages `staging` and `production`.
- `model_version_artifacts` / `model_version_runs`: what a version holds (artifact versions
  the runs that used the model produced, or linked by hand) and the runs that used it.

Only adds tables, so a database at 0005 keeps every row; `stackwise db upgrade` applies it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "models",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("license", sa.Text, nullable=True),
        sa.Column("description", sa.Text, nullable=True),
        sa.Column("audience", sa.Text, nullable=True),
        sa.Column("use_cases", sa.Text, nullable=True),
        sa.Column("limitations", sa.Text, nullable=True),
        sa.Column("trade_offs", sa.Text, nullable=True),
        sa.Column("ethics", sa.Text, nullable=True),
        sa.Column("save_models_to_registry", sa.Boolean, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
    )
    op.create_table(
        "model_versions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("model_id", sa.String(36), sa.ForeignKey("models.id"), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("description", sa.Text, nullable=True),
        sa.Column("stage", sa.String(32), nullable=True),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
        sa.UniqueConstraint("model_id", "number", name="uq_model_version_number"),
        sa.UniqueConstraint("model_id", "name", name="uq_model_version_name"),
    )
    op.create_table(
        "model_version_artifacts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "model_version_id", sa.String(36), sa.ForeignKey("model_versions.id"), nullable=False
        ),
        sa.Column(
            "artifact_version_id",
            sa.String(36),
            sa.ForeignKey("artifact_versions.id"),
            nullable=False,
        ),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.UniqueConstraint(
            "model_version_id", "artifact_version_id", name="uq_model_version_artifact"
        ),
    )
    op.create_index(
        "ix_model_version_artifacts_artifact", "model_version_artifacts", ["artifact_version_id"]
    )
    op.create_table(
        "model_version_runs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "model_version_id", sa.String(36), sa.ForeignKey("model_versions.id"), nullable=False
        ),
        sa.Column("run_id", sa.String(36), sa.ForeignKey("pipeline_runs.id"), nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.UniqueConstraint("model_version_id", "run_id", name="uq_model_version_run"),
    )
    op.create_index("ix_model_version_runs_run", "model_version_runs", ["run_id"])


def downgrade() -> None:
    op.drop_index("ix_model_version_runs_run", table_name="model_version_runs")
    op.drop_table("model_version_runs")
    op.drop_index("ix_model_version_artifacts_artifact", table_name="model_version_artifacts")
    op.drop_table("model_version_artifacts")
    op.drop_table("model_versions")
    op.drop_table("models")
