"""Users, roles and API keys for the server: a password hash, a role and a description on
`users`; the `api_keys` of service accounts; `server_settings` (the server's JWT secret).

Existing users (the `default` user that owns a local store's entities) become admins without a
password, so nobody can log in as them until an admin gives them one. Only adds columns and
tables, so a database at the previous revision keeps every row.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("password_hash", sa.String(255), nullable=True))
    op.add_column("users", sa.Column("role", sa.String(16), nullable=False, server_default="admin"))
    op.add_column("users", sa.Column("description", sa.Text, nullable=True))
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("service_account_id", sa.String(36), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("lookup", sa.String(32), nullable=False, unique=True),
        sa.Column("key_hash", sa.String(128), nullable=False),
        sa.Column("previous_key_hash", sa.String(128), nullable=True),
        sa.Column("retain_until", sa.DateTime, nullable=True),
        sa.Column("rotation", sa.Integer, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
        sa.Column("last_login", sa.DateTime, nullable=True),
        sa.Column("last_rotated", sa.DateTime, nullable=True),
        sa.UniqueConstraint("service_account_id", "name", name="uq_api_keys_account_name"),
    )
    op.create_table(
        "server_settings",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("server_settings")
    op.drop_table("api_keys")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("description")
        batch.drop_column("role")
        batch.drop_column("password_hash")
