"""Perceptual hash and near-duplicate search: re-submitted copies are found, others are not."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from inspector.errors import BadInput
from inspector.vision.hashing import DuplicateIndex, hamming_distance, perceptual_hash
from tests.vision.conftest import sample


def reencode(image: np.ndarray, quality: int) -> np.ndarray:
    return cv2.imdecode(cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])[1],
                        cv2.IMREAD_COLOR)


def test_hash_format(reference: np.ndarray) -> None:
    value = perceptual_hash(reference)
    assert len(value) == 16 and int(value, 16) >= 0


def test_resubmitted_copy_is_found_among_many(reference: np.ndarray) -> None:
    index = DuplicateIndex()
    names = ["chelsea", "coffee", "rocket", "camera", "immunohistochemistry", "retina"]
    for name in names:
        index.add(name, perceptual_hash(sample(name, 256)))
    index.add("astronaut-item-17", perceptual_hash(reference))
    rng = np.random.default_rng(0)
    for i in range(200):  # many unrelated stored photos
        noise = cv2.GaussianBlur(rng.integers(0, 255, (64, 64), dtype=np.uint8), (0, 0), 3)
        index.add(f"random-{i}", perceptual_hash(noise))

    copy = reencode(cv2.resize(reference, (300, 300), interpolation=cv2.INTER_AREA), 70)
    copy = cv2.convertScaleAbs(copy, alpha=1.1, beta=8)  # and brightened a little
    hits = index.near(perceptual_hash(copy), max_distance=8)
    assert hits and hits[0][0] == "astronaut-item-17"
    assert all(key != "chelsea" for key, _ in hits)


def test_unrelated_photos_are_far(reference: np.ndarray, other_photo: np.ndarray) -> None:
    assert hamming_distance(perceptual_hash(reference), perceptual_hash(other_photo)) > 16


def test_near_is_sorted_and_bounded() -> None:
    index = DuplicateIndex([("a", "0000000000000000"), ("b", "0000000000000007"),
                            ("c", "00000000000000ff"), ("d", "ffffffffffffffff")])
    assert index.near("0000000000000001", 8) == [("a", 1), ("b", 2), ("c", 7)]
    assert len(index) == 4


def test_bad_hash_text() -> None:
    with pytest.raises(BadInput, match="hex"):
        DuplicateIndex().add("x", "nothex")
