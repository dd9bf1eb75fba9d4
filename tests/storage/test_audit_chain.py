"""The audit chain: each event covers the previous; tampering is named exactly."""

from __future__ import annotations

import sqlite3

from inspector.storage import migrate
from inspector.storage.audit import GENESIS, append_event, verify_chain
from inspector.storage.database import Database


def _db_with_events(url: str, count: int) -> Database:
    db = Database(url)
    migrate.upgrade(db.engine)
    for number in range(count):
        with db.transaction() as session:
            append_event(session, action="test.event", entity="thing", entity_id=number,
                         actor_id=None, data={"n": number, "text": "ünïcode"})
    return db


def test_intact_chain_verifies(sqlite_url: str) -> None:
    db = _db_with_events(sqlite_url, 5)
    with db.read() as session:
        count, broken = verify_chain(session)
    assert (count, broken) == (5, None)


def test_first_event_links_to_genesis(sqlite_url: str) -> None:
    db = _db_with_events(sqlite_url, 2)
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT prev_hash FROM audit_events WHERE seq = 1").fetchone()[0] == GENESIS
    db.dispose()


def test_a_changed_field_names_that_event(sqlite_url: str) -> None:
    db = _db_with_events(sqlite_url, 6)
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE audit_events SET data = '{\"n\":99}' WHERE seq = 4")
    with db.read() as session:
        _, broken = verify_chain(session)
    assert broken is not None and broken.seq == 4
    assert "altered" in str(broken)


def test_a_removed_event_is_found(sqlite_url: str) -> None:
    db = _db_with_events(sqlite_url, 6)
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as raw:
        raw.execute("DELETE FROM audit_events WHERE seq = 3")
    with db.read() as session:
        _, broken = verify_chain(session)
    assert broken is not None and broken.seq == 4
    assert "removed" in str(broken)


def test_a_rewritten_hash_breaks_the_next_link(sqlite_url: str) -> None:
    db = _db_with_events(sqlite_url, 4)
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE audit_events SET hash = ? WHERE seq = 2", ("f" * 64,))
    with db.read() as session:
        _, broken = verify_chain(session)
    assert broken is not None and broken.seq == 2
