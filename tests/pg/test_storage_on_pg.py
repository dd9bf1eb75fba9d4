"""The same migrations and audit chain on PostgreSQL as on SQLite."""

from __future__ import annotations

import threading
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from inspector.storage import migrate
from inspector.storage.audit import append_event, verify_chain
from inspector.storage.database import Database
from inspector.storage.models import Base

pytestmark = pytest.mark.postgres


def test_migrations_produce_the_models_schema_on_postgres(pg_url: str) -> None:
    db = Database(pg_url)
    assert migrate.needs_upgrade(db.engine)
    migrate.upgrade(db.engine)
    with db.engine.connect() as connection:
        assert connection.dialect.name == "postgresql"
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
    assert set(inspect(db.engine).get_table_names()) >= set(Base.metadata.tables)
    migrate.upgrade(db.engine)
    assert not migrate.needs_upgrade(db.engine)
    db.dispose()


def test_stations_starting_at_once_migrate_once(pg_url: str) -> None:
    """Eight stations open an empty database together: the advisory lock lets one migrate."""
    errors: list[BaseException] = []

    def start() -> None:
        db = Database(pg_url)
        try:
            migrate.upgrade(db.engine)
        except BaseException as exc:
            errors.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    db = Database(pg_url)
    assert migrate.current_revision(db.engine) == migrate.head_revision()
    db.dispose()


def test_concurrent_appends_keep_one_unbroken_chain(pg_url: str) -> None:
    """Sixteen writers append 40 events each at once: 640 events, consecutive seqs, chain verifies."""
    db = Database(pg_url)
    migrate.upgrade(db.engine)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            for event in range(40):
                with db.transaction() as session:
                    append_event(session, action="test.event", entity="writer", entity_id=number,
                                 actor_id=None, station=f"s{number}", data={"n": event})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with db.read() as session:
        count, broken = verify_chain(session)
        seqs = list(session.execute(text("SELECT seq FROM audit_events ORDER BY seq")).scalars())
    assert broken is None and count == 640
    assert seqs == list(range(1, 641))
    db.dispose()


def test_writers_that_lock_rows_in_opposite_order_queue_instead_of_deadlocking(pg_url: str) -> None:
    """Two writers change the same two rows in opposite order. Every write transaction takes the
    write lock first, so the second waits for the first instead of deadlocking (CI once saw a login
    and an event append deadlock on a user row): both succeed on their first try."""
    db = Database(pg_url)
    migrate.upgrade(db.engine)
    with db.transaction() as session:
        session.execute(text("INSERT INTO stations (name, created_at) VALUES ('a', now()), ('b', now())"))
    attempts: list[str] = []
    errors: list[BaseException] = []

    def writer(first: str, second: str) -> None:
        def work(session: object) -> None:
            attempts.append(first)
            run = session.execute  # type: ignore[attr-defined]
            run(text("UPDATE stations SET name = name WHERE name = :n"), {"n": first})
            time.sleep(0.3)  # without the lock, the other writer now holds `second`
            run(text("UPDATE stations SET name = name WHERE name = :n"), {"n": second})

        try:
            db.run_transaction(work, attempts=1)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=pair) for pair in (("a", "b"), ("b", "a"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(attempts) == ["a", "b"]
    db.dispose()


def test_run_transaction_runs_again_when_the_server_asks_for_a_retry(pg_url: str) -> None:
    """The server raises a real serialization_failure (SQLSTATE 40001) on the first try; the work
    runs again from the start and its change commits once."""
    db = Database(pg_url)
    migrate.upgrade(db.engine)
    attempts: list[int] = []

    def work(session: object) -> None:
        attempts.append(1)
        run = session.execute  # type: ignore[attr-defined]
        run(text("INSERT INTO stations (name, created_at) VALUES ('retried', now())"))
        if len(attempts) == 1:
            run(text("DO $$ BEGIN RAISE EXCEPTION 'try again' USING ERRCODE = '40001'; END $$"))

    db.run_transaction(work)
    assert len(attempts) == 2
    with db.read() as session:
        assert session.scalar(text("SELECT count(*) FROM stations WHERE name = 'retried'")) == 1
    db.dispose()
