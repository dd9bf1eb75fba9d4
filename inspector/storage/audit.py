"""The audit log: a hash chain of events, also the leaves of an RFC 9162 Merkle tree, each signed.

Every event's hash covers the previous event's hash (the chain names the first broken event); the
event hashes are the leaves of a Merkle tree whose complete subtrees are stored in `audit_nodes` as
events are appended, so a signed checkpoint (root of the first n events) and the proofs that a later
log extends it, or that an event is in it, cost O(log n) reads (storage/merkle.py, docs/audit-log.md).
Each event also carries the appending station's Ed25519 signature over its hash: an event forged
straight into the table after the last checkpoint has none that verifies.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from json.encoder import encode_basestring as _quote  # what json.dumps(ensure_ascii=False) uses
from typing import Any, NamedTuple, Protocol

from sqlalchemy import and_, or_, select, text
from sqlalchemy.orm import Session

from inspector.storage import merkle
from inspector.storage.database import PG_WRITE_LOCK
from inspector.storage.models import AuditEvent, AuditNode

GENESIS = "0" * 64
_sha256 = hashlib.sha256
# Every station appends under the write lock on PostgreSQL (taken again here for a session that
# did not come from Database.transaction; a transaction-level lock taken twice is held once).
_PG_AUDIT_LOCK = PG_WRITE_LOCK
SIGNED_PREFIX = b"inspector audit event\n"


class EventSigner(Protocol):
    """What signs events: the station's key (inspector.security.keys.SigningKey fits)."""

    @property
    def key_id(self) -> str: ...

    def sign(self, message: bytes) -> bytes: ...


def stamp(moment: datetime | None = None) -> str:
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(data: Mapping[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_hash(
    *, prev_hash: str, seq: int, at: str, actor_id: int | None, station: str,
    action: str, entity: str, entity_id: str, data: str,
) -> str:
    """SHA-256 of canonical({prev, seq, at, actor, station, action, entity, entity_id, data}).

    Written out by hand in the canonical key order (the same bytes, tested against `canonical`):
    verifying a million events spends most of its time here, and json.dumps costs ~10x more.
    """
    q = _quote
    body = (f'{{"action":{q(action)},"actor":{"null" if actor_id is None else int(actor_id)},'
            f'"at":{q(at)},"data":{q(data)},"entity":{q(entity)},"entity_id":{q(entity_id)},'
            f'"prev":{q(prev_hash)},"seq":{int(seq)},"station":{q(station)}}}')
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def event_body_reference(**fields: Any) -> str:
    """What event_hash hashes, the slow and obvious way (for tests)."""
    return canonical({"prev": fields["prev_hash"], "seq": fields["seq"], "at": fields["at"],
                      "actor": fields["actor_id"], "station": fields["station"], "action": fields["action"],
                      "entity": fields["entity"], "entity_id": fields["entity_id"], "data": fields["data"]})


def signed_message(digest: str) -> bytes:
    return SIGNED_PREFIX + digest.encode("ascii")


def sign_event(signer: EventSigner, digest: str) -> str:
    """`<key id>:<base64 Ed25519 signature>` over the event's hash."""
    return f"{signer.key_id}:{base64.b64encode(signer.sign(signed_message(digest))).decode('ascii')}"


def leaf_of(digest: str) -> bytes:
    """The Merkle leaf of an event: its chain hash, as RFC 9162 leaf data."""
    return merkle.leaf_hash(bytes.fromhex(digest))


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
    signer: EventSigner | None = session.info.get("audit_signer")
    event = AuditEvent(prev_hash=prev_hash, seq=seq, at=at, actor_id=actor_id, station=station,
                       action=action, entity=entity, entity_id=entity_key, data=body, hash=digest,
                       signature=sign_event(signer, digest) if signer else None)
    session.add(event)
    _add_leaf(session, seq - 1, leaf_of(digest))
    session.flush()
    session.info.setdefault("audit_actions", set()).add(action)
    return event


def _add_leaf(session: Session, index: int, leaf: bytes) -> None:
    """Store the leaf and every subtree it completes (on average one more node per event)."""
    wanted = []
    level, position = 0, index
    while position & 1:
        wanted.append((level, position - 1))
        level, position = level + 1, position >> 1
    siblings: dict[tuple[int, int], bytes] = {}
    if wanted:
        rows = session.execute(select(AuditNode.level, AuditNode.idx, AuditNode.hash).where(
            or_(*(and_(AuditNode.level == lv, AuditNode.idx == ix) for lv, ix in wanted)))).all()
        siblings = {(lv, ix): bytes.fromhex(h) for lv, ix, h in rows}
    current = leaf
    session.add(AuditNode(level=0, idx=index, hash=current.hex()))
    for level, sibling_index in wanted:
        sibling = siblings.get((level, sibling_index))
        if sibling is None:
            raise TreeDamaged(f"the audit tree lacks node {level}/{sibling_index}")
        current = merkle.node_hash(sibling, current)
        session.add(AuditNode(level=level + 1, idx=sibling_index >> 1, hash=current.hex()))


class TreeDamaged(Exception):
    """A stored subtree the tree needs is missing: the audit_nodes table was tampered with."""


class StoredTree:
    """Complete subtrees read from audit_nodes on demand (a proof needs O(log n) of them)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._cache: dict[tuple[int, int], bytes] = {}

    def subtree(self, start: int, size: int) -> bytes:
        level = size.bit_length() - 1
        key = (level, start >> level)
        if key not in self._cache:
            found = self.session.scalar(select(AuditNode.hash).where(
                AuditNode.level == key[0], AuditNode.idx == key[1]))
            if found is None:
                raise TreeDamaged(f"the audit tree lacks node {key[0]}/{key[1]} (leaves {start}-"
                                  f"{start + size - 1})")
            self._cache[key] = bytes.fromhex(found)
        return self._cache[key]

    def prefetch(self, work: Callable[[merkle.Subtree], object]) -> None:
        """Read in one query every node `work` will ask for (a dry run records them): a proof's
        ~60 nodes in one round trip to the server instead of sixty."""
        wanted: set[tuple[int, int]] = set()

        def record(start: int, size: int) -> bytes:
            level = size.bit_length() - 1
            if (level, start >> level) not in self._cache:
                wanted.add((level, start >> level))
            return bytes(32)

        work(record)
        if wanted:
            levels: dict[int, list[int]] = {}
            for level, index in wanted:
                levels.setdefault(level, []).append(index)
            # One primary-key lookup per level (a row-value IN list makes SQLite scan the table).
            query = select(AuditNode.level, AuditNode.idx, AuditNode.hash).where(or_(*(
                and_(AuditNode.level == level, AuditNode.idx.in_(indexes))
                for level, indexes in levels.items())))
            rows = self.session.connection().execute(query)
            self._cache.update({(lv, ix): bytes.fromhex(h) for lv, ix, h in rows})

    def prefetch_proof(self, old_size: int, new_size: int) -> None:
        """Everything root(old), root(new) and the consistency proof between them need."""
        def work(subtree: merkle.Subtree) -> None:
            for size in (old_size, new_size):
                if size:
                    merkle.range_hash(subtree, 0, size)
            if 0 < old_size < new_size:
                merkle.consistency_proof(subtree, old_size, new_size)
        self.prefetch(work)

    def root(self, size: int) -> bytes:
        return merkle.EMPTY_ROOT if size == 0 else merkle.range_hash(self.subtree, 0, size)

    def consistency(self, old_size: int, new_size: int) -> list[bytes]:
        return merkle.consistency_proof(self.subtree, old_size, new_size)

    def inclusion(self, index: int, size: int) -> list[bytes]:
        return merkle.inclusion_proof(self.subtree, index, size)


def log_size(session: Session) -> int:
    return int(session.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1)) or 0)


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    event_id: int
    action: str
    problem: str

    def __str__(self) -> str:
        return f"audit event #{self.seq} ({self.action}, id {self.event_id}): {self.problem}"


class EventRow(NamedTuple):
    id: int
    seq: int
    at: str
    actor_id: int | None
    station: str
    action: str
    entity: str
    entity_id: str
    data: str
    prev_hash: str
    hash: str
    signature: str | None


_SELECT_EVENTS = ("SELECT id, seq, at, actor_id, station, action, entity, entity_id, data, prev_hash, hash, "
                  "signature FROM audit_events WHERE seq > {after} ORDER BY seq LIMIT {batch}")
_new_event = tuple.__new__  # EventRow from a driver's row tuple without NamedTuple's Python-level __new__


def iter_events(session: Session, batch: int = 20_000, after: int = 0) -> Iterator[EventRow]:
    """Events in order as plain tuples, a batch per query (keyset on seq).

    Read through the driver's own cursor: `audit verify` reads every event, and SQLAlchemy's row
    objects cost about a third of reading them. The two numbers are ints, formatted as such.
    """
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        while True:
            cursor.execute(_SELECT_EVENTS.format(after=int(after), batch=int(batch)))
            rows = cursor.fetchall()
            if not rows:
                return
            for row in rows:
                yield _new_event(EventRow, row)
            after = rows[-1][1]
    finally:
        cursor.close()


class ChainChecker:
    """Fed events in order: checks each link and hash and grows the Merkle root of what it saw."""

    def __init__(self) -> None:
        self.prev_hash = GENESIS
        self.count = 0
        self.tree = merkle.RootBuilder()
        self.broken: ChainBreak | None = None

    def feed(self, event: EventRow) -> ChainBreak | None:
        expected_seq = self.count + 1
        self.count += 1
        if event.seq != expected_seq:
            return self._break(event, f"sequence jumps from #{expected_seq - 1} (an event was removed)")
        if event.prev_hash != self.prev_hash:
            return self._break(event, "does not follow the previous event's hash")
        recomputed = event_hash(
            prev_hash=event.prev_hash, seq=event.seq, at=event.at, actor_id=event.actor_id,
            station=event.station, action=event.action, entity=event.entity,
            entity_id=event.entity_id, data=event.data,
        )
        if recomputed != event.hash:
            return self._break(event, "its content was altered (hash does not match)")
        self.prev_hash = recomputed
        # leaf_of without its two calls: this runs once per event of the whole log.
        self.tree.add(_sha256(b"\x00" + bytes.fromhex(recomputed)).digest())
        return None

    def _break(self, event: EventRow, problem: str) -> ChainBreak:
        self.broken = ChainBreak(event.seq, event.id, event.action, problem)
        return self.broken


def verify_chain(session: Session) -> tuple[int, ChainBreak | None]:
    """Recompute every hash in order; return how many events were checked and the first break."""
    checker = ChainChecker()
    for event in iter_events(session):
        if checker.feed(event) is not None:
            break
    return checker.count, checker.broken


def head(session: Session) -> tuple[int, str]:
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return (last[0], last[1]) if last else (0, GENESIS)
