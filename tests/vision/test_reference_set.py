"""A set of genuine references: natural variation between units is not flagged, a defect is."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from inspector.errors import BadInput
from inspector.vision.compare import compare_files, compare_to_set
from inspector.vision.reference_set import PreparedSet, load_set, prepare_set, reference_files
from tests.vision.conftest import sample, write_jpeg
from tests.vision.natural import Product, photograph


@pytest.fixture(scope="module")
def product() -> Product:
    return Product(11)


@pytest.fixture(scope="module")
def reference_set(product: Product) -> PreparedSet:
    return prepare_set([product.unit(100 + index) for index in range(4)])


@pytest.mark.parametrize("unit_seed", [200, 201, 202, 203])
def test_other_genuine_units_are_clean_against_the_set(product: Product,
                                                       reference_set: PreparedSet,
                                                       unit_seed: int) -> None:
    photo = photograph(product.unit(unit_seed), unit_seed + 1000)
    result = compare_to_set(reference_set, photo)
    assert result.aligned
    assert result.regions == [], [region.to_dict() for region in result.regions]
    assert result.score >= 0.6


def _with_defect(unit: np.ndarray) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A counterfeit's logo: the ring's letter is an M, not a W (about 3% of the image)."""
    altered = unit.copy()
    centre = (220, 250)
    cv2.circle(altered, centre, 72, (84, 110, 150), -1)  # the grain's mean colour
    cv2.circle(altered, centre, 80, (20, 20, 160), 8, cv2.LINE_AA)
    cv2.putText(altered, "M", (centre[0] - 40, centre[1] + 30), cv2.FONT_HERSHEY_TRIPLEX, 2.6,
                (20, 20, 160), 5, cv2.LINE_AA)
    return altered, (140, 170, 160, 160)


def test_a_defect_is_still_found_against_the_set(product: Product,
                                                 reference_set: PreparedSet) -> None:
    altered, box = _with_defect(product.unit(300))
    result = compare_to_set(reference_set, photograph(altered, 301))
    assert result.aligned and result.regions
    worst = result.regions[0]
    # The region is on the logo (the strokes that differ, not necessarily the whole ring).
    x, y, w, h = box
    inside_w = max(0, min(worst.x + worst.w, x + w) - max(worst.x, x))
    inside_h = max(0, min(worst.y + worst.h, y + h) - max(worst.y, y))
    assert inside_w * inside_h > 0.5 * worst.w * worst.h
    assert worst.w * worst.h > 0.2 * w * h
    assert result.score < 0.8


def _with_tag(unit: np.ndarray, at: tuple[int, int]) -> np.ndarray:
    """A sewn-in tag (about 2% of the image) that some genuine units carry and others not."""
    tagged = unit.copy()
    x, y = at
    cv2.rectangle(tagged, (x, y), (x + 130, y + 100), (40, 170, 60), -1)
    return tagged


def test_a_place_is_flagged_only_where_the_photo_differs_from_every_reference(
        product: Product) -> None:
    """One genuine reference carries a tag the first does not: a photo with that tag matches the
    set there (it agrees with a genuine unit); the same tag elsewhere, on no reference, is flagged."""
    references = [product.unit(100), _with_tag(product.unit(101), (80, 420)), product.unit(102)]
    tagged_set = prepare_set(references)
    like_a_genuine = photograph(_with_tag(product.unit(220), (80, 420)), 221)
    assert compare_to_set(prepare_set(references[:1]), like_a_genuine).regions  # one reference: new
    result = compare_to_set(tagged_set, like_a_genuine)
    assert result.aligned and result.regions == [], [region.to_dict() for region in result.regions]
    elsewhere = compare_to_set(tagged_set, photograph(_with_tag(product.unit(222), (700, 440)), 223))
    assert elsewhere.regions and elsewhere.score < 0.8
    worst = elsewhere.regions[0]
    assert worst.x < 700 + 130 and worst.x + worst.w > 700 and worst.y < 440 + 100


def test_the_set_learns_what_varies(product: Product, reference_set: PreparedSet) -> None:
    """The natural-variation map is high where units differ (print edges), low on the grain."""
    assert reference_set.natural is not None
    single = prepare_set([product.unit(100)])
    assert single.natural is None
    natural = reference_set.natural
    scale = natural.shape[1] / 960
    label_edge = natural[int(120 * scale):int(380 * scale), int(415 * scale):int(430 * scale)]
    plain_grain = natural[int(500 * scale):int(560 * scale), int(600 * scale):int(700 * scale)]
    assert label_edge.max() > 2 * max(float(plain_grain.mean()), 1e-3)


def test_a_reference_of_another_checkpoint_is_refused(product: Product) -> None:
    with pytest.raises(BadInput, match="reference 2"):
        prepare_set([product.unit(100), sample("coffee", 960)])


def test_compare_files_takes_a_folder(tmp_path: Path, product: Product) -> None:
    folder = tmp_path / "heel"
    folder.mkdir()
    for index in range(3):
        write_jpeg(folder / f"unit{index}.jpg", product.unit(100 + index), quality=92)
    (folder / "notes.txt").write_text("not an image")
    photo = write_jpeg(tmp_path / "photo.jpg", photograph(product.unit(210), 7))
    assert [path.name for path in reference_files(folder)] == ["unit0.jpg", "unit1.jpg",
                                                               "unit2.jpg"]
    result = compare_files(folder, photo)
    assert result.aligned and not result.regions
    assert result.reference_size == (960, 720)
    # Prepared once and kept while the files are unchanged.
    assert load_set(reference_files(folder)) is load_set(reference_files(folder))


def test_an_empty_folder_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="no reference image"):
        reference_files(tmp_path)
