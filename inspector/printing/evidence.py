"""Fail report evidence: the flagged region of the aligned photo beside the same region of the reference."""

from __future__ import annotations

import cv2
import numpy as np

from inspector.printing.documents import Evidence

CROP_MARGIN = 0.15  # a little context around the flagged box helps a seller see where it is
THUMBNAIL_SIDE = 360
CHECKPOINT_THUMBNAIL_SIDE = 240  # 30 mm wide on the certificate: ~200 dpi


def _decode(data: bytes) -> np.ndarray | None:
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    return image if image is not None and image.size else None


def _png(image: np.ndarray, side: int = THUMBNAIL_SIDE) -> bytes:
    height, width = image.shape[:2]
    scale = min(1.0, side / max(height, width))
    if scale < 1.0:
        image = cv2.resize(
            image, (max(1, int(width * scale)), max(1, int(height * scale))), interpolation=cv2.INTER_AREA
        )
    ok, encoded = cv2.imencode(".png", image)
    return encoded.tobytes() if ok else b""


def thumbnail(data: bytes, side: int = CHECKPOINT_THUMBNAIL_SIDE) -> bytes | None:
    """A small JPEG of a stored photo for the certificate's checkpoint table."""
    # Decoding a JPEG at 1/4 size is several times faster and still enough for a thumbnail.
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_REDUCED_COLOR_4)
    if image is None or max(image.shape[:2]) < side:
        image = _decode(data)
    if image is None:
        return None
    return thumbnail_of(image, side)


def thumbnail_of(image: np.ndarray, side: int = CHECKPOINT_THUMBNAIL_SIDE) -> bytes | None:
    """The same thumbnail from an already decoded BGR image (the comparison has one at hand)."""
    height, width = image.shape[:2]
    scale = min(1.0, side / max(height, width))
    image = cv2.resize(
        image, (max(1, int(width * scale)), max(1, int(height * scale))), interpolation=cv2.INTER_AREA
    )
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 75])
    return encoded.tobytes() if ok else None


def _box(region: tuple[int, int, int, int], width: int, height: int) -> tuple[int, int, int, int]:
    x, y, w, h = region
    pad_x, pad_y = int(w * CROP_MARGIN), int(h * CROP_MARGIN)
    left, top = max(0, x - pad_x), max(0, y - pad_y)
    right, bottom = min(width, x + w + pad_x), min(height, y + h + pad_y)
    return left, top, max(left + 1, right), max(top + 1, bottom)


def evidence_crops(
    photo: bytes,
    reference: bytes | None,
    region: tuple[int, int, int, int],
    homography: list[list[float]] | None,
    score: float | None = None,
) -> Evidence | None:
    """`region` is in reference pixels and `homography` maps photo pixels to reference pixels."""
    photo_image = _decode(photo)
    if photo_image is None:
        return None
    reference_image = _decode(reference) if reference else None
    if reference_image is not None and homography is not None:
        ref_h, ref_w = reference_image.shape[:2]
        aligned = cv2.warpPerspective(photo_image, np.array(homography, dtype=np.float64), (ref_w, ref_h))
    elif reference_image is not None:
        ref_h, ref_w = reference_image.shape[:2]
        aligned = cv2.resize(photo_image, (ref_w, ref_h), interpolation=cv2.INTER_AREA)
    else:
        aligned = photo_image
    height, width = aligned.shape[:2]
    left, top, right, bottom = _box(region, width, height)
    # Outline the flagged box itself inside the crop, in both images, at the same place.
    marked = aligned[top:bottom, left:right].copy()
    x, y, w, h = region
    cv2.rectangle(marked, (x - left, y - top), (x - left + w, y - top + h), (0, 0, 220), 2)
    reference_crop = None
    if reference_image is not None:
        ref_crop = reference_image[top:bottom, left:right].copy()
        cv2.rectangle(ref_crop, (x - left, y - top), (x - left + w, y - top + h), (0, 160, 0), 2)
        reference_crop = _png(ref_crop)
    return Evidence(photo_crop=_png(marked), reference_crop=reference_crop, score=score)
