"""On the reference's compare grid: warping, the small non-rigid fit, lighting, local difference.

Everything here works on the ~512 px grid of a reference (or of the first reference of a set),
after registration put the photo within a pixel or two of it.
"""

from __future__ import annotations

import cv2
import numpy as np

from inspector.vision.difference import difference_map, local_density
from inspector.vision.registration import (
    WORK_SIDE,
    refine_by_tracking,
    resize_long_side_matrix,
    scale_matrix,
)

# Genuine units differ by a smooth deformation (~0.25%) and print placed up to ~0.4% off; the
# non-rigid fit may move any pixel by at most this share of the grid's long side. A change
# (a patch shifted, replaced, redrawn) moves content much further, and a clamped smooth field
# cannot invent new content, so it stays visible.
FLOW_MAX_SHIFT = 0.008
# The fit is smoothed at this share of the grid's side: it follows where a label sits, not
# the outline of a glyph.
FLOW_SMOOTH = 0.012
# Lamp gradients and soft shadows vary slowly: brightness is evened out at this scale
# (share of the grid side). Brightness only: a recoloured patch keeps its hue difference.
LIGHT_SMOOTH = 0.05
LIGHT_GAIN_RANGE = (0.7, 1.45)
# Window of the local density: ~ the side of a 0.5% patch.
DENSITY_SIGMA = 0.025

# The guided passes may move the reference's corners by at most these shares of its side.
TRACK_MAX_SHIFTS = (0.08, 0.02)

_dis: cv2.DISOpticalFlow | None = None


def warp_to_grid(photo_work: np.ndarray, warp: np.ndarray, grid_size: tuple[int, int]
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Warp at twice the grid size then area-average down (bilinear warping alone aliases).

    Returns the warped photo and the mask (uint8 0/1) of grid pixels the photo shows.
    """
    grid_w, grid_h = grid_size
    double = scale_matrix(2.0) @ warp
    warped2 = cv2.warpPerspective(photo_work, double, (2 * grid_w, 2 * grid_h),
                                  flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    warped = cv2.resize(warped2, grid_size, interpolation=cv2.INTER_AREA)
    valid2 = cv2.warpPerspective(np.full(photo_work.shape[:2], 255, np.uint8), double,
                                 (2 * grid_w, 2 * grid_h), flags=cv2.INTER_NEAREST)
    valid = cv2.resize(valid2, grid_size, interpolation=cv2.INTER_AREA) >= 250
    return warped, cv2.erode(valid.astype(np.uint8), np.ones((5, 5), np.uint8))


def align_onto_grid(reference_grid: np.ndarray, grid_from_array: np.ndarray,
                    photo_work: np.ndarray, photo_shape: tuple[int, ...],
                    homography: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The photo on the reference grid: (warped BGR, valid mask, array homography).

    `homography` maps photo array pixels to reference array pixels; `photo_work` is the photo
    at WORK_SIDE. A second, guided pass (corners tracked over the whole label) corrects what
    ORB matches bunched in one part of the frame extrapolate to the far corners (5-10 px at
    1024 px); the returned homography includes it.
    """
    grid_h, grid_w = reference_grid.shape[:2]
    # Exact per-axis pixel mappings: the tracked refinement is accurate to a fraction of a
    # pixel, so a rounded height must not shift it.
    work_from_photo = resize_long_side_matrix((photo_shape[1], photo_shape[0]), WORK_SIDE)
    warp = grid_from_array @ homography @ np.linalg.inv(work_from_photo)
    warped, valid = warp_to_grid(photo_work, warp, (grid_w, grid_h))
    # Twice: features bunched on one printed label can leave the far corners 20-30 px off
    # at the grid; the first pass brings them within reach of the second.
    for max_shift in TRACK_MAX_SHIFTS:
        correction = refine_by_tracking(cv2.cvtColor(reference_grid, cv2.COLOR_BGR2GRAY),
                                        cv2.cvtColor(warped, cv2.COLOR_BGR2GRAY), valid,
                                        max_shift=max_shift * max(grid_w, grid_h))
        if correction is None:
            continue
        warp = np.linalg.inv(correction) @ warp
        warped, valid = warp_to_grid(photo_work, warp, (grid_w, grid_h))
        homography = np.linalg.inv(grid_from_array) @ warp @ work_from_photo
    # Outside the photo, borrow the reference's pixels: smoothing then cannot smear the black
    # border of the warp into the difference map along the photo's edges.
    outside = valid == 0
    warped[outside] = reference_grid[outside]
    return warped, valid, homography / homography[2, 2]


def _flow_engine() -> cv2.DISOpticalFlow:
    global _dis
    if _dis is None:
        _dis = cv2.DISOpticalFlow_create(  # type: ignore[attr-defined]
            cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    return _dis


def _coarse(image: np.ndarray, factor: int) -> np.ndarray:
    height, width = image.shape[:2]
    return cv2.resize(image, (max(1, width // factor), max(1, height // factor)),
                      interpolation=cv2.INTER_AREA)


def even_light(reference: np.ndarray, photo: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """`photo` with its slowly varying brightness (lamp gradient, soft shadow) set to the reference's.

    One gain for all channels per place, from the ratio of heavily smoothed gray levels
    (mask-normalised, so the photo's edge does not pull it): a gain cannot turn one hue
    into another, so a recoloured patch still differs in colour. Computed at 1/8 size: it
    varies slowly by construction.
    """
    height, width = mask.shape
    factor = 8
    sigma = LIGHT_SMOOTH * max(height, width) / factor
    ref_gray = cv2.cvtColor(reference, cv2.COLOR_BGR2GRAY).astype(np.float32)
    photo_gray = cv2.cvtColor(photo, cv2.COLOR_BGR2GRAY).astype(np.float32)
    # Dark pixels say little about a gain (noise and crushed blacks dominate their ratio),
    # and clipped highlights say nothing: weight mid and bright tones.
    usable = (mask * np.clip((np.minimum(ref_gray, photo_gray) - 30.0) / 60.0, 0.0, 1.0)
              * (np.maximum(ref_gray, photo_gray) < 250))
    weight = _coarse(usable.astype(np.float32), factor)
    ref_sum = _coarse(ref_gray * usable, factor)
    photo_sum = _coarse(photo_gray * usable, factor)

    def smooth(image: np.ndarray) -> np.ndarray:
        return cv2.GaussianBlur(image, (0, 0), sigma)

    norm = np.maximum(smooth(weight), 1e-3)
    ref_level = smooth(ref_sum) / norm
    photo_level = smooth(photo_sum) / norm
    gain = np.where(smooth(weight) > 0.05,
                    np.clip(ref_level / np.maximum(photo_level, 1.0), *LIGHT_GAIN_RANGE), 1.0)
    # Normalise to the median gain: the global tone is left to the histogram matching.
    inside = weight > 0.5
    if inside.any():
        gain /= float(np.median(gain[inside]))
    gain = cv2.resize(gain, (width, height), interpolation=cv2.INTER_LINEAR)
    out = photo.astype(np.float32) * gain[..., None]
    result: np.ndarray = np.clip(out + 0.5, 0, 255).astype(np.uint8)
    return result


def fit_non_rigid(reference: np.ndarray, warped: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """`warped` (on the grid) moved by a smooth, small displacement onto `reference`.

    Dense optical flow (DIS, at half the grid: the motion is smooth and small) between the
    two, smoothed and clamped to FLOW_MAX_SHIFT: what differs between genuine units (a
    surface deformed a little, print a little off) is taken out; a change is not (it would
    need a larger or sharper motion, or new content).
    """
    height, width = valid.shape
    side = max(height, width)
    ref_gray = _coarse(cv2.cvtColor(reference, cv2.COLOR_BGR2GRAY), 2)
    photo_gray = _coarse(cv2.cvtColor(warped, cv2.COLOR_BGR2GRAY), 2)
    half_valid = _coarse(valid.astype(np.float32), 2)
    flow = np.asarray(_flow_engine().calc(ref_gray, photo_gray, None),  # type: ignore[call-overload]
                      dtype=np.float32)
    sigma = FLOW_SMOOTH * side / 2
    weight = cv2.GaussianBlur(half_valid, (0, 0), sigma)
    flow *= half_valid[..., None]
    flow = np.asarray(cv2.GaussianBlur(flow, (0, 0), sigma) / np.maximum(weight, 1e-3)[..., None],
                      dtype=np.float32)
    limit = FLOW_MAX_SHIFT * side / 2
    magnitude = np.sqrt((flow * flow).sum(axis=2))
    flow *= np.minimum(1.0, limit / np.maximum(magnitude, 1e-6))[..., None]
    flow = 2.0 * cv2.resize(flow, (width, height), interpolation=cv2.INTER_LINEAR)
    xs, ys = np.meshgrid(np.arange(width, dtype=np.float32), np.arange(height, dtype=np.float32))
    return cv2.remap(warped, xs + flow[..., 0], ys + flow[..., 1], cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_REPLICATE)


def local_difference(reference: np.ndarray, photo: np.ndarray, mask: np.ndarray
                     ) -> np.ndarray:
    """Local density of difference (0..1 per grid pixel) with the photo-wide level taken out."""
    difference = difference_map(reference, photo, mask, even_light=even_light)
    height, width = mask.shape
    density = local_density(difference, mask, sigma=DENSITY_SIGMA * max(height, width))
    # What the whole photo differs by (blur, noise) is not a local change: subtract it.
    inside = mask[::4, ::4] > 0
    baseline = float(np.median(density[::4, ::4][inside])) if inside.any() else 0.0
    return np.maximum(density - baseline, 0.0)
