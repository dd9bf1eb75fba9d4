"""Demo photos that look like photographs: the item on a plain bench under a soft light.

A neutral grey-beige mat lit from one side (a soft fall-off, no colour noise), the item tilted and
turned a little as a hand places it, a soft contact shadow, the same light on the item as on the
mat, a touch of lens softness and sensor grain, JPEG. The item's pixels come from the reference
through a known homography, so the comparison aligns the demo photos as it would real ones.
"""

from __future__ import annotations

import cv2
import numpy as np

from inspector.vision.synthetic import Nuisance, pose_homography

MAT_BGR = (183, 189, 194)  # a warm light-grey bench mat


def _light(size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A soft light: brightest near one upper corner, falling off by ~20% across the frame."""
    width, height = size
    x = np.linspace(-1.0, 1.0, width, dtype=np.float32)[None, :]
    y = np.linspace(-1.0, 1.0, height, dtype=np.float32)[:, None]
    source_x, source_y = float(rng.uniform(-0.9, 0.9)), float(rng.uniform(-1.1, -0.5))
    distance = np.sqrt((x - source_x) ** 2 + (y - source_y) ** 2)
    return (1.07 - 0.12 * distance).astype(np.float32)


def bench_photo(reference: np.ndarray, nuisance: Nuisance, rng: np.random.Generator,
                jpeg_quality: int | None = 90) -> tuple[np.ndarray, np.ndarray]:
    """(photo BGR uint8, homography reference -> photo) of the item lying on the bench."""
    height, width = reference.shape[:2]
    homography, size = pose_homography((width, height), nuisance)
    item = cv2.warpPerspective(reference, homography, size, flags=cv2.INTER_AREA
                               if nuisance.scale < 1 else cv2.INTER_LINEAR)
    cover = cv2.warpPerspective(np.full((height, width), 255, np.uint8), homography, size)
    light = _light(size, rng)
    # The mat: flat colour with a faint large-scale unevenness (no texture to confuse the alignment).
    mat = np.empty((size[1], size[0], 3), np.float32)
    mat[:] = MAT_BGR
    unevenness = cv2.resize(rng.normal(0, 2.0, (4, 4)).astype(np.float32), size,
                            interpolation=cv2.INTER_CUBIC)
    mat += unevenness[..., None]
    # A soft shadow where the item rests, offset away from the light.
    blur = max(3, int(0.035 * max(size)) | 1)
    shift = np.array([[1, 0, 0.012 * size[0]], [0, 1, 0.02 * size[1]]], dtype=np.float32)
    moved = cv2.warpAffine(cover, shift, size).astype(np.float32) / 255.0
    shadow = cv2.GaussianBlur(moved, (blur, blur), 0)
    mat *= (1.0 - 0.28 * shadow)[..., None]
    edge = cv2.GaussianBlur(cover, (3, 3), 0).astype(np.float32)[..., None] / 255.0
    lit_item = item.astype(np.float32) * 0.94 + 8.0  # a little flatter than the scan-like reference
    # The item catches the same light, more evenly: it lies flat and nearer the lamp than the mat's
    # far corners (a strong ramp across a plain label also reads as a difference to the comparison).
    item_light = (1.0 + (light - 1.0) * 0.15)[..., None]
    photo = lit_item * item_light * edge + mat * light[..., None] * (1.0 - edge)
    photo = np.clip(photo + nuisance.brightness, 0, 255).astype(np.uint8)
    if nuisance.blur_sigma > 0.05:  # lens softness when asked; even 0.5 px blurs fine barcode bars
        photo = cv2.GaussianBlur(photo, (0, 0), nuisance.blur_sigma)  # into a flagged difference
    grain = np.empty(photo.shape, np.int16)
    cv2.randn(grain, 0, max(1.0, nuisance.noise_sigma))  # type: ignore[call-overload]
    photo = cv2.add(photo, grain, dtype=cv2.CV_8U)
    if jpeg_quality is not None:
        ok, encoded = cv2.imencode(".jpg", photo, [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality])
        if ok:
            photo = cv2.imdecode(encoded, cv2.IMREAD_COLOR)
    return photo, homography
