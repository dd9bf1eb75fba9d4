"""Migrations build exactly the schema the models describe, on an empty database and on upgrade."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from inspector.storage import migrate
from inspector.storage.database import Database
from inspector.storage.models import Base


def test_migrations_produce_the_models_schema(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    migrate.upgrade(db.engine)
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
    assert set(inspect(db.engine).get_table_names()) >= set(Base.metadata.tables)


def test_upgrade_is_idempotent_and_reports_head(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    assert migrate.needs_upgrade(db.engine)
    migrate.upgrade(db.engine)
    migrate.upgrade(db.engine)
    assert migrate.current_revision(db.engine) == migrate.head_revision()
    assert not migrate.needs_upgrade(db.engine)


def test_sqlite_runs_with_wal_and_foreign_keys(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
