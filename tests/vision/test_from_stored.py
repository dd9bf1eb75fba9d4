"""Comparison.from_stored: a recorded comparison rebuilt from its numbers and the stored bytes, as the
window, the desk and the fail report show it."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from inspector.errors import BadInput
from inspector.services.views import ComparisonView, RegionView
from inspector.vision.compare import Comparison, compare
from inspector.vision.synthetic import Nuisance, make_probe

SHIFT = Nuisance(tilt_deg=6, tilt_axis_deg=30, rotation_deg=10, scale=1.1, brightness=5,
                 contrast=1.0, gamma=1.0, noise_sigma=1, blur_sigma=0.3, jpeg_quality=92)


@pytest.fixture(scope="module")
def recorded(reference: np.ndarray) -> tuple[Comparison, ComparisonView, bytes, bytes]:
    """A real comparison of a 2048 px photo (so the rebuild may decode it reduced), and its record."""
    probe = make_probe(reference, SHIFT, np.random.default_rng(7), alteration="replaced",
                       change_share=0.04)
    photo = cv2.resize(probe.photo, None, fx=4, fy=4, interpolation=cv2.INTER_CUBIC)
    result = compare(reference, photo)
    assert result.aligned and result.regions
    stored = ComparisonView(
        id=1, photo_id=1, reference="reference.png", aligned=result.aligned, score=result.score,
        regions=tuple(RegionView(r.x, r.y, r.w, r.h, r.score) for r in result.regions),
        homography=result.homography, heatmap_sha256="0" * 64, elapsed_ms=result.elapsed_ms)
    photo_bytes = cv2.imencode(".jpg", photo, [cv2.IMWRITE_JPEG_QUALITY, 95])[1].tobytes()
    assert result.heatmap is not None
    heatmap_bytes = cv2.imencode(".png", result.heatmap)[1].tobytes()
    return result, stored, photo_bytes, heatmap_bytes


def test_rebuilt_comparison_shows_what_was_compared(
        reference: np.ndarray, recorded: tuple[Comparison, ComparisonView, bytes, bytes]) -> None:
    result, stored, photo, heatmap = recorded
    rebuilt = Comparison.from_stored(stored, (512, 512), photo=photo, heatmap=heatmap)
    assert (rebuilt.aligned, rebuilt.score, rebuilt.regions) == (result.aligned, result.score, result.regions)
    assert rebuilt.homography == result.homography
    assert rebuilt.heatmap is not None and np.array_equal(rebuilt.heatmap, result.heatmap)
    # The photo was decoded at half size (it has 4x the reference's pixels), and still lands on it:
    assert rebuilt._photo_scale == pytest.approx(0.5)
    assert rebuilt.warped is not None and result.warped is not None
    assert rebuilt.warped.shape == reference.shape
    middle = (slice(100, 400), slice(100, 400))
    correlation = np.corrcoef(rebuilt.warped[middle].ravel().astype(float),
                              result.warped[middle].ravel().astype(float))[0, 1]
    assert correlation > 0.95


def test_heatmap_of_another_size_is_drawn_at_reference_size(
        recorded: tuple[Comparison, ComparisonView, bytes, bytes]) -> None:
    _, stored, _, _ = recorded
    small = cv2.imencode(".png", np.full((64, 64, 3), 200, np.uint8))[1].tobytes()
    rebuilt = Comparison.from_stored(stored, (512, 384), heatmap=small)
    assert rebuilt.heatmap is not None and rebuilt.heatmap.shape == (384, 512, 3)
    assert rebuilt.warped is None  # no photo given: nothing to warp


def test_undecodable_photo_is_one_sentence(recorded: tuple[Comparison, ComparisonView, bytes, bytes]) -> None:
    _, stored, _, _ = recorded
    with pytest.raises(BadInput, match="The stored photo is not a readable image"):
        Comparison.from_stored(stored, (512, 512), photo=b"\xff\xd8 not really a JPEG" * 50)


def test_unreadable_heatmap_is_left_out_and_unaligned_photo_is_not_decoded(
        recorded: tuple[Comparison, ComparisonView, bytes, bytes]) -> None:
    _, stored, photo, _ = recorded
    rebuilt = Comparison.from_stored(stored, (512, 512), photo=photo, heatmap=b"garbage")
    assert rebuilt.heatmap is None and rebuilt.warped is not None
    unaligned = ComparisonView(id=2, photo_id=2, reference="reference.png", aligned=False, score=0.0,
                               regions=(), homography=None, heatmap_sha256=None, elapsed_ms=3.0)
    rebuilt = Comparison.from_stored(unaligned, (512, 512), photo=b"never decoded")
    assert not rebuilt.aligned and rebuilt.warped is None and rebuilt.regions == []
