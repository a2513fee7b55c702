"""`stackwise db`: the metadata store's schema.

`db upgrade` talks to the engine directly: opening the store (`get_store()`) on an old schema
refuses to start, which is exactly the situation this command exists to fix.
"""

from __future__ import annotations

import click


@click.group()
def db() -> None:
    """Manage the metadata store's schema."""


@db.command()
def upgrade() -> None:
    """Run the pending schema migrations on the configured metadata store.

    Back the database up first. The store is the one STACKWISE_STORE_URL or the global config
    names (default: SQLite under STACKWISE_HOME).
    """
    from stackwise.config.global_config import GlobalConfig
    from stackwise.exceptions import StoreSchemaError
    from stackwise.store.sql.engine import current_revision, make_engine
    from stackwise.store.sql.engine import upgrade as run_migrations
    from stackwise.store.urls import hide_password

    raw_url = GlobalConfig().store_url
    url = hide_password(raw_url)  # what is shown
    engine = make_engine(raw_url)
    try:
        before = current_revision(engine)
        try:
            run_migrations(engine)
        except Exception as error:
            # Alembic says "Can't locate revision" when the database is newer than this code.
            if type(error).__module__.startswith("alembic"):
                raise StoreSchemaError(
                    f"Cannot upgrade the metadata store at {url} (at revision {before}): "
                    f"{error}. If it was written by a newer stackwise, upgrade stackwise "
                    "instead: pip install -U stackwise."
                ) from error
            raise
        after = current_revision(engine)
    finally:
        engine.dispose()
    if before == after:
        click.echo(f"The metadata store at {url} is up to date (revision {after}).")
    else:
        click.secho(
            f"Upgraded the metadata store at {url} from revision {before or '(empty)'} to {after}.",
            fg="green",
        )
