"""What an insider with database access can do: drop SQLite's triggers, rewrite the chain and the
tree as the code would have written them, forge events. The attack suite uses these."""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import Connection, text

from inspector.storage import merkle
from inspector.storage.audit import GENESIS, canonical, event_hash, leaf_of, stamp


def drop_sqlite_triggers(raw: sqlite3.Connection) -> list[str]:
    """The owner of a SQLite file can drop any trigger; returns the names dropped."""
    names = [row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")]
    for name in names:
        raw.execute(f"DROP TRIGGER {name}")
    return names


def rehash_chain(conn: Connection) -> int:
    """Renumber from 1 and recompute every link and hash, then the whole tree: a chain that checks.
    Signatures cannot be redone without the key; they are left as they were. Returns the size."""
    rows = conn.execute(text("SELECT id, at, actor_id, station, action, entity, entity_id, data "
                             "FROM audit_events ORDER BY seq")).all()
    conn.execute(text("UPDATE audit_events SET seq = -seq"))  # out of the unique constraint's way
    prev = GENESIS
    for seq, (row_id, at, actor, station, action, entity, entity_id, data) in enumerate(rows, start=1):
        digest = event_hash(prev_hash=prev, seq=seq, at=at, actor_id=actor, station=station, action=action,
                            entity=entity, entity_id=entity_id, data=data)
        conn.execute(text("UPDATE audit_events SET seq = :seq, prev_hash = :prev, hash = :hash "
                          "WHERE id = :id"), {"seq": seq, "prev": prev, "hash": digest, "id": row_id})
        prev = digest
    rebuild_tree(conn)
    return len(rows)


def rebuild_tree(conn: Connection) -> None:
    hashes = [row[0] for row in conn.execute(text("SELECT hash FROM audit_events ORDER BY seq"))]
    conn.execute(text("DELETE FROM audit_nodes"))
    nodes = [{"l": lv, "i": ix, "h": h.hex()}
             for lv, ix, h in merkle.complete_subtrees([leaf_of(h) for h in hashes])]
    if nodes:
        conn.execute(text("INSERT INTO audit_nodes (level, idx, hash) VALUES (:l, :i, :h)"), nodes)


def forge_event(conn: Connection, *, action: str, entity: str, entity_id: object, actor_id: int | None,
                data: dict[str, Any], signature: str | None = None) -> int:
    """Append an event exactly as append_event would, chain and tree included, but unsigned."""
    seq, prev = conn.execute(text("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")).one()
    seq += 1
    at, body = stamp(), canonical(data)
    digest = event_hash(prev_hash=prev, seq=seq, at=at, actor_id=actor_id, station="bench-1", action=action,
                        entity=entity, entity_id=str(entity_id), data=body)
    conn.execute(text("INSERT INTO audit_events (seq, at, actor_id, station, action, entity, entity_id, "
                      "data, prev_hash, hash, signature) VALUES (:seq, :at, :actor, 'bench-1', :action, "
                      ":entity, :eid, :data, :prev, :hash, :sig)"),
                 {"seq": seq, "at": at, "actor": actor_id, "action": action, "entity": entity,
                  "eid": str(entity_id), "data": body, "prev": prev, "hash": digest, "sig": signature})
    pending: dict[int, bytes] = {}
    # The new leaf's subtrees: recompute from all leaves (simple; the attacker has time).
    hashes = [row[0] for row in conn.execute(text("SELECT hash FROM audit_events ORDER BY seq"))]
    have = {(lv, ix) for lv, ix in conn.execute(text("SELECT level, idx FROM audit_nodes"))}
    new = [{"l": lv, "i": ix, "h": h.hex()}
           for lv, ix, h in merkle.complete_subtrees([leaf_of(h) for h in hashes], 0, pending)
           if (lv, ix) not in have]
    conn.execute(text("INSERT INTO audit_nodes (level, idx, hash) VALUES (:l, :i, :h)"), new)
    return seq
