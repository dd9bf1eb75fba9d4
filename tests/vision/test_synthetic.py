"""Synthetic probes: the truth they carry (homography, change box) is right."""

from __future__ import annotations

import numpy as np
import pytest

from inspector.vision.registration import project
from inspector.vision.synthetic import ALTERATIONS, Nuisance, alter, box_iou, make_probe


@pytest.mark.parametrize("kind", ALTERATIONS)
def test_alteration_changes_only_its_box(reference: np.ndarray, kind: str) -> None:
    altered, (x, y, w, h) = alter(reference, kind, np.random.default_rng(4), share=0.03)
    changed = np.any(altered != reference, axis=2)
    assert changed[y:y + h, x:x + w].mean() > 0.1
    outside = changed.copy()
    outside[y:y + h, x:x + w] = False
    assert not outside.any()
    assert 0.02 < w * h / reference.shape[0] / reference.shape[1] < 0.04


def test_probe_homography_maps_the_label_into_the_photo(reference: np.ndarray) -> None:
    nuisance = Nuisance(tilt_deg=12, rotation_deg=40, scale=0.7)
    probe = make_probe(reference, nuisance, np.random.default_rng(0))
    centre = project(probe.homography, np.array([[256.0, 256.0]]))[0]
    height, width = probe.photo.shape[:2]
    assert 0 < centre[0] < width and 0 < centre[1] < height
    photo_pixel = probe.photo[int(centre[1]), int(centre[0])].astype(int)
    assert np.abs(photo_pixel - reference[256, 256].astype(int)).max() < 40


def test_box_iou() -> None:
    assert box_iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1.0
    assert box_iou((0, 0, 10, 10), (20, 20, 5, 5)) == 0.0
    assert box_iou((0, 0, 10, 10), (5, 0, 10, 10)) == pytest.approx(50 / 150)
