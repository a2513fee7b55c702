"""Creating the engine and keeping the schema at the revision this code expects.

SQLite gets WAL (readers never block the writer), `synchronous=NORMAL` (durable at checkpoints,
no fsync per commit) and a busy timeout; write transactions start with BEGIN IMMEDIATE so two
processes never deadlock upgrading a read lock. PostgreSQL (psycopg 3) gets the same one-writer
rule from a transaction-scoped advisory lock that every write transaction takes first: the
read-then-write steps (a version's next number, a tag created on first use, the schema created
by the first of several processes) stay race-free without per-query locking, while reads never
wait. Reads run in autocommit: at READ COMMITTED a transaction would give them no more
consistency (each statement sees its own snapshot), only a BEGIN and a ROLLBACK round trip
each; a write's connection switches to READ COMMITTED (`write_options`). A PostgreSQL that is
down or refuses the login raises StoreUnavailableError within CONNECT_TIMEOUT seconds, naming
the URL without its password.

Migrations run on first creation or by the explicit `stackwise db upgrade`; a database with a
newer schema is refused, never touched.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text

from stackwise.exceptions import ConfigError, StoreSchemaError, StoreUnavailableError
from stackwise.store.sql.schema import SCHEMA_REVISION
from stackwise.store.urls import dialect_of, engine_url, hide_password

WRITE_OPTION = "stackwise_write"
SINGLE_READ_OPTION = "stackwise_single_read"  # one SELECT: no BEGIN/ROLLBACK round trip
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_WAL_RETRIES = 40  # ~8 s in all
CONNECT_TIMEOUT = 5  # seconds; a `connect_timeout` in the URL's query wins
# pg_advisory_xact_lock key of the write lock: any constant; this one spells "stackwis"
_WRITE_LOCK_KEY = 0x737461636B776973


def make_engine(url: str) -> Engine:
    if dialect_of(url) == "sqlite":
        database = url.split("///", 1)[-1]
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        _tune_sqlite(engine)
        return engine
    return _postgres_engine(url)


def _postgres_engine(url: str) -> Engine:
    try:
        import psycopg
    except ImportError:
        raise ConfigError(
            f"The store URL {hide_password(url)} is a PostgreSQL database, which needs the "
            "psycopg driver: pip install 'stackwise[postgres]'."
        ) from None
    connect_args: dict[str, Any] = {"application_name": "stackwise"}
    if "connect_timeout=" not in url:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT
    engine = create_engine(
        engine_url(url),
        isolation_level="AUTOCOMMIT",  # reads; writes: write_options()
        pool_pre_ping=True,  # a connection the server dropped is replaced, not handed out
        pool_size=5,
        max_overflow=10,
        pool_recycle=1800,
        connect_args=connect_args,
    )

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(WRITE_OPTION, False):
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_WRITE_LOCK_KEY})")

    @event.listens_for(engine, "handle_error")
    def _on_error(context: Any) -> None:
        unreachable = context.is_disconnect or (
            context.connection is None
            and isinstance(context.original_exception, psycopg.OperationalError)
        )
        if context.is_pre_ping or not unreachable:
            return
        reason = str(context.original_exception).strip().splitlines()
        raise StoreUnavailableError(
            f"Cannot reach the metadata store's database at {hide_password(url)}: "
            f"{reason[0] if reason else type(context.original_exception).__name__}. Check that "
            "PostgreSQL runs there and accepts this user and password (STACKWISE_STORE_URL, or "
            "store_url in the global config)."
        ) from context.original_exception

    return engine


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (below)
        cursor = dbapi_connection.cursor()
        _switch_to_wal(cursor)
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


def write_options(engine: Engine) -> dict[str, Any]:
    """Execution options of a write transaction's connection: the store's write lock, and on
    PostgreSQL a real transaction (its reads run in autocommit)."""
    if engine.dialect.name == "postgresql":
        return {WRITE_OPTION: True, "isolation_level": "READ COMMITTED"}
    return {WRITE_OPTION: True}


def _switch_to_wal(cursor: Any) -> None:
    """PRAGMA journal_mode=WAL, retried: on a new file, processes opening it at once race to
    switch it, and SQLite answers "database is locked" without waiting on the busy timeout."""
    import sqlite3

    for attempt in range(_WAL_RETRIES):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == _WAL_RETRIES - 1:
                raise
            time.sleep(0.01 * (attempt + 1))


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return _revision(conn)


def _revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine) -> None:
    """Run every pending migration (what `stackwise db upgrade` does)."""
    with engine.connect().execution_options(**write_options(engine)) as conn:
        _upgrade(conn)


def _upgrade(conn: Connection) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = conn
    command.upgrade(config, "head")
    conn.commit()


def ensure_schema(engine: Engine, url: str) -> None:
    url = hide_password(url)  # only shown from here on
    revision = current_revision(engine)
    if revision == SCHEMA_REVISION:
        return
    if revision is None:  # first creation, under the write lock: processes may race here
        with engine.connect().execution_options(**write_options(engine)) as conn:
            conn.begin()
            revision = _revision(conn)  # another process may have created it meanwhile
            if revision is None:
                if inspect(conn).get_table_names():
                    raise StoreSchemaError(
                        f"The database at {url} holds tables that stackwise did not create. "
                        "Point STACKWISE_STORE_URL at an empty or stackwise database."
                    )
                _upgrade(conn)
                return
        if revision == SCHEMA_REVISION:
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
