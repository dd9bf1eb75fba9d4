"""Evidence bundle: one signed zip with an inspection's photos, comparisons, results, notes, audit events."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, is_dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import and_, or_, select

from inspector.errors import BadInput, NotFound
from inspector.security import keys, safezip
from inspector.security.roles import Actor, Permission
from inspector.services import evidence_proofs, records
from inspector.services.context import ServiceContext
from inspector.services.reviews import refuse_while_blind
from inspector.storage.audit import append_event
from inspector.storage.models import AuditEvent, Inspection, Photo

FORMAT = "inspector-evidence/2"  # 2: with checkpoint.txt and audit_proofs.json
FORMAT_1 = "inspector-evidence/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "signing-key.pub.pem"


IMPORT_HINT = ("import the deployment's public key with `inspector keys import FILE` "
               "(they write FILE with `inspector keys export`)")


@dataclass(frozen=True)
class BundleCheck:
    """ok only when a key this computer trusts signed the manifest and every file matches it."""

    ok: bool
    inspection_id: int | None
    key_id: str | None
    trusted: bool
    files_checked: int
    problems: tuple[str, ...]

    def lines(self) -> list[str]:
        out = [f"evidence bundle for inspection {self.inspection_id}, signed by key {self.key_id}"
               f"{' (trusted)' if self.trusted else ''}",
               f"files: {self.files_checked} checked"]
        if not self.trusted:
            out.append(f"UNTRUSTED: signed by key {self.key_id}, which this computer does not trust — "
                       f"{IMPORT_HINT}")
        out += [f"PROBLEM: {p}" for p in self.problems]
        out.append("VALID" if self.ok else "INVALID")
        return out


def _plain(value: Any) -> Any:
    """JSON-ready copies of the service views (dataclasses, datetimes, tuples)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _json(data: Any) -> bytes:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8")


def _extension(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "png"
    if data.startswith(b"\xff\xd8"):
        return "jpg"
    return "bin"


def build_bundle(ctx: ServiceContext, actor: Actor, inspection_id: int) -> bytes:
    """The signed zip for one inspection (also recorded as an audit event: who exported what)."""
    with ctx.db.read() as session:
        actor = ctx.authorize(session, actor, Permission.EXPORT)
        row = session.get(Inspection, inspection_id)
        if row is None:
            raise NotFound(f"There is no inspection {inspection_id}.")
        # The bundle holds the first verdict and every note: not for a reviewer still to judge it blind.
        refuse_while_blind(ctx, session, row, actor)
        detail = records.inspection_detail(session, ctx, row)
        photo_ids = [str(p) for p in session.scalars(
            select(Photo.id).where(Photo.inspection_id == inspection_id))]
        events = session.scalars(select(AuditEvent).where(or_(
            and_(AuditEvent.entity == "inspection", AuditEvent.entity_id == str(inspection_id)),
            and_(AuditEvent.entity == "photo", AuditEvent.entity_id.in_(photo_ids or ["-"]))),
        ).order_by(AuditEvent.seq)).all()
        audit = [{"seq": e.seq, "at": e.at, "actor_id": e.actor_id, "station": e.station,
                  "action": e.action, "entity": e.entity, "entity_id": e.entity_id,
                  "data": json.loads(e.data), "prev_hash": e.prev_hash, "hash": e.hash} for e in events]
    files: dict[str, bytes] = {}
    photo_index = []
    for step_id, photos in detail.photos.items():
        for photo in photos:
            data = ctx.photos.read(photo.sha256)
            name = f"photos/{step_id}/{photo.id}.{_extension(data)}"
            files[name] = data
            photo_index.append({"file": name, **_plain(photo)})
    comparisons = []
    for photo_id, comparison in detail.comparisons.items():
        entry = {"photo_id": photo_id, **_plain(comparison)}
        if comparison.heatmap_sha256 and ctx.photos.exists(comparison.heatmap_sha256):
            data = ctx.photos.read(comparison.heatmap_sha256)
            entry["heatmap_file"] = f"heatmaps/{comparison.id}.{_extension(data)}"
            files[entry["heatmap_file"]] = data
        comparisons.append(entry)
    checklist = detail.checklist
    files["inspection.json"] = _json({"inspection": _plain(detail.inspection),
                                      "checklist": {"id": checklist.id, "version": checklist.version,
                                                    "hash": detail.inspection.checklist_hash}})
    files["steps.json"] = _json({
        "results": _plain(detail.results), "history": _plain(detail.history),
        "steps": [{"id": s.id, "title": s.title, "instructions": s.instructions,
                   "severity": str(s.severity)} for s in checklist.steps]})
    files["notes.txt"] = "\n".join(
        f"[{r.step_id}] {r.outcome}: {r.note}" for r in detail.history if r.note).encode("utf-8") + b"\n"
    files["photos.json"] = _json(photo_index)
    files["comparisons.json"] = _json(comparisons)
    files["reviews.json"] = _json(_plain(detail.reviews))
    files["certificates.json"] = _json(_plain(detail.certificates))
    files["audit_events.json"] = _json(audit)
    # A signed checkpoint and each event's inclusion proof: the events are the log's, provably.
    files.update(evidence_proofs.log_proofs(ctx, [e["seq"] for e in audit]))
    signing_key = keys.load_or_create(ctx.settings.keys_dir)
    manifest = {
        "format": FORMAT, "inspection_id": inspection_id, "exported_by": actor.name,
        "exported_at": records.now().isoformat(), "station": ctx.station_name,
        "key_id": signing_key.key_id,
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }
    manifest_bytes = _json(manifest)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr(MANIFEST, manifest_bytes)
        bundle.writestr(SIGNATURE, base64.b64encode(signing_key.sign(manifest_bytes)) + b"\n")
        bundle.writestr(PUBLIC_KEY, keys.public_pem(signing_key.public_key))
        for name, data in sorted(files.items()):
            bundle.writestr(name, data)
    with ctx.db.transaction() as session:
        actor = ctx.authorize(session, actor, Permission.EXPORT)
        append_event(session, action="evidence.exported", entity="inspection", entity_id=inspection_id,
                     actor_id=actor.user_id, station=ctx.station_name,
                     data={"manifest_sha256": hashlib.sha256(manifest_bytes).hexdigest()})
    return out.getvalue()


def export_bundle(ctx: ServiceContext, actor: Actor, inspection_id: int, path: Path) -> Path:
    data = build_bundle(ctx, actor, inspection_id)
    path.write_bytes(data)
    return path


def verify_bundle(data: bytes, trusted: Mapping[str, Ed25519PublicKey]) -> BundleCheck:
    """Check the signature over the manifest and every file's SHA-256; needs no database.

    The public key packed in the zip only names the signer: anyone can re-sign invented files with
    a fresh key, so the signature is checked with the trusted key of that id and nothing else.
    """
    problems: list[str] = []
    members = safezip.read_members(data, "That evidence bundle")
    if not {MANIFEST, SIGNATURE, PUBLIC_KEY} <= set(members):
        raise BadInput("That zip is not an evidence bundle (no signed manifest).")
    manifest_bytes = members[MANIFEST]
    manifest = safezip.load_json(manifest_bytes, "The bundle's manifest")
    try:
        signature = base64.b64decode(members[SIGNATURE].strip(), validate=True)
    except ValueError as exc:
        raise BadInput("The bundle's signature is unreadable.") from exc
    if not isinstance(manifest, dict):
        raise BadInput("The bundle's manifest is not a JSON object.")
    included_key = keys.load_public_key(members[PUBLIC_KEY], "The bundle's public key")
    key_id = keys.key_id_of(included_key)
    if manifest.get("key_id") != key_id:
        problems.append("the manifest names a different key than the one included")
    trusted_key = trusted.get(key_id)
    if trusted_key is not None and not keys.signature_valid(trusted_key, signature, manifest_bytes):
        problems.append("the manifest signature does not match (the manifest was altered)")
    listed = manifest.get("files", {})
    if not isinstance(listed, dict) or not all(isinstance(v, str) for v in listed.values()):
        raise BadInput("The bundle's manifest has no list of files.")
    for name, digest in sorted(listed.items()):
        if name not in members:
            problems.append(f"{name} is missing")
        elif hashlib.sha256(members[name]).hexdigest() != digest:
            problems.append(f"{name} was altered (SHA-256 differs)")
    if manifest.get("format") != FORMAT_1:
        problems += evidence_proofs.check(
            lambda name: members.get(name) if name in listed else None, trusted)
    extra = set(members) - set(listed) - {MANIFEST, SIGNATURE, PUBLIC_KEY}
    problems += [f"{name} is not in the manifest" for name in sorted(extra)]
    is_trusted = trusted_key is not None
    return BundleCheck(ok=is_trusted and not problems, inspection_id=manifest.get("inspection_id"),
                       key_id=key_id, trusted=is_trusted, files_checked=len(listed),
                       problems=tuple(problems))
