"""Database.run_transaction: which errors are run again and which reach the caller at once."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from inspector.storage import migrate
from inspector.storage.database import Database

ADD_STATION = "INSERT INTO stations (name, created_at) VALUES (:n, CURRENT_TIMESTAMP)"


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


def _db(sqlite_url: str) -> Database:
    db = Database(sqlite_url)
    migrate.upgrade(db.engine)
    return db


@pytest.mark.parametrize("sqlstate", ["40001", "40P01"])
def test_serialisation_failures_and_deadlocks_run_again(sqlite_url: str, sqlstate: str) -> None:
    db = _db(sqlite_url)
    calls: list[int] = []

    def work(session: Session) -> str:
        calls.append(1)
        session.execute(text(ADD_STATION), {"n": f"s{len(calls)}"})
        if len(calls) < 3:
            raise OperationalError("UPDATE ...", {}, _PgError(sqlstate))
        return "done"

    assert db.run_transaction(work) == "done"
    assert len(calls) == 3
    with db.read() as session:  # the failed attempts were rolled back whole
        assert session.execute(text("SELECT name FROM stations")).scalars().all() == ["s3"]


def test_other_errors_reach_the_caller_at_once(sqlite_url: str) -> None:
    db = _db(sqlite_url)
    calls: list[int] = []

    def work(_session: Session) -> None:
        calls.append(1)
        raise OperationalError("SELECT", {}, _PgError("42P01"))

    with pytest.raises(OperationalError):
        db.run_transaction(work)
    assert len(calls) == 1


def test_duplicates_run_again_only_when_asked(sqlite_url: str) -> None:
    db = _db(sqlite_url)
    with db.transaction() as session:
        session.execute(text(ADD_STATION), {"n": "taken"})

    def insert_taken(session: Session) -> None:
        session.execute(text(ADD_STATION), {"n": "taken"})

    with pytest.raises(IntegrityError):
        db.run_transaction(insert_taken)
    calls: list[int] = []

    def insert_then_find(session: Session) -> int:
        calls.append(1)
        if len(calls) == 1:
            session.execute(text(ADD_STATION), {"n": "taken"})
        return int(session.execute(text("SELECT count(*) FROM stations")).scalar_one())

    assert db.run_transaction(insert_then_find, retry_on_duplicate=True) == 1
    assert len(calls) == 2
