"""Alembic migrations run from code: on first start, by `inspector db upgrade`, and in tests."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

MIGRATIONS = Path(__file__).with_name("migrations")
# Keeps two stations that start at once from migrating the same PostgreSQL database together.
_PG_MIGRATION_LOCK = 7_302_114


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def refresh_statistics(engine: Engine) -> None:
    """ANALYZE: the planner's statistics, which the desk's queries rely on to pick their indexes.

    PostgreSQL's autovacuum keeps them fresh by itself; SQLite has no daemon, so `inspector db
    upgrade` refreshes them (seconds for a year of data)."""
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))


def needs_upgrade(engine: Engine) -> bool:
    return current_revision(engine) != head_revision()
