"""Is anything altered? Recompute the audit chain and every stored photo's hash."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from inspector.services.context import ServiceContext
from inspector.storage.audit import ChainBreak, verify_chain
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

    @property
    def ok(self) -> bool:
        return self.chain_break is None and self.photo_problem is None

    def lines(self) -> list[str]:
        out = [f"audit chain: {self.events_checked} events checked"]
        out.append(f"FIRST BROKEN: {self.chain_break}" if self.chain_break else "audit chain: intact")
        out.append(f"photos: {self.photos_checked} files checked")
        out.append(f"FIRST BAD PHOTO: {self.photo_problem}" if self.photo_problem else "photos: intact")
        return out


def verify_integrity(ctx: ServiceContext) -> IntegrityReport:
    with ctx.db.read() as session:
        events, chain_break = verify_chain(session)
        photos = session.execute(
            select(Photo.id, Photo.sha256, Photo.inspection_id, Photo.step_id).order_by(Photo.id)
        ).all()
        heatmaps = session.scalars(
            select(Comparison.heatmap_sha256).where(Comparison.heatmap_sha256.is_not(None))
            .order_by(Comparison.id)
        ).all()
    checked: set[str] = set()
    problem: PhotoProblem | None = None
    for photo_id, sha256, inspection_id, step_id in photos:
        if sha256 in checked:
            continue
        checked.add(sha256)
        trouble = ctx.photos.check(sha256)
        if trouble:
            problem = PhotoProblem(photo_id, sha256, f"inspection {inspection_id}, step {step_id}", trouble)
            break
    if problem is None:
        for heatmap in heatmaps:
            if heatmap and heatmap not in checked:
                checked.add(heatmap)
                trouble = ctx.photos.check(heatmap)
                if trouble:
                    problem = PhotoProblem(None, heatmap, "comparison heatmap", trouble)
                    break
    return IntegrityReport(events, chain_break, len(checked), problem)
