"""Photo quality at capture: blur, exposure, glare, size, framing and tilt, as instructions."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import cv2
import numpy as np

from inspector.vision.registration import (
    Features,
    coverage,
    detect_features,
    plausible,
    project,
    register,
    scale_matrix,
)

# The analysis runs on a copy this wide: ~1 ms for a 1280x720 frame, stable measures.
ANALYSIS_SIDE = 640
# Features for framing: a small set at a small size keeps the whole check at ~5-7 ms.
FRAMING_SIDE = 480
FRAMING_FEATURES = 350
# Four pyramid levels (480 down to ~280 px) are enough: the reference's eight levels cover the
# other scales, and the frame's features go to the finer levels where a far label still shows.
# Against eight levels and 400 features this is faster and recognises small labels better.
FRAMING_LEVELS = 4
# The reference is described smaller than the frame: a label usually fills only part of it,
# and ORB's pyramid then covers labels from ~15% to 100% of the frame.
REFERENCE_SIDE = 320
REFERENCE_FEATURES = 300
BLUR_VARIANCE_MIN = 60.0  # variance of the Laplacian at ANALYSIS_SIDE
DARK_MEAN = 60.0
BRIGHT_MEAN = 200.0
CLIPPED_SHARE = 0.02  # share of pixels at >= 250 that counts as glare
MIN_SIDE = 640
MIN_FILL = 0.35  # reference should fill at least this share of the frame
MIN_COVERAGE = 0.9  # the frame should show at least this share of the reference
MAX_TILT_DEG = 12.0


@dataclass(frozen=True)
class ReferenceFeatures:
    """Features of a reference precomputed once per checklist step (see prepare_reference)."""

    features: Features


@dataclass
class QualityReport:
    """Measures of one frame and the problems found, each a short instruction."""

    problems: list[str] = field(default_factory=list)
    sharpness: float = 0.0
    brightness: float = 0.0
    clipped_share: float = 0.0
    fill: float | None = None  # share of the frame the reference covers
    coverage: float | None = None  # share of the reference the frame shows
    tilt_deg: float | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def prepare_reference(reference: np.ndarray) -> ReferenceFeatures:
    """Precompute a reference's framing features once; pass the result for every preview frame."""
    return ReferenceFeatures(
        detect_features(reference, work_side=REFERENCE_SIDE, n_features=REFERENCE_FEATURES))


@functools.cache
def _framing_orb() -> cv2.ORB:
    orb: cv2.ORB = cv2.ORB_create(  # type: ignore[attr-defined]
        nfeatures=FRAMING_FEATURES, scaleFactor=1.2, nlevels=FRAMING_LEVELS, fastThreshold=10)
    return orb


def _frame_features(small_gray: np.ndarray) -> Features:
    """ORB features of the (analysis-size) frame at FRAMING_SIDE, with FRAMING_LEVELS levels."""
    height, width = small_gray.shape[:2]
    scale = FRAMING_SIDE / max(height, width)
    size = (round(width * scale), round(height * scale))
    # Bilinear from the analysis copy (already area-averaged to 640): a 3/4 step like ORB's own
    # pyramid steps; ~0.5 ms less than INTER_AREA's non-integer path, same framing on our probes.
    framing = cv2.resize(small_gray, size, interpolation=cv2.INTER_LINEAR)
    scale = size[0] / width
    keypoints, descriptors = _framing_orb().detectAndCompute(framing, None)
    if descriptors is None or not keypoints:
        return Features(np.zeros((0, 2), np.float32), np.zeros((0, 32), np.uint8), scale,
                        (width, height))
    points = np.array([keypoint.pt for keypoint in keypoints], dtype=np.float32)
    return Features(points, descriptors, scale, (width, height))


def _tilt_degrees(quad: np.ndarray) -> float:
    """Largest deviation of the label's corner angles from square, as a tilt estimate."""
    worst = 0.0
    for i in range(4):
        a, b, c = quad[i - 1], quad[i], quad[(i + 1) % 4]
        u, v = a - b, c - b
        cosine = float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v) + 1e-9))
        worst = max(worst, abs(np.degrees(np.arccos(np.clip(cosine, -1, 1))) - 90.0))
    return worst


def assess_quality(
    frame: np.ndarray, reference: ReferenceFeatures | np.ndarray | None = None
) -> QualityReport:
    """Check one camera frame (BGR uint8) and say what to fix.

    For live preview pass a ReferenceFeatures from prepare_reference() (computed once per step),
    not the raw reference: then a 1280x720 frame takes a few milliseconds.
    """
    report = QualityReport()
    height, width = frame.shape[:2]
    gray = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    scale = min(1.0, ANALYSIS_SIDE / max(height, width))
    small = gray if scale >= 1.0 else cv2.resize(
        gray, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA)

    # cv2's one-pass statistics: same values as numpy's var()/mean(), ~0.4 ms less per frame.
    _, laplacian_std = cv2.meanStdDev(cv2.Laplacian(small, cv2.CV_16S))
    report.sharpness = float(laplacian_std[0, 0]) ** 2
    report.brightness = float(cv2.mean(small)[0])
    report.clipped_share = float(np.count_nonzero(small >= 250)) / small.size

    if max(height, width) < MIN_SIDE:
        report.problems.append(f"use a higher resolution — the photo is only {width}x{height}")
    if report.sharpness < BLUR_VARIANCE_MIN:
        report.problems.append("hold steady — too blurry")
    if report.brightness < DARK_MEAN:
        report.problems.append("add light — too dark")
    elif report.brightness > BRIGHT_MEAN:
        report.problems.append("reduce light — overexposed")
    if report.clipped_share > CLIPPED_SHARE:
        report.problems.append(
            f"tilt the item or move the lamp — glare covers {report.clipped_share:.0%} of the photo")

    if reference is not None:
        _check_framing(report, small, (width, height), reference)
    return report


def _check_framing(report: QualityReport, small_gray: np.ndarray, frame_size: tuple[int, int],
                   reference: ReferenceFeatures | np.ndarray) -> None:
    prepared = reference if isinstance(reference, ReferenceFeatures) else prepare_reference(
        reference)
    frame_features = _frame_features(small_gray)
    registration = register(prepared.features, frame_features)
    if not registration.ok or registration.homography is None:
        report.problems.append("point the camera at the label — it is not recognised")
        return
    # registration maps small frame -> reference; bring it to full frame pixels.
    small_w = small_gray.shape[1]
    to_small = scale_matrix(small_w / frame_size[0])
    homography = registration.homography @ to_small
    ref_size = prepared.features.size
    if not plausible(homography, ref_size, frame_size):
        report.problems.append("point the camera at the label — it is not recognised")
        return
    ref_corners = np.array([[0, 0], [ref_size[0], 0], [ref_size[0], ref_size[1]],
                            [0, ref_size[1]]], dtype=np.float64)
    quad = project(np.linalg.inv(homography), ref_corners)
    report.coverage = coverage(homography, ref_size, frame_size)
    report.fill = float(abs(cv2.contourArea(quad.astype(np.float32)))) / (
        frame_size[0] * frame_size[1])
    report.tilt_deg = _tilt_degrees(quad)
    if report.coverage < MIN_COVERAGE:
        report.problems.append(
            f"move back — only {report.coverage:.0%} of the label is in the frame")
    elif report.fill < MIN_FILL:
        report.problems.append(f"move closer — label fills {report.fill:.0%} of the frame")
    if report.tilt_deg > MAX_TILT_DEG:
        report.problems.append(
            f"hold the camera square to the label — tilted about {report.tilt_deg:.0f}°")
