"""Signed checkpoints of the audit log: write one, and prove that the log still extends one.

A checkpoint is the RFC 9162 root of the first n events, signed as a C2SP tlog-checkpoint
(services/checkpoint_note.py). The station writes one into its checkpoint folder on a schedule and
after every certificate; before signing it checks that the log still extends the folder's latest
checkpoint and that every event since carries a valid station signature, so a checkpoint never
vouches for an event forged into the table. Verifying one against the log says what happened:
extends, truncated, rewritten or forked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector import atomicfile
from inspector.errors import BadInput, InvalidState, StorageUnavailable
from inspector.services import checkpoint_note, signing
from inspector.services.checkpoint_note import Checkpoint, SignedCheckpoint
from inspector.services.context import ServiceContext
from inspector.storage import merkle
from inspector.storage.audit import (
    GENESIS,
    EventRow,
    StoredTree,
    TreeDamaged,
    event_hash,
    iter_events,
    leaf_of,
    log_size,
    signed_message,
)
from inspector.storage.models import AuditEvent

LATEST = "latest.txt"


@dataclass(frozen=True)
class Finding:
    """What a checkpoint says about the log: kind is extends, truncated, rewritten, forked or invalid."""

    kind: str
    message: str

    @property
    def ok(self) -> bool:
        return self.kind == "extends"


def signature_problem(event: EventRow, trusted: dict[str, Ed25519PublicKey]) -> str | None:
    """None when a trusted key signed the event's hash."""
    if not event.signature:
        return "is not signed by any station (forged into the table?)"
    key_id = event.signature.partition(":")[0]
    return signing.tag_problem(event.signature, signed_message(event.hash), trusted,
                               f"has a signature that does not match it (key {key_id})")


def read_checkpoint(path: Path, trusted: dict[str, Ed25519PublicKey]) -> SignedCheckpoint:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"The checkpoint {path} cannot be read ({exc.strerror}).") from exc
    except UnicodeDecodeError as exc:
        raise BadInput(f"The file {path} is not a checkpoint.") from exc
    return checkpoint_note.parse(text, trusted, f"The checkpoint {path.name}")


def folder_checkpoints(ctx: ServiceContext,
                       trusted: dict[str, Ed25519PublicKey]) -> list[tuple[Path, Checkpoint]]:
    """Every trusted checkpoint in the folder, smallest first (unreadable or untrusted ones left out)."""
    found = []
    folder = ctx.settings.checkpoints_path
    for path in sorted(folder.glob("cp-*.txt")) if folder.is_dir() else []:
        try:
            signed = read_checkpoint(path, trusted)
        except BadInput:
            continue
        if signed.trusted and signed.checkpoint.origin == ctx.settings.log_origin:
            found.append((path, signed.checkpoint))
    return found


def latest_checkpoint(ctx: ServiceContext, trusted: dict[str, Ed25519PublicKey]) -> Checkpoint | None:
    """The folder's latest trusted checkpoint (its `latest.txt`), the base the next one builds on."""
    path = ctx.settings.checkpoints_path / LATEST
    if not path.is_file():
        return None
    signed = read_checkpoint(path, trusted)
    if not signed.trusted or signed.checkpoint.origin != ctx.settings.log_origin:
        return None
    return signed.checkpoint


def compare(ctx: ServiceContext, session: Session, checkpoint: Checkpoint,
            trusted: dict[str, Ed25519PublicKey] | None = None, tree: StoredTree | None = None) -> Finding:
    """Does the log (its stored tree) still extend this checkpoint? O(log n) reads when it does."""
    if checkpoint.origin != ctx.settings.log_origin:
        return Finding("invalid", f"the checkpoint is of the log {checkpoint.origin!r}, "
                                  f"this one is {ctx.settings.log_origin!r}")
    size = log_size(session)
    signed = f"the checkpoint of {checkpoint.time or 'unknown time'} signed {checkpoint.size} events"
    if size < checkpoint.size:
        return Finding("truncated", f"TRUNCATED: the log holds {size} events but {signed}: "
                                    f"events #{size + 1} to #{checkpoint.size} were removed")
    tree = tree or StoredTree(session)
    tree.prefetch_proof(checkpoint.size, size)
    try:
        matches = checkpoint.size == 0 or tree.root(checkpoint.size) == checkpoint.root
        if matches and checkpoint.size:
            proof = tree.consistency(checkpoint.size, size)
            matches = merkle.verify_consistency(checkpoint.size, size, checkpoint.root, tree.root(size),
                                                proof)
    except TreeDamaged as exc:
        return Finding("rewritten", f"REWRITTEN: {exc}; {signed}")
    if matches:
        return Finding("extends", f"the log ({size} events) extends {signed}")
    return _rewritten_or_forked(ctx, tree, checkpoint, signed, trusted or signing.log_keys(ctx.settings))


def _rewritten_or_forked(ctx: ServiceContext, tree: StoredTree, checkpoint: Checkpoint, signed: str,
                         trusted: dict[str, Ed25519PublicKey]) -> Finding:
    still, other = 0, None
    for path, held in folder_checkpoints(ctx, trusted):
        try:
            agrees = held.size == 0 or tree.root(held.size) == held.root
        except TreeDamaged:
            agrees = False
        if agrees and held.size <= checkpoint.size:
            still = max(still, held.size)
        if agrees and held.size >= checkpoint.size:
            other = (path, held)
    if other is not None:
        path, held = other
        return Finding("forked", f"FORKED: {signed}, and {path.name} (signed {held.time}) signed "
                                 f"{held.size} events of a different history, which the log now holds")
    where = f"; the log still matches a checkpoint of {still} events: the change lies in events " \
            f"#{still + 1} to #{checkpoint.size}" if still else ""
    return Finding("rewritten", f"REWRITTEN: the log's first {checkpoint.size} events no longer hash to "
                                f"the root {signed}{where}")


@dataclass(frozen=True)
class Written:
    checkpoint: Checkpoint
    text: str
    path: Path
    events_checked: int


def write_checkpoint(ctx: ServiceContext, out: Path | None = None) -> Written:
    """Sign the log's current root into the checkpoint folder (and `out`), after checking it."""
    key = signing.station_key(ctx.settings)
    with ctx.db.read() as session:
        # Pending station keys count too, so the deployment's approvals need not be re-read here.
        trusted, _unapproved = signing.accepted_keys(ctx, session, refresh=False)
    trusted.setdefault(key.key_id, key.public_key)
    previous = latest_checkpoint(ctx, trusted)
    with ctx.db.read() as session:
        size = log_size(session)
        tree = StoredTree(session)  # the nodes read for the proof serve the new root as well
        if previous is not None:
            finding = compare(ctx, session, previous, trusted, tree)
            if not finding.ok:
                raise InvalidState(f"No checkpoint written: {finding.message}.")
        base = previous.size if previous else 0
        root, checked = _checked_root(session, base, size, trusted, tree)
    checkpoint = Checkpoint(origin=ctx.settings.log_origin, size=size, root=root,
                            time=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    text = checkpoint_note.sign(checkpoint, key)
    folder = ctx.settings.checkpoints_path
    path = folder / f"cp-{size:012d}-{root.hex()[:16]}.txt"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            _write(path, text)
        if previous is None or size >= previous.size:
            _write(folder / LATEST, text)
        if out is not None:
            _write(out, text)
    except OSError as exc:
        raise StorageUnavailable(
            f"The checkpoint cannot be written to {exc.filename} ({exc.strerror}).") from exc
    return Written(checkpoint, text, out or path, checked)


def _checked_root(session: Session, base: int, size: int, trusted: dict[str, Ed25519PublicKey],
                  tree: StoredTree | None = None) -> tuple[bytes, int]:
    """The root over the first `size` events, with every event after `base` checked: its link, hash,
    signature and stored leaf; the part after `base` is recomputed from the events themselves."""
    tree = tree or StoredTree(session)
    if base:
        tree.prefetch(lambda stored: merkle.range_hash(stored, 0, base))
    leaves: list[bytes] = []
    prev = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == base)) if base else GENESIS
    signed_seen = base > 0 and session.scalar(select(AuditEvent.seq).where(
        AuditEvent.signature.is_not(None), AuditEvent.seq <= base).limit(1)) is not None
    for event in iter_events(session, after=base):
        if event.seq > size:
            break
        recomputed = event_hash(prev_hash=event.prev_hash, seq=event.seq, at=event.at,
                                actor_id=event.actor_id, station=event.station, action=event.action,
                                entity=event.entity, entity_id=event.entity_id, data=event.data)
        if event.seq != base + len(leaves) + 1 or event.prev_hash != prev or recomputed != event.hash:
            raise InvalidState(f"No checkpoint written: audit event #{event.seq} ({event.action}) "
                               "breaks the chain; run `inspector audit verify`.")
        # Events before the first signed one predate signing (an upgraded database): as audit verify.
        signed_seen = signed_seen or event.signature is not None
        problem = signature_problem(event, trusted) if signed_seen else None
        if problem:
            raise InvalidState(f"No checkpoint written: audit event #{event.seq} ({event.action}) {problem}.")
        leaves.append(leaf_of(event.hash))
        prev = event.hash

    def subtree(start: int, width: int) -> bytes:
        if start + width <= base:
            return tree.subtree(start, width)
        if width == 1:
            return leaves[start - base]
        half = width // 2
        return merkle.node_hash(subtree(start, half), subtree(start + half, half))

    root = merkle.EMPTY_ROOT if size == 0 else merkle.range_hash(subtree, 0, size)
    return root, len(leaves)


def _write(path: Path, text: str) -> None:
    atomicfile.replace(path, text.encode("utf-8"), 0o644)
