"""Registration: ORB features at a working size, MAGSAC homography, honest failure checks."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# Matching at ~1024 px costs a fraction of full resolution and is accurate to ~1 px there.
WORK_SIDE = 1024
ORB_FEATURES = 3000
RATIO_TEST = 0.8
MIN_INLIERS = 25
MIN_INLIER_SHARE = 0.12
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
    """Downscale (never upscale) so the long side is at most `long_side`; returns image, scale."""
    height, width = image.shape[:2]
    scale = min(1.0, long_side / max(height, width))
    if scale >= 1.0:
        return image, 1.0
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA), scale


_orb_cache: dict[int, cv2.ORB] = {}


def _orb(n_features: int) -> cv2.ORB:
    if n_features not in _orb_cache:
        _orb_cache[n_features] = cv2.ORB_create(
            nfeatures=n_features, scaleFactor=1.2, nlevels=8, fastThreshold=10
        )
    return _orb_cache[n_features]


def detect_features(
    image: np.ndarray, *, work_side: int = WORK_SIDE, n_features: int = ORB_FEATURES
) -> Features:
    """ORB keypoints and descriptors of `image` resized to `work_side` on its long side."""
    gray = to_gray(image)
    small, scale = resize_long_side(gray, work_side)
    keypoints, descriptors = _orb(n_features).detectAndCompute(small, None)
    if descriptors is None or not keypoints:
        points = np.zeros((0, 2), np.float32)
        descriptors = np.zeros((0, 32), np.uint8)
    else:
        points = np.array([kp.pt for kp in keypoints], dtype=np.float32)
    height, width = gray.shape[:2]
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
    return np.diag([scale, scale, 1.0])


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


def corners(size: tuple[int, int]) -> np.ndarray:
    width, height = size
    return np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float64)


def project(homography: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Apply a homography to (N, 2) points."""
    homogeneous = np.hstack([points, np.ones((len(points), 1))]) @ homography.T
    return homogeneous[:, :2] / homogeneous[:, 2:3]


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


def coverage(homography: np.ndarray, ref_size: tuple[int, int], photo_size: tuple[int, int]) -> float:
    """Share of the reference's area that the photo shows (0..1)."""
    photo_quad = project(homography, corners(photo_size)).astype(np.float32)
    ref_quad = corners(ref_size).astype(np.float32)
    area, _ = cv2.intersectConvexConvex(photo_quad, ref_quad)
    return float(area) / float(ref_size[0] * ref_size[1])
