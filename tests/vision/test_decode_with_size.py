"""A photo is checked and hashed from a reduced decode, with its full upright size recorded."""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image

from inspector.vision.hashing import HASH_DECODE_SIDE, hash_to_int, perceptual_hash
from inspector.vision.imageio import decode_image, decode_image_with_size


def _jpeg(width: int, height: int, orientation: int | None = None) -> bytes:
    rng = np.random.default_rng(5)
    small = rng.integers(0, 255, (height // 100, width // 100, 3), dtype=np.uint8)
    image = Image.fromarray(cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC))
    buffer = io.BytesIO()
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    image.save(buffer, "JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def test_a_12_mp_jpeg_is_decoded_small_but_keeps_its_full_size() -> None:
    data = _jpeg(4000, 3000)
    image, size = decode_image_with_size(data, min_side=HASH_DECODE_SIDE)
    assert size == (4000, 3000)
    assert max(image.shape[:2]) == 500  # 1/8 by DCT scaling
    full = hash_to_int(perceptual_hash(decode_image(data)))
    reduced = hash_to_int(perceptual_hash(image))
    assert bin(full ^ reduced).count("1") <= 2


def test_a_photo_turned_upright_by_exif_reports_the_upright_size() -> None:
    image, size = decode_image_with_size(_jpeg(4000, 3000, orientation=6), min_side=HASH_DECODE_SIDE)
    assert size == (3000, 4000)
    assert image.shape[0] > image.shape[1]
