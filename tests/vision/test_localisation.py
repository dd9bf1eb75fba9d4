"""Flagged regions cover the whole change: saturated paint, large patches, glare that is not a change."""

from __future__ import annotations

import cv2
import numpy as np

from inspector.vision.compare import compare
from inspector.vision.difference import clipped_pixels
from inspector.vision.synthetic import Nuisance, box_iou, make_probe
from tests.services.conftest import printed_label


def jpeg(image: np.ndarray, quality: int = 90) -> np.ndarray:
    decoded = cv2.imdecode(cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])[1],
                           cv2.IMREAD_COLOR)
    assert decoded is not None
    return decoded


def test_painted_blotch_is_covered_by_one_region() -> None:
    """Pure red paint over the text (blue and green at 0, red at 255) is a change, not clipping,
    and it must not skew the tone matching of the rest of the label."""
    label = printed_label()
    painted = label.copy()
    cv2.rectangle(painted, (300, 180), (480, 300), (0, 0, 255), -1)
    result = compare(label, jpeg(painted))
    assert result.aligned and result.regions
    worst = result.regions[0]
    assert box_iou((worst.x, worst.y, worst.w, worst.h), (300, 180, 181, 121)) > 0.6
    assert worst.x <= 305 and worst.y <= 185 and worst.x + worst.w >= 475
    assert worst.y + worst.h >= 295
    assert len(result.regions) == 1, [region.to_dict() for region in result.regions]


def test_painted_blotch_under_camera_nuisances() -> None:
    label = printed_label()
    painted = label.copy()
    cv2.rectangle(painted, (300, 180), (480, 300), (0, 0, 255), -1)
    nuisance = Nuisance(tilt_deg=6, rotation_deg=8, scale=0.9, brightness=10, noise_sigma=2,
                        jpeg_quality=85)
    photo = make_probe(painted, nuisance, np.random.default_rng(7)).photo
    result = compare(label, photo)
    assert result.aligned and result.regions
    worst = result.regions[0]
    assert box_iou((worst.x, worst.y, worst.w, worst.h), (300, 180, 181, 121)) > 0.5


def test_exposure_clipping_is_no_evidence_but_paint_is() -> None:
    reference = np.full((20, 20, 3), 200, np.uint8)
    photo = reference.copy()
    photo[:10] = 255  # overexposed: bright reference blown to white
    photo[10:, :, :2] = 0  # red paint: blue and green crushed where the reference is bright
    photo[10:, :, 2] = 255
    plain = np.abs(photo.astype(int) - reference.astype(int)) > 60
    clipped = clipped_pixels(photo, reference, plain)
    assert clipped[:8].all()
    assert not clipped[12:].any()
