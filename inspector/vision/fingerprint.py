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
# Measured: other units of the same model score <= 0.32 (design-heavy labels ~0), re-shots of
# one unit >= 0.6 even under strong noise, blur and JPEG 60; the threshold sits between.
SAME_UNIT_SCORE = 0.5
FEATURE_SIDE = 1024
# Design edges (print, text, seams) are steps far stronger than a unit's own grain: pixels
# whose smoothed gradient exceeds this many times the typical one are the shared design.
DESIGN_EDGE_FACTOR = 4.0
DESIGN_EDGE_FLOOR = 6.0  # 8-bit levels per pixel after smoothing
# A tile counts only when at least this share of its pixels is free of design edges.
MIN_GRAIN_SHARE = 0.4


@dataclass(frozen=True)
class UnitMatch:
    """score 0..1 (share of fine-detail tiles that agree), same = score >= threshold."""

    score: float
    same: bool
    message: str


def _detail(gray: np.ndarray) -> np.ndarray:
    image = gray.astype(np.float32)
    return image - cv2.GaussianBlur(image, (0, 0), DETAIL_SIGMA)


def design_edges(gray: np.ndarray) -> np.ndarray:
    """Pixels on or next to the shared design's edges (bool), where grain is drowned by print.

    The design is a coarse structure: its edges survive a blur that flattens the grain, so a
    strong gradient of the blurred image marks them.
    """
    smooth = cv2.GaussianBlur(gray.astype(np.float32), (0, 0), DETAIL_SIGMA)
    magnitude = cv2.magnitude(cv2.Sobel(smooth, cv2.CV_32F, 1, 0, ksize=3),
                              cv2.Sobel(smooth, cv2.CV_32F, 0, 1, ksize=3)) / 8.0
    level = max(DESIGN_EDGE_FLOOR, DESIGN_EDGE_FACTOR * float(np.median(magnitude)))
    edges = (magnitude > level).astype(np.uint8)
    reach = 2 * round(DETAIL_SIGMA) + 1  # the detail band spreads an edge this far
    return cv2.dilate(edges, np.ones((reach, reach), np.uint8)) > 0


def _tile_agreement(first: np.ndarray, second: np.ndarray, valid: np.ndarray,
                    grain: np.ndarray | None = None) -> float:
    """Share of textured tiles whose fine detail correlates (> 0.5) between the two photos.

    A photo hash cannot tell a re-shot of the same unit from another unit of the same model;
    the design correlates in both, the unit's own marks only in the same unit, so tiles where
    detail disagrees are the evidence. `grain` (bool) keeps only pixels off the design's edges,
    so a design-heavy label cannot outvote its own grain.
    """
    height, width = first.shape
    agree = total = 0
    for y in range(0, height - TILE + 1, TILE):
        for x in range(0, width - TILE + 1, TILE):
            if not valid[y:y + TILE, x:x + TILE].all():
                continue
            keep = (grain[y:y + TILE, x:x + TILE].ravel() if grain is not None
                    else np.ones(TILE * TILE, bool))
            if keep.mean() < MIN_GRAIN_SHARE:
                continue
            a = first[y:y + TILE, x:x + TILE].ravel()[keep]
            b = second[y:y + TILE, x:x + TILE].ravel()[keep]
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
    grain = ~(design_edges(before_small) | design_edges(now_warped))
    return _tile_agreement(before_detail, now_detail, valid, grain)


def same_unit(photos_when_passed: Sequence[np.ndarray], photos_now: Sequence[np.ndarray]
              ) -> UnitMatch:
    """Compare each photo now with the photos from when the item passed (BGR uint8 arrays).

    Each current photo is matched to the passed photo it aligns with best; the overall score
    is the lowest of those (one swapped part is enough to doubt the unit).
    """
    if not photos_when_passed or not photos_now:
        raise BadInput("same-unit check needs at least one photo from then and one from now.")
    per_photo: list[float] = []
    unmatched = 0  # photos now that align with no photo from then: nothing to compare
    for now in photos_now:
        scores = [s for before in photos_when_passed if (s := _pair_score(before, now)) is not None]
        unmatched += not scores
        per_photo.append(max(scores) if scores else 0.0)
    score = min(per_photo)
    if unmatched:
        return UnitMatch(0.0, False, f"{unmatched} photo(s) now show nothing seen when the "
                         "item passed — photograph the same views")
    same = score >= SAME_UNIT_SCORE
    verdict = "same unit" if same else "probably a different unit"
    return UnitMatch(score, same, f"{verdict}: {score:.0%} of fine detail agrees")
