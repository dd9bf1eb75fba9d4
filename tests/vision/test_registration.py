"""Registration holds at the far corners when the label is small and its features bunched."""

from __future__ import annotations

import numpy as np
import pytest

from inspector.vision.compare import compare
from inspector.vision.registration import corners, project
from inspector.vision.synthetic import Nuisance, make_probe

from .conftest import sample

# Cases from benchmarks/vision.py (seeds 4 and 5) where ORB matches alone left a far corner
# 8-17 px off at 1024 px: features in one part of a small label, the rest extrapolated.
SMALL_TILTED = {
    "retina": Nuisance(tilt_deg=9.7, tilt_axis_deg=31.6, rotation_deg=108.6, scale=0.73,
                       contrast=0.73, gamma=1.14, noise_sigma=0.1, blur_sigma=1.44,
                       jpeg_quality=69, margin=0.1),
    "rocket": Nuisance(tilt_deg=5.9, tilt_axis_deg=46.5, rotation_deg=-118.1, scale=0.85,
                       brightness=-18.8, contrast=1.25, gamma=1.23, noise_sigma=2.2,
                       blur_sigma=1.37, jpeg_quality=81, margin=0.15),
}


def max_corner_error(homography: list[list[float]] | None, truth: np.ndarray,
                     size: tuple[int, int]) -> float:
    assert homography is not None
    round_trip = project(np.array(homography), project(truth, corners(size)))
    return float(np.linalg.norm(round_trip - corners(size), axis=1).max())


@pytest.mark.parametrize("name", sorted(SMALL_TILTED))
def test_far_corners_within_benchmark_tolerance(name: str) -> None:
    reference = sample(name, 1024)
    probe = make_probe(reference, SMALL_TILTED[name], np.random.default_rng(0))
    result = compare(reference, probe.photo)
    assert result.aligned
    size = (reference.shape[1], reference.shape[0])
    # The benchmark counts < 5 px at 1024 px as success; the tracked refinement gets these to
    # < 1 px, and 1.5 also catches a rounded grid height stretching the homography (2.2 px).
    assert max_corner_error(result.homography, probe.homography, size) < 1.5
