"""The audit chain: each event covers the previous; tampering is named exactly."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inspector.security.keys import SigningKey
from inspector.services.checkpoints import signature_problem
from inspector.storage import merkle, migrate
from inspector.storage.audit import (
    GENESIS,
    StoredTree,
    append_event,
    event_body_reference,
    event_hash,
    iter_events,
    leaf_of,
    verify_chain,
)
from inspector.storage.database import Database
from tests.helpers.insider import drop_sqlite_triggers


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
        drop_sqlite_triggers(raw)
        raw.execute("UPDATE audit_events SET data = '{\"n\":99}' WHERE seq = 4")
    with db.read() as session:
        _, broken = verify_chain(session)
    assert broken is not None and broken.seq == 4
    assert "altered" in str(broken)


def test_a_removed_event_is_found(sqlite_url: str) -> None:
    db = _db_with_events(sqlite_url, 6)
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as raw:
        drop_sqlite_triggers(raw)
        raw.execute("DELETE FROM audit_events WHERE seq = 3")
    with db.read() as session:
        _, broken = verify_chain(session)
    assert broken is not None and broken.seq == 4
    assert "removed" in str(broken)


def test_a_rewritten_hash_breaks_the_next_link(sqlite_url: str) -> None:
    db = _db_with_events(sqlite_url, 4)
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as raw:
        drop_sqlite_triggers(raw)
        raw.execute("UPDATE audit_events SET hash = ? WHERE seq = 2", ("f" * 64,))
    with db.read() as session:
        _, broken = verify_chain(session)
    assert broken is not None and broken.seq == 2


def test_the_stored_tree_is_the_tree_of_the_events(sqlite_url: str) -> None:
    db = _db_with_events(sqlite_url, 13)
    with db.read() as session:
        hashes = [e.hash for e in iter_events(session)]
        tree = StoredTree(session)
        for size in range(1, 14):
            assert tree.root(size) == merkle.root_of_leaves([leaf_of(h) for h in hashes[:size]])
        proof = tree.consistency(5, 13)
        assert merkle.verify_consistency(5, 13, tree.root(5), tree.root(13), proof)
        assert merkle.verify_inclusion(leaf_of(hashes[7]), 7, 13, tree.inclusion(7, 13), tree.root(13))


def test_the_database_refuses_to_change_or_remove_events(sqlite_url: str) -> None:
    db = _db_with_events(sqlite_url, 3)
    path = sqlite_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as raw:
        for statement in ("UPDATE audit_events SET data = '{}' WHERE seq = 2",
                          "DELETE FROM audit_events WHERE seq = 3",
                          "UPDATE audit_nodes SET hash = 'x' WHERE level = 0",
                          "DELETE FROM audit_nodes"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                raw.execute(statement)
    with db.read() as session:
        assert verify_chain(session) == (3, None)


def test_events_carry_the_station_signature(sqlite_url: str) -> None:
    key = SigningKey.generate()
    db = Database(sqlite_url)
    migrate.upgrade(db.engine)
    db.set_audit_signer(key)
    with db.transaction() as session:
        append_event(session, action="test.signed", entity="thing", entity_id=1, actor_id=None)
    with db.read() as session:
        (event,) = list(iter_events(session))
    trusted = {key.key_id: key.public_key}
    assert signature_problem(event, trusted) is None
    assert "not trust" in (signature_problem(event, {}) or "")
    assert "not signed" in (signature_problem(event._replace(signature=None), trusted) or "")
    other = event._replace(hash="f" * 64)
    assert "does not match" in (signature_problem(other, trusted) or "")


@given(st.text(), st.text(), st.one_of(st.none(), st.integers(0, 10**9)), st.integers(1, 10**12))
def test_the_fast_event_hash_hashes_the_canonical_body(text: str, data: str, actor: int | None,
                                                      seq: int) -> None:
    fields = {"prev_hash": GENESIS, "seq": seq, "at": "2026-01-01T00:00:00.000000Z", "actor_id": actor,
              "station": text, "action": "a\"b\\c\n", "entity": "ünï", "entity_id": text[:5], "data": data}
    expected = hashlib.sha256(event_body_reference(**fields).encode("utf-8")).hexdigest()
    assert event_hash(**fields) == expected
