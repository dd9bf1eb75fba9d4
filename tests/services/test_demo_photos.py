"""Demo photos look like photographs of an item on a plain bench, and still work as photos: the
comparison aligns them with the reference, and the certificate crops them to the item."""

from __future__ import annotations

import random
from pathlib import Path

import cv2
import numpy as np

from inspector.printing.evidence import subject_thumbnail
from inspector.services.demo import photograph
from inspector.vision.compare import compare

REFERENCE = Path(__file__).resolve().parents[2] / "assets/references/nike/nike-dunk-low/box-label.jpg"


def test_a_demo_photo_is_the_item_on_a_plain_softly_lit_bench() -> None:
    reference = cv2.imread(str(REFERENCE))
    assert reference is not None
    data = photograph(reference, random.Random(11))
    photo = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert data[:2] == b"\xff\xd8" and photo is not None  # a JPEG, as a camera writes
    strip = max(8, photo.shape[0] // 40)
    border = np.concatenate([photo[:strip].reshape(-1, 3), photo[-strip:].reshape(-1, 3)]).astype(np.int16)
    blue, green, red = border.mean(axis=0)
    assert max(blue, green, red) - min(blue, green, red) < 20 and 120 < green < 230  # neutral grey
    top = photo[:strip].astype(np.int16)
    assert np.percentile(np.abs(np.diff(top, axis=1)), 99) < 10  # plain: grain only, no coloured clutter
    # Soft light: the mat is brighter on one side than the other, by a little.
    halves = photo[:strip].reshape(-1, 3).mean(), photo[-strip:].reshape(-1, 3).mean()
    assert 2 < abs(halves[0] - halves[1]) < 40

    result = compare(reference, photo)
    assert result.aligned, result.message
    assert result.score > 0.7 and not result.regions

    crop = subject_thumbnail(data)
    assert crop is not None
    shown = cv2.imdecode(np.frombuffer(crop, np.uint8), cv2.IMREAD_COLOR)
    aspect = reference.shape[1] / reference.shape[0]
    assert abs(shown.shape[1] / shown.shape[0] - aspect) < 0.15 * aspect  # the item's shape

    def bench_share(image: np.ndarray) -> float:
        """How much of the image is bare mat (within 30 levels of the photo's corner colour)."""
        mat = photo[:strip, :strip].reshape(-1, 3).mean(axis=0)
        return float((np.abs(image.astype(np.int16) - mat).max(axis=2) < 30).mean())

    # Cropped to the item: the bench left is the wedges a tilted item leaves in its bounding box.
    assert bench_share(shown) < 0.7 * bench_share(photo)
