"""An evidence bundle's proof that its events are in the audit log, verifiable offline.

The bundle carries a signed checkpoint of the log (checkpoint.txt) and, for each of its events, the
event's stored text and its RFC 9162 inclusion proof against that checkpoint (audit_proofs.json).
A verifier with the deployment's public key recomputes each event's hash from its fields, proves it
is a leaf of the signed tree, and checks that every photo file is the one its photo.added event
recorded: photos swapped in the database after the fact do not pass.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select

from inspector.errors import BadInput
from inspector.services import checkpoint_note
from inspector.services.checkpoints import write_checkpoint
from inspector.services.context import ServiceContext
from inspector.storage import merkle
from inspector.storage.audit import StoredTree, event_hash, leaf_of
from inspector.storage.models import AuditEvent

CHECKPOINT = "checkpoint.txt"
PROOFS = "audit_proofs.json"


def log_proofs(ctx: ServiceContext, seqs: Sequence[int]) -> dict[str, bytes]:
    """checkpoint.txt and audit_proofs.json for these events (a fresh checkpoint is signed first)."""
    written = write_checkpoint(ctx)
    size = written.checkpoint.size
    with ctx.db.read() as session:
        tree = StoredTree(session)
        rows = session.execute(select(AuditEvent.seq, AuditEvent.data)
                               .where(AuditEvent.seq.in_(list(seqs) or [-1])).order_by(AuditEvent.seq)).all()
        entries = [{"seq": seq, "data": data, "proof": [h.hex() for h in tree.inclusion(seq - 1, size)]}
                   for seq, data in rows if seq <= size]
    proofs = {"log_size": size, "events": entries}
    return {CHECKPOINT: written.text.encode("utf-8"),
            PROOFS: json.dumps(proofs, indent=1, sort_keys=True).encode("utf-8")}


def check(read: Callable[[str], bytes | None], trusted: Mapping[str, Ed25519PublicKey]) -> list[str]:
    """Problems with the bundle's log proofs; `read(name)` gives a file of the bundle or None."""
    checkpoint_text, proofs_text = read(CHECKPOINT), read(PROOFS)
    if checkpoint_text is None or proofs_text is None:
        return ["the bundle carries no checkpoint and log proofs"]
    try:
        signed = checkpoint_note.parse(checkpoint_text.decode("utf-8"), trusted, "The bundle's checkpoint")
        proofs = json.loads(proofs_text)
        events = json.loads(read("audit_events.json") or b"[]")
        photos = json.loads(read("photos.json") or b"[]")
    except (BadInput, ValueError) as exc:
        return [f"the bundle's checkpoint or proofs are unreadable ({exc})"]
    if not signed.trusted:
        return ["the bundle's checkpoint is not signed by a key this computer trusts"]
    checkpoint = signed.checkpoint
    by_seq = {int(p["seq"]): p for p in proofs.get("events", [])}
    problems: list[str] = []
    recorded: dict[str, str] = {}
    for event in events:
        problem = _proven(event, by_seq.get(int(event.get("seq", -1))), checkpoint)
        if problem:
            problems.append(f"audit event #{event.get('seq')} ({event.get('action')}): {problem}")
        elif event.get("action") == "photo.added":
            recorded[str(event["entity_id"])] = str(event["data"].get("sha256"))
    for photo in photos:
        name, photo_id = photo.get("file"), str(photo.get("id"))
        data = read(name) if isinstance(name, str) else None
        if photo_id not in recorded:
            problems.append(f"photo {photo_id} ({name}) has no proven photo.added event")
        elif data is None or hashlib.sha256(data).hexdigest() != recorded[photo_id]:
            problems.append(f"{name} is not the photo the log recorded for photo {photo_id} "
                            f"({recorded[photo_id][:16]}…)")
    return problems


def _proven(event: dict[str, Any], proof: dict[str, Any] | None,
            checkpoint: checkpoint_note.Checkpoint) -> str | None:
    if proof is None:
        return "no inclusion proof"
    raw = str(proof.get("data", ""))
    try:
        same_data = json.loads(raw) == event.get("data")
    except ValueError:
        same_data = False
    if not same_data:
        return "its data differs from the text the log holds"
    digest = event_hash(prev_hash=event["prev_hash"], seq=event["seq"], at=event["at"],
                        actor_id=event["actor_id"], station=event["station"], action=event["action"],
                        entity=event["entity"], entity_id=event["entity_id"], data=raw)
    if digest != event.get("hash"):
        return "its fields do not hash to its recorded hash (altered)"
    path = [bytes.fromhex(h) for h in proof.get("proof", [])]
    if not merkle.verify_inclusion(leaf_of(digest), event["seq"] - 1, checkpoint.size, path, checkpoint.root):
        return f"is not in the log the checkpoint of {checkpoint.time} signed ({checkpoint.size} events)"
    return None
