"""Artifact version checksums and the corruption mark.

- `checksum`: the version's files as saved (relative path -> size and CRC-32), which loads,
  cache hits and `stackwise artifact verify` check the files against (see
  `stackwise.materializers.integrity`).
- `corrupted`: set when the files were found broken (`{"reason", "found"}`); a version with it
  is never used as a cache hit again.

Only adds nullable columns, so a database at 0004 keeps every row (its versions have no
checksum: they are loaded as before and reported `unverified`); `stackwise db upgrade`
applies it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("artifact_versions", sa.Column("checksum", sa.JSON, nullable=True))
    op.add_column("artifact_versions", sa.Column("corrupted", sa.JSON, nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN in place (SQLite 3.35+, PostgreSQL), as 0003 does
    op.execute('ALTER TABLE "artifact_versions" DROP COLUMN "corrupted"')
    op.execute('ALTER TABLE "artifact_versions" DROP COLUMN "checksum"')
