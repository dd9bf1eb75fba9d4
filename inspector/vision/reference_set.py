"""A set of genuine references of one checkpoint, prepared once: features, a common grid, and
what varies naturally between genuine units.

The first reference is the frame: every other one is aligned onto it (the same registration
and non-rigid fit a photo gets), so a photo compared with the set is boxed in the first
reference's pixels whichever reference it matched best. Where the genuine references differ
from each other after alignment (stitches, grain, print placement), a photo may differ as much
without being flagged: the `natural` map holds that level per grid pixel.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from inspector.errors import BadInput
from inspector.untrusted import MAX_PHOTO_PIXELS
from inspector.vision.grid import align_onto_grid, fit_non_rigid, local_difference
from inspector.vision.imageio import load_image_with_size
from inspector.vision.registration import (
    WORK_SIDE,
    Features,
    detect_features,
    register,
    resize_long_side,
    resize_long_side_matrix,
)

# The difference map is computed at this long side: fine enough for a 1% change (~45 px),
# coarse enough that registration error, noise and JPEG do not show.
COMPARE_SIDE = 512
# JPEGs are decoded at 1/2, 1/4 or 1/8 size while their long side stays above this: a 4000 px
# file decodes at 1000 px (DCT scaling), several times faster than a full decode.
DECODE_MIN_SIDE = 960
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp")
# Natural variation seen between two genuine references is widened by this much (a share of
# the grid side: a third unit varies where the others did, not at exactly the same pixel) and
# discounted at this weight. Print placement varies most where the print is, so a full
# discount there hid changed glyphs (a logo letter W -> M scored 83%, unflagged); at half it
# is flagged and other genuine units stay clean (tests/vision/test_reference_set.py).
NATURAL_SPREAD = 0.01
NATURAL_WEIGHT = 0.5
_CACHE_SIZE = 16


@dataclass(frozen=True)
class Reference:
    """One genuine reference: its array (as decoded), full size, and working-size features."""

    image: np.ndarray
    full_size: tuple[int, int]
    work: np.ndarray
    features: Features
    to_first: np.ndarray  # this reference's array pixels -> the first reference's array pixels
    grid: np.ndarray  # this reference on the first reference's compare grid (BGR uint8)


@dataclass(frozen=True)
class PreparedSet:
    references: list[Reference]
    grid_from_array: np.ndarray  # first reference's array pixels -> grid pixels
    natural: np.ndarray | None  # per grid pixel, density genuine units differ by (None: one)

    @property
    def first(self) -> Reference:
        return self.references[0]

    @property
    def grid_size(self) -> tuple[int, int]:
        height, width = self.first.grid.shape[:2]
        return width, height

    @property
    def full_size(self) -> tuple[int, int]:
        return self.first.full_size


def _reference(image: np.ndarray, full_size: tuple[int, int] | None) -> Reference:
    height, width = image.shape[:2]
    work, _ = resize_long_side(image, WORK_SIDE)
    features = detect_features(work, original_size=(width, height))
    return Reference(image, full_size or (width, height), work, features, np.eye(3),
                     np.zeros((0, 0, 3), np.uint8))


def prepare_set(images: list[np.ndarray], sizes: list[tuple[int, int]] | None = None
                ) -> PreparedSet:
    """Prepare references (BGR uint8; `sizes` = full sizes when decoded reduced).

    BadInput when a reference beyond the first cannot be aligned onto the first: a set holds
    photographs of the same checkpoint.
    """
    if not images:
        raise BadInput("a reference set needs at least one image.")
    first = _reference(images[0], sizes[0] if sizes else None)
    grid_from_array = (resize_long_side_matrix(first.work.shape[1::-1], COMPARE_SIDE)
                       @ resize_long_side_matrix(first.image.shape[1::-1], WORK_SIDE))
    first_grid, _ = resize_long_side(first.work, COMPARE_SIDE)
    references = [Reference(first.image, first.full_size, first.work, first.features,
                            np.eye(3), first_grid)]
    masks = [np.ones(first_grid.shape[:2], np.uint8)]
    for index, image in enumerate(images[1:], start=1):
        other = _reference(image, sizes[index] if sizes else None)
        registration = register(first.features, other.features)
        if not registration.ok or registration.homography is None:
            raise BadInput(f"reference {index + 1} of the set does not show the same checkpoint "
                           "as the first (it could not be aligned onto it).")
        warped, valid, to_first = align_onto_grid(first_grid, grid_from_array, other.work,
                                                  image.shape, registration.homography)
        warped = fit_non_rigid(first_grid, warped, valid)
        references.append(Reference(image, other.full_size, other.work, other.features,
                                    to_first, warped))
        masks.append(valid)
    natural = _natural_variation(references, masks) if len(references) > 1 else None
    return PreparedSet(references, grid_from_array, natural)


def _natural_variation(references: list[Reference], masks: list[np.ndarray]) -> np.ndarray:
    """Per grid pixel, the most any two genuine references differ there (local density)."""
    height, width = references[0].grid.shape[:2]
    side = max(height, width)
    level: np.ndarray = np.zeros((height, width), np.float32)
    for i in range(len(references)):
        for j in range(i + 1, len(references)):
            mask = masks[i] & masks[j]
            if not mask.any():
                continue
            pair = local_difference(references[i].grid, references[j].grid, mask)
            level = np.asarray(np.maximum(level, pair), dtype=np.float32)
    spread = max(3, round(NATURAL_SPREAD * side) | 1)
    widened = cv2.dilate(level, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (spread, spread)))
    return np.asarray(NATURAL_WEIGHT * cv2.GaussianBlur(widened, (0, 0), spread / 2),
                      dtype=np.float32)


def reference_files(path: str | os.PathLike[str]) -> list[Path]:
    """A reference file, or the images of a folder of references (sorted by name)."""
    location = Path(path)
    if location.is_dir():
        files = sorted(p for p in location.iterdir()
                       if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
        if not files:
            raise BadInput(f"the folder {location} holds no reference image.")
        return files
    return [location]


_cache: OrderedDict[tuple[object, ...], PreparedSet] = OrderedDict()


def load_set(paths: list[Path], *, max_pixels: int = MAX_PHOTO_PIXELS) -> PreparedSet:
    """Decode (reduced) and prepare references from files; kept while the files are unchanged.

    A station compares many photos with the same set: preparing it (decoding, features, the
    natural variation) is paid once per set, as long as no file's size or time changes.
    """
    key: list[object] = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError as exc:
            raise BadInput(f"cannot read reference {path}: {exc.strerror or exc}.") from exc
        key.append((str(path.resolve()), stat.st_size, stat.st_mtime_ns))
    cache_key = (*key, max_pixels)
    if cache_key in _cache:
        _cache.move_to_end(cache_key)
        return _cache[cache_key]
    images, sizes = [], []
    for path in paths:
        image, size = load_image_with_size(path, max_pixels=max_pixels, min_side=DECODE_MIN_SIDE)
        images.append(image)
        sizes.append(oriented(image, size))
    prepared = prepare_set(images, sizes)
    _cache[cache_key] = prepared
    while len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return prepared


def oriented(image: np.ndarray, header_size: tuple[int, int]) -> tuple[int, int]:
    """The decoder applies EXIF rotation; swap the header's size when it did."""
    height, width = image.shape[:2]
    header_w, header_h = header_size
    if (width > height) != (header_w > header_h) and width != height:
        return header_h, header_w
    return header_w, header_h
