"""Tags as entities, the default user, and the details ZenML's responses show.

- `tags` + `tag_resources` replace the JSON `tags` lists on artifacts and artifact versions (their
  values move over: each distinct name becomes a tag, each listed name an attachment).
- `users` with the `default` user that owns everything on a local store.
- `updated` stamps; a run's `start_time` and `orchestrator_run_id`; a step run's `docstring`
  and `source_code`; an artifact's `has_custom_name`; a version's `visualizations` and
  `item_count`; a stack's `description` and `labels`; a component's `labels`; a pipeline's
  `description`.

No row is lost; `stackwise db upgrade` applies it to an existing store.
"""

import json
import uuid
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

DEFAULT_USER_ID = "00000000-0000-4000-8000-000000000001"


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _drop_column(table: str, column: str) -> None:
    """ALTER TABLE … DROP COLUMN in place: SQLite (3.35+) and PostgreSQL both have it, and
    unlike a batch rebuild it keeps the foreign keys that point at the table valid."""
    op.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')


def upgrade() -> None:
    now = _now()
    tags = op.create_table(
        "tags",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("color", sa.String(32), nullable=False),
        sa.Column("exclusive", sa.Boolean, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
    )
    tag_resources = op.create_table(
        "tag_resources",
        sa.Column("tag_id", sa.String(36), sa.ForeignKey("tags.id"), primary_key=True),
        sa.Column("resource_type", sa.String(32), primary_key=True),
        sa.Column("resource_id", sa.String(36), primary_key=True),
        sa.Column("created", sa.DateTime, nullable=False),
    )
    op.create_index("ix_tag_resources_resource", "tag_resources", ["resource_type", "resource_id"])
    users = op.create_table(
        "users",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("name", sa.String(255), nullable=False, unique=True),
        sa.Column("full_name", sa.String(255), nullable=False),
        sa.Column("email", sa.String(255), nullable=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("is_service_account", sa.Boolean, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
    )
    op.bulk_insert(
        users,
        [
            {
                "id": DEFAULT_USER_ID,
                "name": "default",
                "full_name": "",
                "email": None,
                "active": True,
                "is_service_account": False,
                "created": now,
                "updated": now,
            }
        ],
    )

    # move the JSON tag lists into tags / tag_resources
    conn = op.get_bind()
    tag_ids: dict[str, str] = {}
    attachments = []
    for table, resource_type in (
        ("artifacts", "artifact"),
        ("artifact_versions", "artifact_version"),
    ):
        rows = conn.execute(sa.text(f"SELECT id, tags FROM {table}")).all()  # noqa: S608
        for resource_id, raw in rows:
            # a JSON column reads back as text where the database has no JSON type (SQLite)
            names = (
                raw if isinstance(raw, list) else json.loads(raw) if isinstance(raw, str) else []
            )
            for name in dict.fromkeys(names or []):
                tag_id = tag_ids.setdefault(name, str(uuid.uuid4()))
                attachments.append(
                    {
                        "tag_id": tag_id,
                        "resource_type": resource_type,
                        "resource_id": resource_id,
                        "created": now,
                    }
                )
    if tag_ids:
        op.bulk_insert(
            tags,
            [
                {
                    "id": i,
                    "name": n,
                    "color": "grey",
                    "exclusive": False,
                    "created": now,
                    "updated": now,
                }
                for n, i in tag_ids.items()
            ],
        )
    if attachments:
        op.bulk_insert(tag_resources, attachments)

    _drop_column("artifacts", "tags")
    _drop_column("artifact_versions", "tags")
    op.add_column("artifacts", sa.Column("updated", sa.DateTime, nullable=True))
    op.add_column(
        "artifacts",
        sa.Column("has_custom_name", sa.Boolean, nullable=False, server_default=sa.true()),
    )
    op.add_column("artifact_versions", sa.Column("visualizations", sa.JSON, nullable=True))
    op.add_column("artifact_versions", sa.Column("item_count", sa.Integer, nullable=True))
    op.add_column("pipelines", sa.Column("updated", sa.DateTime, nullable=True))
    op.add_column("pipelines", sa.Column("description", sa.Text, nullable=True))
    op.add_column("pipeline_runs", sa.Column("updated", sa.DateTime, nullable=True))
    op.add_column("pipeline_runs", sa.Column("start_time", sa.DateTime, nullable=True))
    op.add_column("pipeline_runs", sa.Column("orchestrator_run_id", sa.String(255), nullable=True))
    op.add_column("step_runs", sa.Column("docstring", sa.Text, nullable=True))
    op.add_column("step_runs", sa.Column("source_code", sa.Text, nullable=True))
    op.add_column("stacks", sa.Column("updated", sa.DateTime, nullable=True))
    op.add_column("stacks", sa.Column("description", sa.Text, nullable=True))
    op.add_column("stacks", sa.Column("labels", sa.JSON, nullable=True))
    op.add_column("stack_components", sa.Column("updated", sa.DateTime, nullable=True))
    op.add_column("stack_components", sa.Column("labels", sa.JSON, nullable=True))


def downgrade() -> None:
    """Back to 0002: tag attachments of artifacts and versions return to their JSON lists;
    tags on runs and pipelines, users and the added details are dropped."""
    conn = op.get_bind()
    lists: dict[tuple[str, str], list[str]] = {}
    query = sa.text(
        "SELECT r.resource_type, r.resource_id, t.name FROM tag_resources r "
        "JOIN tags t ON t.id = r.tag_id ORDER BY r.created"
    )
    for resource_type, resource_id, name in conn.execute(query):
        lists.setdefault((resource_type, resource_id), []).append(name)
    for table in ("artifacts", "artifact_versions"):
        op.add_column(table, sa.Column("tags", sa.JSON, nullable=False, server_default="[]"))
    json_type = sa.JSON()
    for (resource_type, resource_id), names in lists.items():
        target = {"artifact": "artifacts", "artifact_version": "artifact_versions"}.get(
            resource_type
        )
        if target is not None:
            conn.execute(
                sa.table(target, sa.column("id"), sa.column("tags", json_type))
                .update()
                .where(sa.column("id") == resource_id)
                .values(tags=names)
            )
    drops = {
        "artifacts": ["updated", "has_custom_name"],
        "artifact_versions": ["visualizations", "item_count"],
        "pipelines": ["updated", "description"],
        "pipeline_runs": ["updated", "start_time", "orchestrator_run_id"],
        "step_runs": ["docstring", "source_code"],
        "stacks": ["updated", "description", "labels"],
        "stack_components": ["updated", "labels"],
    }
    for table, columns in drops.items():
        for column in columns:
            _drop_column(table, column)
    op.drop_index("ix_tag_resources_resource", "tag_resources")
    op.drop_table("tag_resources")
    op.drop_table("tags")
    op.drop_table("users")
