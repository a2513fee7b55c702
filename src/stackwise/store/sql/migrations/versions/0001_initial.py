"""The first schema.

Revision 0001 creates the tables exactly as `schema.py` declares them. The day `schema.py`
changes, this file gets a frozen copy of today's tables and the change gets its own revision
(tests/store/test_migrations.py fails until the migrated schema equals `schema.metadata`).
"""

from alembic import op

from stackwise.store.sql.schema import metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    metadata.create_all(bind=op.get_bind())


def downgrade() -> None:
    metadata.drop_all(bind=op.get_bind())
