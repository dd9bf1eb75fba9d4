"""Comparing a captured photo with its step's reference image, and keeping the result."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2

from inspector.errors import BadInput, NotFound
from inspector.printing.evidence import thumbnail_of
from inspector.security.roles import Actor, Permission
from inspector.services import records, thumbnails
from inspector.services.context import ServiceContext
from inspector.services.views import ComparisonView
from inspector.storage.audit import append_event
from inspector.storage.models import Comparison, Inspection, Photo


@dataclass(frozen=True)
class ComparisonOutcome:
    """The stored result, plus the full vision result (warped photo, heatmap) for the screen."""

    view: ComparisonView
    result: Any  # inspector.vision.compare.Comparison


class ComparisonService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def reference_path(self, inspection_id: int, step_id: str, index: int = 0) -> Path:
        with self.ctx.db.read() as session:
            inspection = session.get(Inspection, inspection_id)
            if inspection is None:
                raise NotFound(f"There is no inspection {inspection_id}.")
            step = self.ctx.checklist_by_hash(session, inspection.checklist_hash).step(step_id)
        if not step.references:
            raise NotFound(f"Step {step.title} has no reference image.")
        path = self.ctx.settings.assets_dir / step.references[min(index, len(step.references) - 1)]
        if not path.is_file():
            raise NotFound(f"The reference image {path.name} for {step.title} is missing.")
        return path

    def reference_set_paths(self, inspection_id: int, step_id: str) -> list[Path]:
        """Every genuine reference of the step (a set: the first is the frame boxes are in)."""
        count = self._step_reference_count(inspection_id, step_id)
        return [self.reference_path(inspection_id, step_id, index) for index in range(count)]

    def _step_reference_count(self, inspection_id: int, step_id: str) -> int:
        with self.ctx.db.read() as session:
            inspection = session.get(Inspection, inspection_id)
            if inspection is None:
                raise NotFound(f"There is no inspection {inspection_id}.")
            step = self.ctx.checklist_by_hash(session, inspection.checklist_hash).step(step_id)
        return len(step.references)

    def compare_photo(self, actor: Actor, photo_id: int, reference_index: int = 0) -> ComparisonOutcome:
        """Slow (tens to hundreds of ms): the window calls this from a worker thread.

        The photo is compared with the step's whole reference set (`reference_index` is kept
        for callers; the set decides which reference the photo matches best).
        """
        del reference_index
        from inspector.vision.compare import compare_to_set
        from inspector.vision.imageio import decode_image_with_size
        from inspector.vision.reference_set import DECODE_MIN_SIDE, load_set, oriented

        with self.ctx.db.read() as session:
            actor = self.ctx.authorize(session, actor, Permission.INSPECT)
            photo = session.get(Photo, photo_id)
            if photo is None:
                raise NotFound(f"There is no photo {photo_id}.")
            inspection = session.get(Inspection, photo.inspection_id)
            assert inspection is not None
            step = self.ctx.checklist_by_hash(session, inspection.checklist_hash).step(photo.step_id)
            sha256, inspection_id = photo.sha256, inspection.id
        reference_files = self.reference_set_paths(inspection_id, step.id)
        reference_file = reference_files[0]
        # Prepared once per set (decoded, features, natural variation) while its files stay.
        prepared = load_set(reference_files)
        data = self.ctx.photos.read(sha256)
        # Reduced (DCT-scaled) decoding: a 12 MP JPEG decodes ~3x faster and the comparison
        # works at ~1000 px anyway; sizes are passed so regions stay in full pixels.
        image, photo_size = decode_image_with_size(data, min_side=DECODE_MIN_SIDE)
        region = step.compare.region.as_tuple() if step.compare and step.compare.region else None
        ignore = [box.as_tuple() for box in step.compare.ignore] if step.compare else []
        result = compare_to_set(prepared, image, region=region, ignore=ignore,
                                photo_size=oriented(image, photo_size))
        # The photo is decoded here anyway: its certificate thumbnail then costs ~1 ms, not a decode.
        if self.ctx.photos.read_thumbnail(sha256) is None:
            made = thumbnail_of(image)
            if made is not None:
                thumbnails.cache(self.ctx, sha256, made)
        heatmap_sha = None
        if result.heatmap is not None:
            ok, png = cv2.imencode(".png", result.heatmap)
            if not ok:
                raise BadInput("The difference heatmap could not be encoded.")
            heatmap_sha = self.ctx.photos.put(png.tobytes()).sha256
        reference_name = str(reference_file.relative_to(self.ctx.settings.assets_dir))
        contract = result.to_dict()
        with self.ctx.db.transaction() as session:
            actor = self.ctx.authorize(session, actor, Permission.INSPECT)
            row = Comparison(
                photo_id=photo_id, reference=reference_name, aligned=bool(contract["aligned"]),
                score=float(contract["score"]), regions=json.dumps(contract["regions"]),
                homography=json.dumps(contract["homography"]) if contract["homography"] else None,
                heatmap_sha256=heatmap_sha, elapsed_ms=float(contract["elapsed_ms"]),
            )
            session.add(row)
            session.flush()
            append_event(session, action="comparison.recorded", entity="photo", entity_id=photo_id,
                         actor_id=actor.user_id, station=self.ctx.station_name,
                         data={"inspection": inspection_id, "reference": reference_name,
                               "aligned": row.aligned, "score": round(row.score, 4),
                               "heatmap": heatmap_sha})
            return ComparisonOutcome(records.comparison_view(row), result)
