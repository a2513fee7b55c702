"""The schema the migrations build is the schema the code declares; the code knows which revision
it needs; a database at another revision is refused (newer: never touched; older: upgraded only
by the explicit `stackwise db upgrade`). Every test runs on SQLite and on PostgreSQL
(tests/store/conftest.py), each starting from an empty database (`empty_url`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import NullPool

from fixtures.store_backends import only_backend
from stackwise.exceptions import StoreSchemaError
from stackwise.store import get_store, reset_store_cache
from stackwise.store.sql import engine as engine_module
from stackwise.store.sql.engine import (
    MIGRATIONS_DIR,
    current_revision,
    make_engine,
    upgrade,
    write_options,
)
from stackwise.store.sql.schema import SCHEMA_REVISION, metadata
from stackwise.store.urls import engine_url


@pytest.fixture
def empty_url(
    store_url: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """The configured store's URL, its database still empty (no schema yet)."""
    if store_url.startswith("sqlite"):
        yield store_url  # the file is created on first use
        return
    server = request.getfixturevalue("postgres_server")
    url = server.create_database(empty=True)
    monkeypatch.setenv("STACKWISE_STORE_URL", url)
    reset_store_cache()
    try:
        yield url
    finally:
        reset_store_cache()
        server.drop_database(url)


def _script_directory() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config)


def _execute(url: str, *statements: str) -> None:
    """Run SQL on the database directly, as another tool would (committed at the end)."""
    if url.startswith("sqlite"):
        Path(url.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(engine_url(url), poolclass=NullPool)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


def _query(url: str, statement: str) -> list[tuple[object, ...]]:
    engine = create_engine(engine_url(url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(statement))]
    finally:
        engine.dispose()


def _set_revision(url: str, revision: str) -> None:
    _execute(url, f"UPDATE alembic_version SET version_num = '{revision}'")


def _table_counts(url: str) -> dict[str, int]:
    engine = create_engine(engine_url(url), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            tables = sorted(inspect(conn).get_table_names())
            return {
                t: int(conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() or 0)
                for t in tables
            }
    finally:
        engine.dispose()


def _store_with_data() -> None:
    store = get_store()
    pipeline = store.get_or_create_pipeline("keep_me")
    store.create_run(pipeline=pipeline, name="keep_me-run", spec={}, config={}, stack_id=None)
    reset_store_cache()


def test_fresh_database_migrated_by_alembic_equals_the_declared_schema(empty_url: str):
    engine = make_engine(empty_url)
    try:
        upgrade(engine)
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": True}
            )
            diff = compare_metadata(context, metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_the_comparison_notices_a_schema_drift(empty_url: str):
    """Guards the test above: a column the migrations do not create shows up in the diff."""
    from sqlalchemy import Column, MetaData, String

    drifted = MetaData()
    for table in metadata.tables.values():
        table.to_metadata(drifted)
    drifted.tables["pipelines"].append_column(Column("drift_probe", String(255)))
    engine = make_engine(empty_url)
    try:
        upgrade(engine)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), drifted)
    finally:
        engine.dispose()
    assert [d[0] for d in diff] == ["add_column"]


def test_the_store_creates_a_fresh_database_at_the_code_revision(empty_url: str):
    store = get_store()
    assert current_revision(store.engine) == SCHEMA_REVISION
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_schema_revision_is_the_head_of_the_migration_scripts():
    scripts = _script_directory()
    heads = scripts.get_heads()
    assert heads == [SCHEMA_REVISION], f"migration heads {heads}; exactly one expected"


def test_every_migration_file_is_named_after_its_revision():
    """The store tells known revisions from unknown ones by these file names."""
    for revision in _script_directory().walk_revisions():
        assert Path(revision.path).name.split("_", 1)[0] == revision.revision


def test_newer_unknown_revision_is_refused_and_left_untouched(empty_url: str):
    _store_with_data()
    _set_revision(empty_url, "9999")
    before = _table_counts(empty_url)

    with pytest.raises(StoreSchemaError) as info:
        get_store()

    message = str(info.value)
    assert "9999" in message
    assert SCHEMA_REVISION in message
    assert "newer" in message
    assert _table_counts(empty_url) == before
    assert _query(empty_url, "SELECT version_num FROM alembic_version") == [("9999",)]
    assert _query(empty_url, "SELECT name FROM pipeline_runs") == [("keep_me-run",)]


def test_newer_revision_is_refused_by_db_upgrade_too(empty_url: str):
    from click.testing import CliRunner

    from stackwise.cli.main import cli

    _store_with_data()
    _set_revision(empty_url, "9999")
    before = _table_counts(empty_url)

    result = CliRunner().invoke(cli, ["db", "upgrade"])

    assert result.exit_code != 0
    assert "9999" in result.output
    assert _table_counts(empty_url) == before


def _older_revisions() -> list[str]:
    return [
        r.revision for r in _script_directory().walk_revisions() if r.revision != SCHEMA_REVISION
    ]


def _migrate_to(url: str, revision: str) -> None:
    """A database as an older stackwise left it: migrated only up to `revision`."""
    from alembic import command

    engine = make_engine(url)
    try:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with engine.connect().execution_options(**write_options(engine)) as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
            conn.commit()
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "old",
    _older_revisions()
    or [pytest.param(None, marks=pytest.mark.skip(reason="only one revision exists"))],
)
def test_database_at_an_older_revision_asks_for_db_upgrade_which_keeps_its_data(
    empty_url: str, old: str
):
    from click.testing import CliRunner

    from stackwise.cli.main import cli

    _migrate_to(empty_url, old)
    _execute(
        empty_url,
        "INSERT INTO pipelines (id, name, created) VALUES "
        "('00000000-0000-0000-0000-000000000001', 'old_pipeline', "
        "'2024-01-01 00:00:00.000000')",
    )
    before = _table_counts(empty_url)

    with pytest.raises(StoreSchemaError) as info:
        get_store()
    message = str(info.value)
    assert f"revision {old}" in message
    assert SCHEMA_REVISION in message
    assert "stackwise db upgrade" in message
    assert _table_counts(empty_url) == before, "refusing must not touch the database"

    result = CliRunner().invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert SCHEMA_REVISION in result.output

    store = get_store()
    assert current_revision(store.engine) == SCHEMA_REVISION
    assert store.get_pipeline("old_pipeline").name == "old_pipeline"
    with store.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_code_ahead_of_the_database_asks_for_db_upgrade(
    empty_url: str, monkeypatch: pytest.MonkeyPatch
):
    """Simulated: the code moves on to the next revision while the database stays at today's
    head, a known (older) revision from the code's point of view."""
    _store_with_data()
    before = _table_counts(empty_url)
    ahead = f"{int(SCHEMA_REVISION) + 1:04d}"
    monkeypatch.setattr(engine_module, "SCHEMA_REVISION", ahead)

    with pytest.raises(StoreSchemaError) as info:
        get_store()

    message = str(info.value)
    assert f"revision {SCHEMA_REVISION}" in message
    assert ahead in message
    assert "stackwise db upgrade" in message
    assert _table_counts(empty_url) == before


def test_a_database_with_foreign_tables_is_refused(empty_url: str):
    _execute(
        empty_url,
        "CREATE TABLE something_else (id INTEGER)",
        "INSERT INTO something_else VALUES (1)",
    )

    with pytest.raises(StoreSchemaError, match="tables that stackwise did not create"):
        get_store()
    assert _table_counts(empty_url) == {"something_else": 1}


@only_backend("sqlite")
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(stackwise_home: Path):
    store = get_store()
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_reopening_a_current_database_runs_no_migration(
    empty_url: str, monkeypatch: pytest.MonkeyPatch
):
    _store_with_data()

    def no_upgrade(*_args: object) -> None:
        raise AssertionError("a current database must not be migrated again")

    monkeypatch.setattr(engine_module, "upgrade", no_upgrade)
    assert get_store().get_run("keep_me-run").name == "keep_me-run"


def test_plain_engine_sees_the_alembic_version_table(empty_url: str):
    get_store()
    engine = create_engine(engine_url(empty_url))
    try:
        assert current_revision(engine) == SCHEMA_REVISION
    finally:
        engine.dispose()


# -- upgrades from older revisions -----------------------------------------------------------
def test_a_0001_database_upgraded_to_head_equals_the_declared_schema(empty_url: str):
    """0001 and 0002 are frozen as explicit operations; applied one after another with every
    later revision, they build exactly the schema the code declares."""
    _migrate_to(empty_url, "0001")
    engine = make_engine(empty_url)
    try:
        upgrade(engine)
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "compare_server_default": True}
            )
            assert compare_metadata(context, metadata) == []
    finally:
        engine.dispose()


def test_db_upgrade_moves_0002_artifact_tags_into_tag_entities(empty_url: str):
    """0003 turns the JSON tag lists of artifacts and versions into tags and attachments."""
    from stackwise.client import Client

    _migrate_to(empty_url, "0002")
    now = "'2024-01-01 00:00:00.000000'"
    _execute(
        empty_url,
        f"INSERT INTO artifacts (id, name, created, tags) VALUES "
        f"('a0000000-0000-4000-8000-000000000001', 'data', {now}, '[\"raw\"]')",
        "INSERT INTO artifact_versions (id, artifact_id, version, version_number, uri, "
        "materializer, data_type, artifact_type, save_type, tags, format, created) VALUES "
        "('b0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001', "
        "'1', 1, '/tmp/x', 'm:M', 'builtins:int', 'DataArtifact', 'manual', "
        f"'[\"gold\", \"raw\"]', '{{}}', {now})",
    )
    engine = make_engine(empty_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    client = Client()
    assert [t.name for t in client.get_artifact("data").tags] == ["raw"]
    assert sorted(t.name for t in client.get_artifact_version("data", "1").tags) == ["gold", "raw"]
    assert client.get_tag("raw").tagged_count == 2


def test_db_upgrade_adds_the_secrets_table_to_a_0001_database_and_keeps_its_runs(
    empty_url: str,
):
    from click.testing import CliRunner

    from stackwise.cli.main import cli
    from stackwise.client import Client

    _migrate_to(empty_url, "0001")
    _execute(
        empty_url,
        "INSERT INTO pipelines (id, name, created) VALUES ('p-1', 'old_pipeline', "
        "'2024-01-01 00:00:00.000000')",
        "INSERT INTO pipeline_runs (id, name, pipeline_id, status, spec, config, "
        "created) VALUES ('00000000-0000-0000-0000-00000000000a', 'old-run', "
        "'p-1', 'completed', '{}', '{}', '2024-01-01 00:00:00.000000')",
    )
    assert "secrets" not in _table_counts(empty_url)

    with pytest.raises(
        StoreSchemaError,
        match=f"revision 0001; this stackwise needs "
        f"{SCHEMA_REVISION}. Back it up, then run: "
        "stackwise db upgrade",
    ):
        get_store()

    result = CliRunner().invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"from revision 0001 to {SCHEMA_REVISION}" in result.output

    run = get_store().get_run("old-run")
    assert (run.pipeline_name, run.status) == ("old_pipeline", "completed")
    assert _table_counts(empty_url)["secrets"] == 0
    Client().create_secret("db", {"password": "pw"})
    assert Client().get_secret("db").secret_values == {"password": "pw"}


def test_db_upgrade_to_0005_keeps_artifact_versions_which_load_unverified(
    empty_url: str, stackwise_home: Path
):
    """0005 adds the checksum and the corruption mark; versions saved before have neither:
    they load as before and `artifact verify` reports them unverified."""
    from click.testing import CliRunner

    from stackwise.cli.main import cli
    from stackwise.client import Client

    _migrate_to(empty_url, "0004")
    folder = stackwise_home / "old-artifact"
    folder.mkdir(parents=True)
    (folder / "data.json").write_text('{"type": "list", "items": [1, 2]}')
    now = "'2024-01-01 00:00:00.000000'"
    _execute(
        empty_url,
        f"INSERT INTO artifacts (id, name, created) VALUES "
        f"('a0000000-0000-4000-8000-000000000001', 'old', {now})",
        "INSERT INTO artifact_versions (id, artifact_id, version, version_number, uri, "
        "materializer, data_type, artifact_type, save_type, format, created) VALUES "
        "('b0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000001', "
        f"'1', 1, '{folder}', "
        "'stackwise.materializers.built_in_materializer:BuiltInContainerMaterializer', "
        f"'builtins:list', 'BaseArtifact', 'manual', '{{}}', {now})",
    )

    assert CliRunner().invoke(cli, ["db", "upgrade"]).exit_code == 0

    version = Client().get_artifact_version("old", "1")
    assert (version.checksum, version.corrupted) == (None, None)
    assert version.load() == [1, 2]
    result = CliRunner().invoke(cli, ["artifact", "verify", "-o", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["items"][0]["status"] == "unverified"


def test_db_upgrade_to_0006_adds_models_and_keeps_runs_and_artifacts(empty_url: str):
    """0006 adds the Model Control Plane's tables (empty); a 0005 database keeps working, and
    artifact versions saved then can be linked to a model version."""
    from click.testing import CliRunner

    from stackwise import save_artifact
    from stackwise.cli.main import cli
    from stackwise.client import Client

    _migrate_to(empty_url, "0005")
    assert "models" not in _table_counts(empty_url)
    assert CliRunner().invoke(cli, ["db", "upgrade"]).exit_code == 0
    counts = _table_counts(empty_url)
    for table in ("models", "model_versions", "model_version_artifacts", "model_version_runs"):
        assert counts[table] == 0
    saved = save_artifact(1, "kept")
    version = Client().create_model_version(Client().create_model("churn").id)
    Client().store.link_artifacts_to_model_version(str(version.id), [str(saved.id)])
    assert Client().get_model_version("churn").get_artifact("kept").id == saved.id


def test_0010_schedules_downgrades_and_upgrades_keeping_runs(empty_url: str):
    """0010 adds the schedules table and each run's schedule_id (null for runs made before):
    a store at head taken down to 0009 and back up keeps its runs, now without a schedule."""
    from alembic import command
    from click.testing import CliRunner

    from stackwise import pipeline, step
    from stackwise.cli.main import cli
    from stackwise.client import Client

    @step
    def one() -> int:
        return 1

    @pipeline
    def kept() -> None:
        one()

    run = kept()
    assert run is not None
    reset_store_cache()
    engine = make_engine(empty_url)
    try:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with engine.connect().execution_options(**write_options(engine)) as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0009")
            conn.commit()
    finally:
        engine.dispose()
    assert "schedules" not in _table_counts(empty_url)
    assert CliRunner().invoke(cli, ["db", "upgrade"]).exit_code == 0
    assert _table_counts(empty_url)["schedules"] == 0
    again = Client().get_pipeline_run(run.id)
    assert again.status == "completed" and again.schedule is None
    assert Client().list_pipeline_runs(schedule_id="isnull:").total == 1
