"""Registration: ORB features at a working size, MAGSAC homography, tracked refinement, checks."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# Matching at ~1024 px costs a fraction of full resolution and is accurate to ~1 px there.
WORK_SIDE = 1024
ORB_FEATURES = 1500
RATIO_TEST = 0.8
MIN_INLIERS = 25
MIN_INLIER_SHARE = 0.12
TRACK_POINTS = 400
TRACK_WINDOW = 15
COULD_NOT_ALIGN = "could not align — photograph the whole label"


@dataclass(frozen=True)
class Features:
    """Keypoints (x, y in the scaled image) with ORB descriptors, and the scale applied."""

    points: np.ndarray  # (N, 2) float32, in pixels of the scaled image
    descriptors: np.ndarray  # (N, 32) uint8
    scale: float  # scaled = original * scale
    size: tuple[int, int]  # original (width, height)


@dataclass(frozen=True)
class Registration:
    """Homography mapping photo pixels to reference pixels (both original sizes), or why not."""

    ok: bool
    homography: np.ndarray | None  # 3x3 float64, photo -> reference
    inliers: int
    matches: int
    message: str


def to_gray(image: np.ndarray) -> np.ndarray:
    """Grayscale view of a BGR or gray uint8 image."""
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)


def resize_long_side(image: np.ndarray, long_side: int) -> tuple[np.ndarray, float]:
    """Downscale (never upscale) so the long side is at most `long_side`; returns image, scale.

    Halves while the image is over twice too big (much faster than one big
    INTER_AREA step on 12 MP), then finishes with INTER_AREA.
    """
    height, width = image.shape[:2]
    if max(height, width) <= long_side:
        return image, 1.0
    small = image
    while max(small.shape[:2]) >= 2 * long_side:
        # Exact halving with INTER_AREA (fast path) keeps pixel centres where scale_matrix says.
        half = (small.shape[1] // 2, small.shape[0] // 2)
        small = cv2.resize(small[: 2 * half[1], : 2 * half[0]], half,
                           interpolation=cv2.INTER_AREA)
    scale = long_side / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    if (small.shape[1], small.shape[0]) != size:
        small = cv2.resize(small, size, interpolation=cv2.INTER_AREA)
    return small, size[0] / width


_orb_cache: dict[int, cv2.ORB] = {}


def _orb(n_features: int) -> cv2.ORB:
    if n_features not in _orb_cache:
        _orb_cache[n_features] = cv2.ORB_create(  # type: ignore[attr-defined]
            nfeatures=n_features, scaleFactor=1.2, nlevels=8, fastThreshold=10
        )
    return _orb_cache[n_features]


def detect_features(
    image: np.ndarray, *, work_side: int = WORK_SIDE, n_features: int | None = None,
    original_size: tuple[int, int] | None = None,
) -> Features:
    """ORB keypoints and descriptors of `image` resized to `work_side` on its long side.

    `original_size`: when `image` is itself a downscaled copy, the (width, height) of the
    original, so that Features.scale maps original pixels to keypoint pixels.
    """
    gray = to_gray(image)
    small, scale = resize_long_side(gray, work_side)
    keypoints, descriptors = _orb(n_features or ORB_FEATURES).detectAndCompute(small, None)
    if descriptors is None or not keypoints:
        points = np.zeros((0, 2), np.float32)
        descriptors = np.zeros((0, 32), np.uint8)
    else:
        points = np.array([kp.pt for kp in keypoints], dtype=np.float32)
    height, width = gray.shape[:2]
    if original_size is not None:
        scale *= width / original_size[0]
        width, height = original_size
    return Features(points, descriptors, scale, (width, height))


def match_features(reference: Features, photo: Features) -> tuple[np.ndarray, np.ndarray]:
    """Ratio-test matches; returns (photo points, reference points) in scaled pixels."""
    if len(reference.points) < 4 or len(photo.points) < 4:
        empty = np.zeros((0, 2), np.float32)
        return empty, empty
    matcher = cv2.BFMatcher(cv2.NORM_HAMMING)
    pairs = matcher.knnMatch(photo.descriptors, reference.descriptors, k=2)
    photo_idx, ref_idx = [], []
    for pair in pairs:
        if len(pair) == 2 and pair[0].distance < RATIO_TEST * pair[1].distance:
            photo_idx.append(pair[0].queryIdx)
            ref_idx.append(pair[0].trainIdx)
    return photo.points[photo_idx], reference.points[ref_idx]


def scale_matrix(scale: float) -> np.ndarray:
    """Pixel mapping of a resize by `scale` (pixel centres: x' = s*x + (s-1)/2, as cv2.resize)."""
    offset = (scale - 1.0) / 2.0
    return np.array([[scale, 0.0, offset], [0.0, scale, offset], [0.0, 0.0, 1.0]])


def register(reference: Features, photo: Features) -> Registration:
    """Estimate photo -> reference homography with MAGSAC; refuse implausible warps."""
    photo_pts, ref_pts = match_features(reference, photo)
    n_matches = len(photo_pts)
    if n_matches < MIN_INLIERS:
        return Registration(False, None, 0, n_matches, COULD_NOT_ALIGN)
    homography_small, mask = cv2.findHomography(
        photo_pts, ref_pts, cv2.USAC_MAGSAC, 3.0, maxIters=2000, confidence=0.999
    )
    if homography_small is None or mask is None:
        return Registration(False, None, 0, n_matches, COULD_NOT_ALIGN)
    inliers = int(mask.sum())
    if inliers < MIN_INLIERS or inliers < MIN_INLIER_SHARE * n_matches:
        return Registration(False, None, inliers, n_matches, COULD_NOT_ALIGN)
    # Least-squares polish on the inliers: MAGSAC's model is good, all inliers make it better.
    inlier_rows = mask.ravel().astype(bool)
    polished, _ = cv2.findHomography(photo_pts[inlier_rows], ref_pts[inlier_rows], 0)
    if polished is not None:
        homography_small = polished
    homography = (
        np.linalg.inv(scale_matrix(reference.scale)) @ homography_small @ scale_matrix(photo.scale)
    )
    homography /= homography[2, 2]
    if not plausible(homography, reference.size, photo.size):
        return Registration(False, None, inliers, n_matches, COULD_NOT_ALIGN)
    return Registration(True, homography, inliers, n_matches, "aligned")


def resize_long_side_matrix(size: tuple[int, int], long_side: int) -> np.ndarray:
    """Pixel mapping of resize_long_side on an image of (width, height), per axis.

    The resized height is rounded on its own, so the vertical scale differs slightly from the
    horizontal one (683 px -> 342, not 341.5): up to ~1.5 px at the far edge at 1024 px, which
    a single isotropic scale (scale_matrix) puts into every homography built on it.
    """
    width, height = size
    if max(width, height) <= long_side:
        return np.eye(3)
    scale_x = scale_y = 1.0
    small_w, small_h = width, height
    while max(small_w, small_h) >= 2 * long_side:
        small_w, small_h = small_w // 2, small_h // 2
        scale_x, scale_y = scale_x / 2, scale_y / 2
    scale = long_side / max(width, height)
    target_w, target_h = max(1, round(width * scale)), max(1, round(height * scale))
    scale_x *= target_w / small_w
    scale_y *= target_h / small_h
    return np.array([[scale_x, 0.0, (scale_x - 1.0) / 2.0],
                     [0.0, scale_y, (scale_y - 1.0) / 2.0], [0.0, 0.0, 1.0]])


def corners(size: tuple[int, int]) -> np.ndarray:
    width, height = size
    return np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float64)


def project(homography: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Apply a homography to (N, 2) points."""
    homogeneous = np.hstack([points, np.ones((len(points), 1))]) @ homography.T
    result: np.ndarray = homogeneous[:, :2] / homogeneous[:, 2:3]
    return result


def _quad_is_convex(quad: np.ndarray) -> bool:
    cross = []
    for i in range(4):
        a, b, c = quad[i], quad[(i + 1) % 4], quad[(i + 2) % 4]
        cross.append((b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]))
    return all(v > 0 for v in cross) or all(v < 0 for v in cross)


def plausible(homography: np.ndarray, ref_size: tuple[int, int], photo_size: tuple[int, int]) -> bool:
    """A real label photo maps to a convex quad of sane size and no extreme perspective."""
    try:
        inverse = np.linalg.inv(homography)
    except np.linalg.LinAlgError:
        return False
    ref_corners = corners(ref_size)
    # Every reference corner must be in front of the camera (positive w).
    w = np.hstack([ref_corners, np.ones((4, 1))]) @ inverse.T
    if np.any(w[:, 2] <= 0):
        return False
    quad = w[:, :2] / w[:, 2:3]
    if not _quad_is_convex(quad):
        return False
    area_ratio = abs(cv2.contourArea(quad.astype(np.float32))) / float(ref_size[0] * ref_size[1])
    if not 0.01 < area_ratio < 100:
        return False
    sides = np.linalg.norm(quad - np.roll(quad, -1, axis=0), axis=1)
    # Opposite sides of a label seen at <= ~40 degrees differ by less than 3x.
    return bool(sides[0] / sides[2] < 3 and sides[2] / sides[0] < 3
                and sides[1] / sides[3] < 3 and sides[3] / sides[1] < 3)


def _match_tones(source: np.ndarray, target: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """`source` remapped (monotone lookup table) so its histogram under `mask` matches `target`'s."""
    selected = mask > 0
    source_cdf = np.cumsum(np.bincount(source[selected], minlength=256)).astype(np.float64)
    target_cdf = np.cumsum(np.bincount(target[selected], minlength=256)).astype(np.float64)
    if source_cdf[-1] == 0:
        return source
    lookup = np.searchsorted(target_cdf / target_cdf[-1], source_cdf / source_cdf[-1])
    return cv2.LUT(source, np.clip(lookup, 0, 255).astype(np.uint8))


def refine_by_tracking(reference_gray: np.ndarray, warped_gray: np.ndarray, mask: np.ndarray,
                       max_shift: float) -> np.ndarray | None:
    """Correction W with reference(x) ~ warped(W x) from corners tracked across the whole label.

    After a first homography the photo sits on the reference within a few pixels, at the same
    scale and perspective, so Lucas-Kanade follows corners wherever the reference has them, not
    only where ORB matched across scales (few matches in one part of the frame extrapolate
    badly to the far corners). None when too few corners agree or the correction wanders.
    """
    points = cv2.goodFeaturesToTrack(reference_gray, maxCorners=TRACK_POINTS, qualityLevel=0.005,
                                     minDistance=6, mask=mask, blockSize=5)
    if points is None or len(points) < MIN_INLIERS:
        return None
    # LK assumes equal brightness: take lighting (brightness, contrast, gamma) out first.
    warped_toned = _match_tones(warped_gray, reference_gray, mask)
    window = (TRACK_WINDOW, TRACK_WINDOW)
    tracked, status, _ = cv2.calcOpticalFlowPyrLK(reference_gray, warped_toned, points,
                                                  points.copy(), winSize=window, maxLevel=2)
    back, status_back, _ = cv2.calcOpticalFlowPyrLK(warped_toned, reference_gray, tracked,
                                                    points.copy(), winSize=window, maxLevel=2)
    # Forward-backward check: a corner that does not come back to itself was not followed.
    round_trip = np.linalg.norm((back - points).reshape(-1, 2), axis=1)
    good = (status.ravel() == 1) & (status_back.ravel() == 1) & (round_trip < 0.5)
    if good.sum() < MIN_INLIERS:
        return None
    source, target = points.reshape(-1, 2)[good], tracked.reshape(-1, 2)[good]
    correction, inlier_mask = cv2.findHomography(source, target, cv2.USAC_MAGSAC, 1.0,
                                                 maxIters=1000, confidence=0.999)
    if correction is None or inlier_mask is None or inlier_mask.sum() < MIN_INLIERS:
        return None
    rows = inlier_mask.ravel().astype(bool)
    polished, _ = cv2.findHomography(source[rows], target[rows], 0)
    if polished is not None:
        correction = polished
    height, width = reference_gray.shape[:2]
    moved = project(correction, corners((width, height))) - corners((width, height))
    if not np.all(np.isfinite(moved)) or np.abs(moved).max() > max_shift:
        return None
    return np.asarray(correction / correction[2, 2], dtype=np.float64)


def coverage(homography: np.ndarray, ref_size: tuple[int, int], photo_size: tuple[int, int]) -> float:
    """Share of the reference's area that the photo shows (0..1)."""
    photo_quad = project(homography, corners(photo_size)).astype(np.float32)
    ref_quad = corners(ref_size).astype(np.float32)
    area, _ = cv2.intersectConvexConvex(photo_quad, ref_quad)
    return float(area) / float(ref_size[0] * ref_size[1])
