"""Return fingerprint: do today's photos show the same physical unit as the photos taken when it passed?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from inspector.errors import BadInput
from inspector.vision.registration import (
    detect_features,
    register,
    resize_long_side,
    scale_matrix,
    to_gray,
)

# Fine detail (wear, grain, stitching) lives above this blur; the shared design below it.
DETAIL_SIGMA = 2.0
TILE = 32
SAME_UNIT_SCORE = 0.85
FEATURE_SIDE = 1024


@dataclass(frozen=True)
class UnitMatch:
    """score 0..1 (share of fine-detail tiles that agree), same = score >= threshold."""

    score: float
    same: bool
    message: str


def _detail(gray: np.ndarray) -> np.ndarray:
    image = gray.astype(np.float32)
    return image - cv2.GaussianBlur(image, (0, 0), DETAIL_SIGMA)


def _tile_agreement(first: np.ndarray, second: np.ndarray, valid: np.ndarray) -> float:
    """Share of textured tiles whose fine detail correlates (> 0.5) between the two photos.

    A photo hash cannot tell a re-shot of the same unit from another unit of the same model;
    the design correlates in both, the unit's own marks only in the same unit, so tiles where
    detail disagrees are the evidence.
    """
    height, width = first.shape
    agree = total = 0
    for y in range(0, height - TILE + 1, TILE):
        for x in range(0, width - TILE + 1, TILE):
            if not valid[y:y + TILE, x:x + TILE].all():
                continue
            a = first[y:y + TILE, x:x + TILE].ravel()
            b = second[y:y + TILE, x:x + TILE].ravel()
            a = a - a.mean()
            b = b - b.mean()
            norm = float(np.sqrt((a * a).sum() * (b * b).sum()))
            if norm < 1e-6 or float(a.std()) < 1.5:  # flat tile: no evidence either way
                continue
            total += 1
            agree += float((a * b).sum()) / norm > 0.5
    return agree / total if total else 0.0


def _pair_score(before: np.ndarray, now: np.ndarray) -> float | None:
    registration = register(detect_features(before, work_side=FEATURE_SIDE),
                            detect_features(now, work_side=FEATURE_SIDE))
    if not registration.ok or registration.homography is None:
        return None
    before_small, scale = resize_long_side(to_gray(before), 768)
    height, width = before_small.shape
    warp = scale_matrix(scale) @ registration.homography
    now_warped = cv2.warpPerspective(to_gray(now), warp, (width, height), flags=cv2.INTER_AREA)
    valid = cv2.warpPerspective(np.full(now.shape[:2], 255, np.uint8), warp, (width, height)) > 0
    # Equalise blur: the softer of the two decides how fine a detail can be compared.
    before_detail = _detail(cv2.GaussianBlur(before_small, (0, 0), 0.8))
    now_detail = _detail(cv2.GaussianBlur(now_warped, (0, 0), 0.8))
    return _tile_agreement(before_detail, now_detail, valid)


def same_unit(photos_when_passed: Sequence[np.ndarray], photos_now: Sequence[np.ndarray]
              ) -> UnitMatch:
    """Compare each photo now with the photos from when the item passed (BGR uint8 arrays).

    Each current photo is matched to the passed photo it aligns with best; the overall score
    is the lowest of those (one swapped part is enough to doubt the unit).
    """
    if not photos_when_passed or not photos_now:
        raise BadInput("same-unit check needs at least one photo from then and one from now.")
    per_photo: list[float] = []
    for now in photos_now:
        scores = [s for before in photos_when_passed if (s := _pair_score(before, now)) is not None]
        per_photo.append(max(scores) if scores else 0.0)
    score = min(per_photo)
    unmatched = sum(1 for value in per_photo if value == 0.0)
    if unmatched:
        return UnitMatch(score, False, f"{unmatched} photo(s) now show nothing seen when the "
                         "item passed — photograph the same views")
    same = score >= SAME_UNIT_SCORE
    verdict = "same unit" if same else "probably a different unit"
    return UnitMatch(score, same, f"{verdict}: {score:.0%} of fine detail agrees")
