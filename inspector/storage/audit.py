"""The audit chain: append events whose hash covers the previous one, and verify the chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from inspector.storage.models import AuditEvent

GENESIS = "0" * 64
# Every station appends through this lock on PostgreSQL; SQLite's BEGIN IMMEDIATE does the same.
_PG_AUDIT_LOCK = 7_302_113


def stamp(moment: datetime | None = None) -> str:
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(data: Mapping[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_hash(
    *, prev_hash: str, seq: int, at: str, actor_id: int | None, station: str,
    action: str, entity: str, entity_id: str, data: str,
) -> str:
    body = canonical({
        "prev": prev_hash, "seq": seq, "at": at, "actor": actor_id, "station": station,
        "action": action, "entity": entity, "entity_id": entity_id, "data": data,
    })
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append_event(
    session: Session,
    *,
    action: str,
    entity: str,
    entity_id: object,
    actor_id: int | None,
    station: str = "",
    data: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event inside the caller's transaction, so the change and its event commit together."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    at, entity_key, body = stamp(), str(entity_id), canonical(data or {})
    digest = event_hash(prev_hash=prev_hash, seq=seq, at=at, actor_id=actor_id, station=station,
                        action=action, entity=entity, entity_id=entity_key, data=body)
    event = AuditEvent(prev_hash=prev_hash, seq=seq, at=at, actor_id=actor_id, station=station,
                       action=action, entity=entity, entity_id=entity_key, data=body, hash=digest)
    session.add(event)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    event_id: int
    action: str
    problem: str

    def __str__(self) -> str:
        return f"audit event #{self.seq} ({self.action}, id {self.event_id}): {self.problem}"


def _events(session: Session, batch: int = 5000) -> Iterator[AuditEvent]:
    after = 0
    while True:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.seq > after).order_by(AuditEvent.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        after = rows[-1].seq


def verify_chain(session: Session) -> tuple[int, ChainBreak | None]:
    """Recompute every hash in order; return how many events were checked and the first break."""
    prev_hash = GENESIS
    expected_seq = 1
    count = 0
    for event in _events(session):
        count += 1
        if event.seq != expected_seq:
            return count, ChainBreak(event.seq, event.id, event.action,
                                     f"sequence jumps from #{expected_seq - 1} (an event was removed)")
        if event.prev_hash != prev_hash:
            return count, ChainBreak(event.seq, event.id, event.action,
                                     "does not follow the previous event's hash")
        recomputed = event_hash(
            prev_hash=event.prev_hash, seq=event.seq, at=event.at, actor_id=event.actor_id,
            station=event.station, action=event.action, entity=event.entity,
            entity_id=event.entity_id, data=event.data,
        )
        if recomputed != event.hash:
            return count, ChainBreak(event.seq, event.id, event.action,
                                     "its content was altered (hash does not match)")
        prev_hash = event.hash
        expected_seq += 1
    return count, None


def head(session: Session) -> tuple[int, str]:
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return (last[0], last[1]) if last else (0, GENESIS)
