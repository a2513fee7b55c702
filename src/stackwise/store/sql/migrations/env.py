"""Alembic environment: migrations always run on a connection the SqlStore hands over."""

from alembic import context

from stackwise.store.sql.schema import metadata

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=True,  # SQLite can only ALTER through table copies
)
with context.begin_transaction():
    context.run_migrations()
