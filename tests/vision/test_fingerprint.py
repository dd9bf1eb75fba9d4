"""Return fingerprint: a re-shot of the same unit matches, another unit of the same model does not."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from inspector.errors import BadInput
from inspector.vision.fingerprint import same_unit
from inspector.vision.synthetic import Nuisance, make_probe
from tests.vision.conftest import sample

RESHOOT = Nuisance(tilt_deg=7, rotation_deg=12, scale=1.1, brightness=12, noise_sigma=2,
                   jpeg_quality=85)


def unit(design: np.ndarray, seed: int) -> np.ndarray:
    """One physical unit: the shared design plus its own fine grain and wear marks."""
    rng = np.random.default_rng(seed)
    grain = cv2.GaussianBlur(rng.normal(0, 1, design.shape[:2]).astype(np.float32), (0, 0), 1.2)
    item = design.astype(np.float32) + (grain * 25)[..., None]
    return np.clip(item, 0, 255).astype(np.uint8)


@pytest.fixture(scope="module")
def design() -> np.ndarray:
    return sample("coffee", 640)


def test_same_unit_is_recognised(design: np.ndarray) -> None:
    passed = unit(design, 1)
    now = make_probe(passed, RESHOOT, np.random.default_rng(0)).photo
    match = same_unit([passed], [now])
    assert match.same, match.message
    assert match.score > 0.85


def test_other_unit_of_the_same_model_is_not(design: np.ndarray) -> None:
    passed = unit(design, 1)
    now = make_probe(unit(design, 2), RESHOOT, np.random.default_rng(0)).photo
    match = same_unit([passed], [now])
    assert not match.same, match.message
    assert "different unit" in match.message


def test_unrelated_photo_says_what_to_do(design: np.ndarray, reference: np.ndarray) -> None:
    match = same_unit([unit(design, 1)], [reference])
    assert not match.same and match.score == 0.0
    assert "photograph the same views" in match.message


def test_needs_photos() -> None:
    with pytest.raises(BadInput):
        same_unit([], [np.zeros((10, 10, 3), np.uint8)])
