"""Compare a photo with its reference: align, normalise, map differences, flag regions, score."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import cv2
import numpy as np

from inspector.errors import BadInput
from inspector.vision.difference import difference_map, local_density
from inspector.vision.imageio import DEFAULT_MAX_PIXELS, load_image_with_size
from inspector.vision.registration import (
    WORK_SIDE,
    Features,
    coverage,
    detect_features,
    refine_by_tracking,
    register,
    resize_long_side,
    resize_long_side_matrix,
    scale_matrix,
)

# The difference map is computed at this long side: fine enough for a 1% change (~45 px),
# coarse enough that registration error, noise and JPEG do not show.
COMPARE_SIDE = 512
# Local density at or above this counts as "fully different" (score 0).
DENSITY_FULL_SCALE = 0.5
# Regions are flagged where local density exceeds this (score below 1 - FLAG_LEVEL/FULL_SCALE).
FLAG_LEVEL = 0.12
MAX_REGIONS = 8
# Inside a flagged blob, the box covers density above this share of the blob's peak: the density
# is a local average, so at the edge of a solid change it is half of its inside (half-maximum
# contour). Boxing the sharp map instead cut a replaced patch down to the part that differs most.
BOX_SHARE = 0.5
GROW_SHARE = 0.25
# JPEGs are decoded at 1/2, 1/4 or 1/8 size while their long side stays above this: a 4000 px
# file decodes at 1000 px (DCT scaling), several times faster than a full decode.
DECODE_MIN_SIDE = 960
# The guided second pass may move the reference's corners by at most this share of its side.
TRACK_MAX_SHIFT = 0.02
MIN_COVERAGE = 0.5
Region = tuple[int, int, int, int]


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

    def to_dict(self) -> dict[str, Any]:
        """Exactly the DESIGN.md contract of `inspector compare --json`."""
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


def _warp_to_grid(photo_work: np.ndarray, warp: np.ndarray, grid_size: tuple[int, int]
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Warp at twice the grid size then area-average down (bilinear warping alone aliases)."""
    grid_w, grid_h = grid_size
    double = scale_matrix(2.0) @ warp
    warped2 = cv2.warpPerspective(photo_work, double, (2 * grid_w, 2 * grid_h),
                                  flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    warped = cv2.resize(warped2, grid_size, interpolation=cv2.INTER_AREA)
    valid2 = cv2.warpPerspective(np.full(photo_work.shape[:2], 255, np.uint8), double,
                                 (2 * grid_w, 2 * grid_h), flags=cv2.INTER_NEAREST)
    valid = cv2.resize(valid2, grid_size, interpolation=cv2.INTER_AREA) >= 250
    return warped, cv2.erode(valid.astype(np.uint8), np.ones((5, 5), np.uint8))


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
    return float(np.clip(1.0 - density / DENSITY_FULL_SCALE, 0.0, 1.0))


def compare(
    reference: np.ndarray,
    photo: np.ndarray,
    *,
    region: Region | None = None,
    reference_size: tuple[int, int] | None = None,
    photo_size: tuple[int, int] | None = None,
    reference_features: Features | None = None,
) -> Comparison:
    """Align `photo` onto `reference` (BGR uint8 arrays) and compare them.

    `region` (x, y, w, h in full reference pixels) limits the comparison to a region of interest.
    `reference_size` / `photo_size`: full (width, height) when the arrays were decoded reduced,
    so boxes and the homography come out in full-size pixels. `reference_features` may be
    precomputed with detect_features(reference) when one reference serves many photos.
    """
    started = time.perf_counter()
    ref_h, ref_w = reference.shape[:2]
    full_ref = reference_size or (ref_w, ref_h)
    full_photo = photo_size or (photo.shape[1], photo.shape[0])
    ref_array_scale = ref_w / full_ref[0]  # array = full * scale
    photo_array_scale = photo.shape[1] / full_photo[0]

    ref_work, _ = resize_long_side(reference, WORK_SIDE)
    photo_work, _ = resize_long_side(photo, WORK_SIDE)
    ref_features = reference_features or detect_features(ref_work, original_size=(ref_w, ref_h))
    registration = register(ref_features, detect_features(
        photo_work, original_size=(photo.shape[1], photo.shape[0])))

    def finish(**values: Any) -> Comparison:
        elapsed = (time.perf_counter() - started) * 1000.0
        return Comparison(elapsed_ms=elapsed, reference_size=full_ref, _photo=photo,
                          _photo_scale=photo_array_scale, **values)

    if not registration.ok or registration.homography is None:
        return finish(aligned=False, score=0.0, regions=[], homography=None,
                      message=registration.message)
    # Array-pixel homography -> full-size homography for the contract.
    homography_full = (np.linalg.inv(scale_matrix(ref_array_scale)) @ registration.homography
                       @ scale_matrix(photo_array_scale))
    homography_full /= homography_full[2, 2]
    shown = coverage(homography_full, full_ref, full_photo)
    if shown < MIN_COVERAGE:
        return finish(aligned=False, score=0.0, regions=[], homography=homography_full.tolist(),
                      coverage=shown, message=f"could not compare — the photo shows only "
                      f"{shown:.0%} of the reference; photograph the whole label")

    ref_small, _ = resize_long_side(ref_work, COMPARE_SIDE)
    grid_h, grid_w = ref_small.shape[:2]
    # Exact per-axis pixel mappings (array -> working size -> grid): the tracked refinement
    # is accurate to a fraction of a pixel, so a rounded height must not shift it.
    grid_from_array = (resize_long_side_matrix(ref_work.shape[1::-1], COMPARE_SIDE)
                       @ resize_long_side_matrix((ref_w, ref_h), WORK_SIDE))
    work_from_photo = resize_long_side_matrix(photo.shape[1::-1], WORK_SIDE)
    # photo work pixels -> compare-grid pixels
    warp = grid_from_array @ registration.homography @ np.linalg.inv(work_from_photo)
    warped_small, valid = _warp_to_grid(photo_work, warp, (grid_w, grid_h))
    # Second, guided pass: with the photo on the reference grid, corners tracked over the whole
    # label correct what ORB matches bunched in one part of the frame extrapolate to the far
    # corners (5-10 px at 1024 px). It replaced an ECC step, which made those cases worse.
    correction = refine_by_tracking(cv2.cvtColor(ref_small, cv2.COLOR_BGR2GRAY),
                                    cv2.cvtColor(warped_small, cv2.COLOR_BGR2GRAY), valid,
                                    max_shift=TRACK_MAX_SHIFT * max(grid_w, grid_h))
    if correction is not None:
        warp = np.linalg.inv(correction) @ warp
        warped_small, valid = _warp_to_grid(photo_work, warp, (grid_w, grid_h))
        array_homography = np.linalg.inv(grid_from_array) @ warp @ work_from_photo
        homography_full = (np.linalg.inv(scale_matrix(ref_array_scale)) @ array_homography
                           @ scale_matrix(photo_array_scale))
        homography_full /= homography_full[2, 2]
    # Outside the photo, borrow the reference's pixels: smoothing then cannot smear the black
    # border of the warp into the difference map along the photo's edges.
    outside = valid == 0
    warped_small[outside] = ref_small[outside]

    # The label's own outline mixes with the background in any photo: skip a thin border.
    edge = max(2, round(0.006 * max(grid_w, grid_h)))
    valid[:edge, :] = 0
    valid[-edge:, :] = 0
    valid[:, :edge] = 0
    valid[:, -edge:] = 0
    grid_scale = grid_from_array[0, 0] * ref_array_scale  # grid = full * grid_scale
    mask = valid & _region_mask(region, full_ref, grid_scale, (grid_h, grid_w))
    if not mask.any():
        return finish(aligned=True, score=0.0, regions=[], homography=homography_full.tolist(),
                      coverage=shown, message="the region of interest is not in the photo")
    difference = difference_map(ref_small, warped_small, mask)
    # Window ~ the side of a 0.5% patch: a real change fills it, misregistered edges do not.
    density = local_density(difference, mask, sigma=0.025 * max(grid_w, grid_h))
    # What the whole photo differs by (lighting, blur, noise) is not a local change: subtract it.
    baseline_level = float(np.median(density[::4, ::4][mask[::4, ::4] > 0]))
    density = np.maximum(density - baseline_level, 0.0)
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
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> Comparison:
    """compare() two image files; JPEGs are decoded reduced (DCT scaling) to ~working size.

    `elapsed_ms` includes decoding. BadInput for unreadable, truncated, empty or huge files.
    """
    started = time.perf_counter()
    reference, reference_size = load_image_with_size(
        reference_path, max_pixels=max_pixels, min_side=DECODE_MIN_SIDE)
    photo, photo_size = load_image_with_size(
        photo_path, max_pixels=max_pixels, min_side=DECODE_MIN_SIDE)
    reference_size = _oriented(reference, reference_size)
    photo_size = _oriented(photo, photo_size)
    result = compare(reference, photo, region=region, reference_size=reference_size,
                     photo_size=photo_size)
    result.elapsed_ms = (time.perf_counter() - started) * 1000.0
    return result


def _oriented(image: np.ndarray, header_size: tuple[int, int]) -> tuple[int, int]:
    """The decoder applies EXIF rotation; swap the header's size when it did."""
    height, width = image.shape[:2]
    header_w, header_h = header_size
    if (width > height) != (header_w > header_h) and width != height:
        return header_h, header_w
    return header_w, header_h
