"""Creating the engine and keeping the schema at the revision this code expects.

SQLite gets WAL (readers never block the writer), `synchronous=NORMAL` (durable at checkpoints,
no fsync per commit) and a busy timeout; write transactions start with BEGIN IMMEDIATE so two
processes never deadlock upgrading a read lock. Migrations run on first creation or by the
explicit `stackwise db upgrade`; a database with a newer schema is refused, never touched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text

from stackwise.exceptions import StoreSchemaError
from stackwise.store.sql.schema import SCHEMA_REVISION

WRITE_OPTION = "stackwise_write"
SINGLE_READ_OPTION = "stackwise_single_read"  # one SELECT: no BEGIN/ROLLBACK round trip
MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        database = url.split("///", 1)[-1]
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        _tune_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        if options.get(SINGLE_READ_OPTION, False):
            return  # a lone SELECT is consistent by itself in SQLite's autocommit mode
        conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get(WRITE_OPTION, False) else "BEGIN")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine) -> None:
    """Run every pending migration (what `stackwise db upgrade` does)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect().execution_options(**{WRITE_OPTION: True}) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        conn.commit()


def ensure_schema(engine: Engine, url: str) -> None:
    revision = current_revision(engine)
    if revision == SCHEMA_REVISION:
        return
    if revision is None:
        with engine.connect() as conn:
            empty = not inspect(conn).get_table_names()
        if not empty:
            raise StoreSchemaError(
                f"The database at {url} holds tables that stackwise did not create. "
                "Point STACKWISE_STORE_URL at an empty or stackwise database."
            )
        upgrade(engine)  # first creation
        return
    known = {p.name.split("_", 1)[0] for p in (MIGRATIONS_DIR / "versions").glob("[0-9]*.py")}
    if revision not in known:
        raise StoreSchemaError(
            f"The metadata store at {url} has schema revision {revision}, newer than this "
            f"stackwise (revision {SCHEMA_REVISION}). Upgrade stackwise: pip install -U stackwise."
        )
    raise StoreSchemaError(
        f"The metadata store at {url} has schema revision {revision}; this stackwise needs "
        f"{SCHEMA_REVISION}. Back it up, then run: stackwise db upgrade"
    )
