"""Compare a photo with its reference: align, normalise, map differences, flag regions, score."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

import cv2
import numpy as np

from inspector.errors import BadInput
from inspector.untrusted import MAX_PHOTO_PIXELS
from inspector.vision.grid import align_onto_grid, fit_non_rigid, local_difference
from inspector.vision.imageio import decode_image, decode_image_with_size
from inspector.vision.reference_set import (
    COMPARE_SIDE,
    DECODE_MIN_SIDE,
    PreparedSet,
    load_set,
    prepare_set,
    reference_files,
)
from inspector.vision.registration import (
    WORK_SIDE,
    Features,
    Registration,
    coverage,
    detect_features,
    register,
    resize_long_side,
    scale_matrix,
)

__all__ = ["COMPARE_SIDE", "DECODE_MIN_SIDE", "Comparison", "FlaggedRegion", "StoredComparison",
           "compare", "compare_files", "compare_to_set", "parse_region"]
# Local density at or above this counts as "fully different" (score 0).
DENSITY_FULL_SCALE = 0.5
# "Match" is calibrated against genuine photos (benchmarks/vision.py, tuning split, seed 5:
# genuine units under uneven light, white balance, noise, blur and JPEG): their worst local
# density had a median of ~0.085 and mostly stayed under ~0.14, while the benchmark's changes
# (1-5% of the image) reach 0.5. At or below GENUINE_TYPICAL a photo matches 100%; FLAG_LEVEL,
# above what genuine photos reach, is MATCH_AT_FLAG (80%); below that a region is flagged.
GENUINE_TYPICAL = 0.05
FLAG_LEVEL = 0.2
MATCH_AT_FLAG = 0.8
MAX_REGIONS = 8
# With a set, the other references are compared only where the matched one leaves density at
# or above this (half the flag level: the score below 80% depends on it too).
SET_CHECK_LEVEL = 0.5 * FLAG_LEVEL
# Inside a flagged blob, the box covers density above this share of the blob's peak: the density
# is a local average, so at the edge of a solid change it is half of its inside (half-maximum
# contour). Boxing the sharp map instead cut a replaced patch down to the part that differs most.
BOX_SHARE = 0.5
GROW_SHARE = 0.25
MIN_COVERAGE = 0.5
Region = tuple[int, int, int, int]


class StoredRegion(Protocol):
    """A flagged region as the records keep it (services.views.RegionView)."""

    @property
    def x(self) -> int: ...
    @property
    def y(self) -> int: ...
    @property
    def w(self) -> int: ...
    @property
    def h(self) -> int: ...
    @property
    def score(self) -> float: ...


class StoredComparison(Protocol):
    """A comparison as the records keep it (services.views.ComparisonView): no pixels, only numbers."""

    @property
    def aligned(self) -> bool: ...
    @property
    def score(self) -> float: ...
    @property
    def regions(self) -> Sequence[StoredRegion]: ...
    @property
    def homography(self) -> list[list[float]] | None: ...
    @property
    def elapsed_ms(self) -> float: ...


@dataclass(frozen=True)
class FlaggedRegion:
    """A box in reference pixels where the photo differs; score 0..1 (1 = same)."""

    x: int
    y: int
    w: int
    h: int
    score: float

    def to_dict(self) -> dict[str, Any]:
        return {"x": self.x, "y": self.y, "w": self.w, "h": self.h, "score": round(self.score, 4)}


@dataclass
class Comparison:
    """Result of compare(); `heatmap` and `warped` are rendered on first access (they are large).

    `homography` maps photo pixels to reference pixels (full-size files), row-major 3x3.
    """

    aligned: bool
    score: float
    regions: list[FlaggedRegion]
    homography: list[list[float]] | None
    message: str
    elapsed_ms: float
    reference_size: tuple[int, int]
    coverage: float = 0.0
    difference: np.ndarray | None = field(default=None, repr=False)  # 0..1 at compare size
    _photo: np.ndarray | None = field(default=None, repr=False)
    _photo_scale: float = field(default=1.0, repr=False)  # photo array = full photo * scale
    _stored_heatmap: np.ndarray | None = field(default=None, repr=False)  # from the records, as made

    @classmethod
    def from_stored(cls, stored: StoredComparison, reference_size: tuple[int, int], *,
                    photo: bytes | None = None, heatmap: bytes | None = None,
                    message: str = "Comparison recorded earlier.") -> Comparison:
        """A comparison recorded earlier, as the window, the desk and the documents show it: the
        stored score, regions and homography; `warped` from the photo's bytes (decoded reduced while
        it keeps twice the reference's pixels across: the subject often fills half the photo) and
        `heatmap` from the stored heatmap's bytes, at reference size. A photo that cannot be decoded
        is BadInput; a heatmap that cannot be is left out (it is an aid, not evidence)."""
        width, height = reference_size
        image, scale = None, 1.0
        if photo is not None and stored.homography is not None:
            image, (full_width, _) = decode_image_with_size(photo, name="The stored photo",
                                                            min_side=2 * max(width, height))
            scale = image.shape[1] / full_width
        heat = None
        if heatmap is not None:
            try:
                heat = decode_image(heatmap, name="The stored heatmap")
            except BadInput:
                heat = None
            if heat is not None and heat.shape[:2] != (height, width):
                heat = cv2.resize(heat, (width, height), interpolation=cv2.INTER_LINEAR)
        regions = [FlaggedRegion(int(r.x), int(r.y), int(r.w), int(r.h), float(r.score))
                   for r in stored.regions]
        homography = [list(map(float, row)) for row in stored.homography] if stored.homography else None
        return cls(aligned=bool(stored.aligned), score=float(stored.score), regions=regions,
                   homography=homography, message=message, elapsed_ms=float(stored.elapsed_ms),
                   reference_size=(int(width), int(height)), _photo=image, _photo_scale=scale,
                   _stored_heatmap=heat)

    def to_dict(self) -> dict[str, Any]:
        """Exactly the contract of `inspector compare --json` (docs/design.md)."""
        return {
            "aligned": self.aligned,
            "score": round(float(self.score), 4),
            "regions": [region.to_dict() for region in self.regions],
            "homography": self.homography,
            "elapsed_ms": round(float(self.elapsed_ms), 1),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @cached_property
    def heatmap(self) -> np.ndarray | None:
        """Difference heatmap (BGR uint8, reference size; blue = same, red = different)."""
        if self._stored_heatmap is not None:
            return self._stored_heatmap
        if self.difference is None:
            return None
        levels = np.clip(self.difference * 255.0 / DENSITY_FULL_SCALE, 0, 255).astype(np.uint8)
        coloured = cv2.applyColorMap(levels, cv2.COLORMAP_JET)
        return cv2.resize(coloured, self.reference_size, interpolation=cv2.INTER_LINEAR)

    @cached_property
    def warped(self) -> np.ndarray | None:
        """The photo warped onto the reference frame (BGR uint8, reference size) for overlays."""
        if self.homography is None or self._photo is None:
            return None
        homography = np.array(self.homography) @ np.linalg.inv(scale_matrix(self._photo_scale))
        return cv2.warpPerspective(self._photo, homography, self.reference_size,
                                   flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)


def parse_region(text: str) -> Region:
    """Parse "x,y,w,h" (reference pixels) into a tuple; BadInput if malformed."""
    try:
        values = tuple(int(float(part)) for part in text.split(","))
    except ValueError as exc:
        raise BadInput(f"region {text!r} must be four numbers x,y,w,h.") from exc
    if len(values) != 4 or values[2] <= 0 or values[3] <= 0:
        raise BadInput(f"region {text!r} must be x,y,w,h with positive width and height.")
    return values[0], values[1], values[2], values[3]


def _region_mask(region: Region | None, full_size: tuple[int, int], grid_scale: float,
                 grid_shape: tuple[int, int]) -> np.ndarray:
    mask = np.zeros(grid_shape, np.uint8)
    if region is None:
        mask[:] = 1
        return mask
    x, y, w, h = region
    if x >= full_size[0] or y >= full_size[1] or x + w <= 0 or y + h <= 0:
        raise BadInput(f"region {x},{y},{w},{h} lies outside the reference "
                       f"({full_size[0]}x{full_size[1]}).")
    x0, y0 = max(0, int(x * grid_scale)), max(0, int(y * grid_scale))
    x1, y1 = int(np.ceil((x + w) * grid_scale)), int(np.ceil((y + h) * grid_scale))
    mask[y0:y1, x0:x1] = 1
    return mask


def _flag_regions(density: np.ndarray, grid_scale: float,
                  full_size: tuple[int, int]) -> list[FlaggedRegion]:
    """Blobs of high local density, each boxed at the half-maximum of its density."""
    peak = float(density.max()) if density.size else 0.0
    if peak < FLAG_LEVEL:
        return []
    # Hysteresis: blobs reaching half the peak, grown down to a lower level so that the
    # fragments of one change (a patch that differs in places) make one region.
    seeds = density >= max(FLAG_LEVEL, 0.5 * peak)
    grown = (density >= max(0.5 * FLAG_LEVEL, GROW_SHARE * peak)).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(grown, connectivity=8)
    seeded = np.zeros(count, bool)
    seeded[np.unique(labels[seeds])] = True
    regions = []
    for label in range(1, count):
        if not seeded[label]:
            continue
        x, y, w, h, _area = stats[label]
        inside = labels[y:y + h, x:x + w] == label
        worst = float(density[y:y + h, x:x + w][inside].max())
        window = np.where(inside, density[y:y + h, x:x + w], 0.0)
        strong = window >= BOX_SHARE * worst
        rows, cols = np.flatnonzero(strong.any(axis=1)), np.flatnonzero(strong.any(axis=0))
        if rows.size and cols.size:
            x, y = x + int(cols[0]), y + int(rows[0])
            w, h = int(cols[-1] - cols[0] + 1), int(rows[-1] - rows[0] + 1)
        # grid pixel edges -> full-size pixel edges
        left, top = int(x / grid_scale), int(y / grid_scale)
        right = min(int(np.ceil((x + w) / grid_scale)), full_size[0])
        bottom = min(int(np.ceil((y + h) / grid_scale)), full_size[1])
        regions.append(FlaggedRegion(left, top, right - left, bottom - top, _score(worst)))
    regions.sort(key=lambda region: region.score)
    return regions[:MAX_REGIONS]


def _score(density: float) -> float:
    """Match 0..1 on the genuine-calibrated scale (see GENUINE_TYPICAL, FLAG_LEVEL)."""
    if density <= GENUINE_TYPICAL:
        return 1.0
    if density <= FLAG_LEVEL:
        share = (density - GENUINE_TYPICAL) / (FLAG_LEVEL - GENUINE_TYPICAL)
        return float(1.0 - (1.0 - MATCH_AT_FLAG) * share)
    share = (density - FLAG_LEVEL) / (DENSITY_FULL_SCALE - FLAG_LEVEL)
    return float(np.clip(MATCH_AT_FLAG * (1.0 - share), 0.0, MATCH_AT_FLAG))


def compare(
    reference: np.ndarray,
    photo: np.ndarray,
    *,
    region: Region | None = None,
    ignore: list[Region] | None = None,
    reference_size: tuple[int, int] | None = None,
    photo_size: tuple[int, int] | None = None,
    reference_features: Features | None = None,
) -> Comparison:
    """Align `photo` onto `reference` (BGR uint8 arrays) and compare them.

    `region` (x, y, w, h in full reference pixels) limits the comparison to a region of
    interest; `ignore` lists boxes left out (variable print: size, serial, barcode digits).
    `reference_size` / `photo_size`: full (width, height) when the arrays were decoded reduced,
    so boxes and the homography come out in full-size pixels. `reference_features` is accepted
    for callers that computed them (they are recomputed: a prepared set holds its own).
    """
    started = time.perf_counter()
    del reference_features
    prepared = prepare_set([reference], [reference_size] if reference_size else None)
    result = compare_to_set(prepared, photo, region=region, ignore=ignore, photo_size=photo_size)
    result.elapsed_ms = (time.perf_counter() - started) * 1000.0
    return result


def _best_registration(prepared: PreparedSet, photo_features: Features
                       ) -> tuple[int, Registration]:
    """The photo registered onto the first reference; onto the others only when that fails.

    Every reference of a set is already aligned onto the first one's grid, so one registration
    serves them all (matching against each cost ~1x a comparison per extra reference).
    """
    first = register(prepared.first.features, photo_features)
    if first.ok or len(prepared.references) == 1:
        return 0, first
    best: tuple[int, Registration] = (0, first)
    for index, reference in enumerate(prepared.references[1:], start=1):
        registration = register(reference.features, photo_features)
        if registration.ok and (not best[1].ok
                                or registration.inliers > best[1].inliers):
            best = (index, registration)
    return best


def _set_density(prepared: PreparedSet, matched: int, density: np.ndarray, warped: np.ndarray,
                 valid: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """With a set, a place differs only where the photo differs from every genuine reference.

    The photo (on the first reference's grid, before the non-rigid fit) is compared with each
    reference in turn and the least difference is kept per place; what the references differ by
    among themselves is then discounted (NATURAL_WEIGHT). The other references are looked at only
    when the matched one leaves something near the flag level: a clean photo costs one difference.
    """
    natural = prepared.natural
    discounted = density if natural is None else np.maximum(density - natural, 0.0)
    if float(discounted.max()) < SET_CHECK_LEVEL:
        return discounted
    least = density
    for index, reference in enumerate(prepared.references):
        if index == matched:
            continue
        fitted = fit_non_rigid(reference.grid, warped, valid)
        least = np.minimum(least, local_difference(reference.grid, fitted, mask))
    return least if natural is None else np.maximum(least - natural, 0.0)


def compare_to_set(
    prepared: PreparedSet,
    photo: np.ndarray,
    *,
    region: Region | None = None,
    ignore: list[Region] | None = None,
    photo_size: tuple[int, int] | None = None,
) -> Comparison:
    """Align `photo` with the genuine reference it matches best, compare, and discount what
    varies naturally between the set's references. Boxes are in the first reference's pixels.
    """
    started = time.perf_counter()
    first = prepared.first
    ref_w = first.image.shape[1]
    full_ref = prepared.full_size
    full_photo = photo_size or (photo.shape[1], photo.shape[0])
    ref_array_scale = ref_w / full_ref[0]  # array = full * scale
    photo_array_scale = photo.shape[1] / full_photo[0]

    photo_work, _ = resize_long_side(photo, WORK_SIDE)
    photo_features = detect_features(photo_work, original_size=(photo.shape[1], photo.shape[0]))
    best, registration = _best_registration(prepared, photo_features)

    def finish(**values: Any) -> Comparison:
        elapsed = (time.perf_counter() - started) * 1000.0
        return Comparison(elapsed_ms=elapsed, reference_size=full_ref, _photo=photo,
                          _photo_scale=photo_array_scale, **values)

    def full_homography(array_homography: np.ndarray) -> np.ndarray:
        # Array-pixel homography -> full-size homography for the contract.
        full = (np.linalg.inv(scale_matrix(ref_array_scale)) @ array_homography
                @ scale_matrix(photo_array_scale))
        result: np.ndarray = full / full[2, 2]
        return result

    if not registration.ok or registration.homography is None:
        return finish(aligned=False, score=0.0, regions=[], homography=None,
                      message=registration.message)
    matched = prepared.references[best]
    homography = matched.to_first @ registration.homography  # photo array -> first reference
    shown = coverage(full_homography(homography), full_ref, full_photo)
    if shown < MIN_COVERAGE:
        return finish(aligned=False, score=0.0, regions=[],
                      homography=full_homography(homography).tolist(),
                      coverage=shown, message=f"could not compare — the photo shows only "
                      f"{shown:.0%} of the reference; photograph the whole label")

    warped, valid, homography = align_onto_grid(matched.grid, prepared.grid_from_array,
                                                photo_work, photo.shape, homography)
    homography_full = full_homography(homography)
    unfitted = warped
    # Genuine units differ a little in shape and print placement: fit that out (clamped).
    warped = fit_non_rigid(matched.grid, warped, valid)
    grid_w, grid_h = prepared.grid_size
    # The label's own outline mixes with the background in any photo: skip a thin border.
    edge = max(2, round(0.006 * max(grid_w, grid_h)))
    valid[:edge, :] = 0
    valid[-edge:, :] = 0
    valid[:, :edge] = 0
    valid[:, -edge:] = 0
    grid_scale = prepared.grid_from_array[0, 0] * ref_array_scale  # grid = full * grid_scale
    mask = valid & _region_mask(region, full_ref, grid_scale, (grid_h, grid_w))
    for box in ignore or []:
        mask &= 1 - _region_mask(box, full_ref, grid_scale, (grid_h, grid_w))
    if not mask.any():
        return finish(aligned=True, score=0.0, regions=[], homography=homography_full.tolist(),
                      coverage=shown, message="the region of interest is not in the photo")
    density = local_difference(matched.grid, warped, mask)
    if len(prepared.references) > 1:
        density = _set_density(prepared, best, density, unfitted, valid, mask)
    regions = _flag_regions(density, grid_scale, full_ref)
    score = _score(float(density.max()))
    message = "no differences found" if not regions else f"{len(regions)} region(s) differ"
    return finish(aligned=True, score=score, regions=regions, homography=homography_full.tolist(),
                  coverage=shown, difference=density, message=message)


def compare_files(
    reference_path: str | os.PathLike[str],
    photo_path: str | os.PathLike[str],
    *,
    region: Region | None = None,
    ignore: list[Region] | None = None,
    max_pixels: int = MAX_PHOTO_PIXELS,
) -> Comparison:
    """compare() a photo file with a reference file or a folder of genuine references.

    JPEGs are decoded reduced (DCT scaling) to ~working size; a reference set is prepared once
    and kept while its files are unchanged. `elapsed_ms` includes decoding.
    BadInput for unreadable, truncated, empty or huge files.
    """
    from inspector.vision.imageio import load_image_with_size
    from inspector.vision.reference_set import oriented

    started = time.perf_counter()
    prepared = load_set(reference_files(reference_path), max_pixels=max_pixels)
    photo, photo_size = load_image_with_size(
        photo_path, max_pixels=max_pixels, min_side=DECODE_MIN_SIDE)
    result = compare_to_set(prepared, photo, region=region, ignore=ignore,
                            photo_size=oriented(photo, photo_size))
    result.elapsed_ms = (time.perf_counter() - started) * 1000.0
    return result
