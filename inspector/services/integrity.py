"""Is anything altered? The audit log (chain, tree, signatures, checkpoints), the tables replayed
against it, and every stored photo's hash."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector.services import checkpoints, document_pictures, signing, thumbnails
from inspector.services.checkpoint_note import Checkpoint
from inspector.services.context import ServiceContext
from inspector.services.replay import Replay
from inspector.storage.audit import ChainBreak, ChainChecker, StoredTree, TreeDamaged, iter_events
from inspector.storage.models import Comparison, Photo


@dataclass(frozen=True)
class PhotoProblem:
    photo_id: int | None
    sha256: str
    where: str
    problem: str

    def __str__(self) -> str:
        label = f"photo {self.photo_id}" if self.photo_id is not None else "heatmap"
        return f"{label} ({self.sha256[:16]}…, {self.where}): {self.problem}"


@dataclass(frozen=True)
class IntegrityReport:
    events_checked: int
    chain_break: ChainBreak | None
    photos_checked: int
    photo_problem: PhotoProblem | None
    # The log's other guarantees (all empty or None when intact).
    log_problems: tuple[str, ...] = ()
    checkpoint_findings: tuple[checkpoints.Finding, ...] = ()
    records_compared: int = 0
    record_problems: tuple[str, ...] = ()
    signatures_checked: int = 0
    thumbnail_problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return (self.chain_break is None and self.photo_problem is None and not self.log_problems
                and all(f.ok for f in self.checkpoint_findings) and not self.record_problems
                and not self.thumbnail_problems)

    def lines(self) -> list[str]:
        out = [f"audit chain: {self.events_checked} events checked"]
        out.append(f"FIRST BROKEN: {self.chain_break}" if self.chain_break else "audit chain: intact")
        out += [f"LOG: {problem}" for problem in self.log_problems]
        out.append(f"signatures: {self.signatures_checked} events since the last checkpoint checked")
        out += [f"checkpoint: {f.message}" for f in self.checkpoint_findings]
        out.append(f"records: {self.records_compared} rows replayed against the log")
        if self.record_problems:
            out.append(f"FIRST UNEXPLAINED RECORD: {self.record_problems[0]}")
            out += [f"  also: {problem}" for problem in self.record_problems[1:]]
        else:
            out.append("records: every row is explained by the log")
        out.append(f"photos: {self.photos_checked} files checked")
        out.append(f"FIRST BAD PHOTO: {self.photo_problem}" if self.photo_problem else "photos: intact")
        out += [f"THUMBNAIL: {problem}" for problem in self.thumbnail_problems[:5]]
        out += self.notes
        return out


def verify_integrity(ctx: ServiceContext, checkpoint_file: Path | None = None) -> IntegrityReport:
    """Everything `inspector audit verify` checks; `checkpoint_file` is a checkpoint held elsewhere."""
    with ctx.db.read() as session:
        trusted, unapproved = signing.accepted_keys(ctx, session)
    held: list[Checkpoint] = []
    log_problems: list[str] = []
    if checkpoint_file is not None:
        signed = checkpoints.read_checkpoint(checkpoint_file, trusted)
        if not signed.trusted:
            log_problems.append(f"the checkpoint {checkpoint_file.name} is not signed by a key this "
                                f"computer trusts (signers: {', '.join(signed.signer_names) or 'none'})")
        else:
            held.append(signed.checkpoint)
    latest = checkpoints.latest_checkpoint(ctx, trusted)
    if latest is not None and all((c.size, c.root) != (latest.size, latest.root) for c in held):
        held.append(latest)
    # One snapshot for the log and the tables: stations may be writing while this runs.
    with ctx.db.snapshot() as session:
        findings = tuple(checkpoints.compare(ctx, session, c, trusted) for c in held)
        # Events a trusted checkpoint covers were checked when it was signed; later ones are checked now.
        signed_up_to = max((c.size for c, f in zip(held, findings, strict=True) if f.ok), default=0)
        chain = ChainChecker()
        replay = Replay()
        roots_wanted = {c.size for c in held}
        roots: dict[int, bytes] = {}
        signatures = 0
        seen_signed = False
        pending: dict[str, int] = {}
        for event in iter_events(session):
            if chain.feed(event) is not None:
                break
            if chain.count in roots_wanted:
                roots[chain.count] = chain.tree.root()
            replay.feed(event)
            seen_signed = seen_signed or event.signature is not None
            if event.seq > signed_up_to and (seen_signed or event.signature) and not log_problems:
                signatures += 1
                unsigned = checkpoints.signature_problem(event, trusted)
                if unsigned:
                    log_problems.append(f"audit event #{event.seq} ({event.action}) {unsigned}")
                elif event.signature and event.signature[:16] in unapproved:
                    pending[event.signature[:16]] = pending.get(event.signature[:16], 0) + 1
        if chain.broken is None:
            log_problems += _tree_problems(session, chain, held, roots)
        record_problems, compared = replay.compare(session)
        photos = session.execute(
            select(Photo.id, Photo.sha256, Photo.inspection_id, Photo.step_id).order_by(Photo.id)
        ).all()
        heatmaps = session.scalars(
            select(Comparison.heatmap_sha256).where(Comparison.heatmap_sha256.is_not(None))
            .order_by(Comparison.id)
        ).all()
    notes = tuple(f"note: {count} events signed by station {unapproved[kid]}'s key {kid}, registered in "
                  f"the log but not approved by the deployment's root (`inspector keys approve {kid}`)"
                  for kid, count in sorted(pending.items()))
    if not held:
        notes += ("note: no checkpoint held: a rewrite of the whole log would not show; "
                  "write one with `inspector audit checkpoint`",)
    checked, bad_photo = _check_photos(ctx, photos, heatmaps)
    photo_hashes = {row[1] for row in photos}
    bad_thumbnails = (tuple(thumbnails.replaced(ctx, photo_hashes))
                      + tuple(document_pictures.replaced(ctx, photo_hashes)))
    return IntegrityReport(chain.count, chain.broken, checked, bad_photo, tuple(log_problems), findings,
                           compared, tuple(record_problems), signatures, bad_thumbnails, notes)


def _tree_problems(session: Session, chain: ChainChecker, held: list[Checkpoint],
                   roots: dict[int, bytes]) -> list[str]:
    """The events' own tree must be the stored one, and hash to every held checkpoint's root."""
    problems = []
    for checkpoint in held:
        if checkpoint.size in roots and roots[checkpoint.size] != checkpoint.root:
            problems.append(f"REWRITTEN: the first {checkpoint.size} events no longer hash to the root "
                            f"the checkpoint of {checkpoint.time} signed")
    tree = StoredTree(session)
    try:
        stored = tree.root(chain.count)
    except TreeDamaged as exc:
        return [*problems, f"the stored tree is damaged: {exc}"]
    if stored != chain.tree.root():
        problems.append("the stored Merkle tree does not match the events (audit_nodes was altered)")
    return problems


def _check_photos(ctx: ServiceContext, photos: Sequence[Any],
                  heatmaps: Sequence[str | None]) -> tuple[int, PhotoProblem | None]:
    checked: set[str] = set()
    for photo_id, sha256, inspection_id, step_id in photos:
        if sha256 in checked:
            continue
        checked.add(sha256)
        trouble = ctx.photos.check(sha256)
        if trouble:
            return len(checked), PhotoProblem(photo_id, sha256, f"inspection {inspection_id}, step {step_id}",
                                              trouble)
    for heatmap in heatmaps:
        if heatmap and heatmap not in checked:
            checked.add(heatmap)
            trouble = ctx.photos.check(heatmap)
            if trouble:
                return len(checked), PhotoProblem(None, heatmap, "comparison heatmap", trouble)
    return len(checked), None
