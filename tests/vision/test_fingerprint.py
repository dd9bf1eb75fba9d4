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


def label_design() -> np.ndarray:
    """A design-heavy label: printed blocks and rows of text over most of its area."""
    rng = np.random.default_rng(5)
    image = np.full((600, 800, 3), 230, np.uint8)
    for _ in range(60):
        x, y = int(rng.integers(0, 760)), int(rng.integers(0, 560))
        cv2.rectangle(image, (x, y), (x + int(rng.integers(8, 60)), y + int(rng.integers(8, 40))),
                      tuple(int(c) for c in rng.integers(0, 200, 3)), -1)
    for row in range(8):
        cv2.putText(image, f"STYLE AB{row}00-12 MADE IN PORTUGAL", (30, 60 + row * 65),
                    cv2.FONT_HERSHEY_SIMPLEX, 1.0, (20, 20, 20), 2)
    return image


SHOT_THEN = Nuisance(tilt_deg=3, rotation_deg=-4, scale=0.95, noise_sigma=1.5, jpeg_quality=92)


def test_design_heavy_label_reshot_is_the_same_unit() -> None:
    """Both photos are real shots (different pose, light, noise, JPEG) of one unit."""
    item = unit(label_design(), 7)
    then = make_probe(item, SHOT_THEN, np.random.default_rng(1)).photo
    now = make_probe(item, RESHOOT, np.random.default_rng(2)).photo
    match = same_unit([then], [now])
    assert match.same, match.message


def test_design_heavy_label_of_another_unit_is_not_the_same() -> None:
    """The shared print matches everywhere; only the grain off the print tells the units apart."""
    design = label_design()
    then = make_probe(unit(design, 7), SHOT_THEN, np.random.default_rng(1)).photo
    now = make_probe(unit(design, 8), RESHOOT, np.random.default_rng(2)).photo
    match = same_unit([then], [now])
    assert not match.same, match.message
    assert match.score < 0.5
    assert "different unit" in match.message
