"""Fail report evidence: the flagged region of the aligned photo beside the same region of the reference."""

from __future__ import annotations

import cv2
import numpy as np

from inspector.printing.documents import Evidence

CROP_MARGIN = 0.15  # a little context around the flagged box helps a seller see where it is
MIN_SHORT_SIDE = 240  # pixels: a crop a seller can read (printed ~55 mm wide, ~110 dpi at least)
MAX_LONG_SIDE = 720
MAX_ASPECT = 2.0  # a thin flagged strip gets context above and below instead of printing as a sliver
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
    """The crop around a flagged region: some context, never a sliver (aspect at most MAX_ASPECT),
    at least MIN_SHORT_SIDE pixels of the image a side where the image has them."""
    x, y, w, h = region
    box_w, box_h = w * (1 + 2 * CROP_MARGIN), h * (1 + 2 * CROP_MARGIN)
    box_w, box_h = max(box_w, box_h / MAX_ASPECT), max(box_h, box_w / MAX_ASPECT)
    box_w, box_h = min(width, max(box_w, MIN_SHORT_SIDE)), min(height, max(box_h, MIN_SHORT_SIDE))
    left = round(min(max(0.0, x + w / 2 - box_w / 2), width - box_w))
    top = round(min(max(0.0, y + h / 2 - box_h / 2), height - box_h))
    return left, top, max(left + 1, left + int(box_w)), max(top + 1, top + int(box_h))


def _readable(image: np.ndarray) -> np.ndarray:
    """Scaled so the short side is at least MIN_SHORT_SIDE and the long side at most MAX_LONG_SIDE."""
    height, width = image.shape[:2]
    scale = max(1.0, MIN_SHORT_SIDE / min(height, width))
    scale = min(scale, MAX_LONG_SIDE / max(height, width)) if scale == 1.0 else scale
    if scale == 1.0:
        return image
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA)


def evidence_crops(
    photo: bytes,
    reference: bytes | None,
    region: tuple[int, int, int, int],
    aligned: np.ndarray | None,
    score: float | None = None,
) -> Evidence | None:
    """`region` is in reference pixels; `aligned` is the photo warped onto the reference (the stored
    comparison's `warped`), or None when it was not aligned: then the photo is stretched onto it."""
    reference_image = _decode(reference) if reference else None
    if aligned is None:
        photo_image = _decode(photo)
        if photo_image is None:
            return None
        aligned = photo_image
        if reference_image is not None:
            ref_h, ref_w = reference_image.shape[:2]
            aligned = cv2.resize(photo_image, (ref_w, ref_h), interpolation=cv2.INTER_AREA)
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
        reference_crop = _png(_readable(ref_crop), MAX_LONG_SIDE)
    return Evidence(photo_crop=_png(_readable(marked), MAX_LONG_SIDE), reference_crop=reference_crop,
                    score=score)


SUBJECT_SIDE = 640  # 54 mm wide on the certificate: ~300 dpi
SUBJECT_MARGIN = 0.06


def _reduced(data: bytes, side: int) -> tuple[np.ndarray | None, float]:
    """The photo decoded at 1/4 or 1/2 size when that still has twice `side` pixels across (a subject
    often fills half the photo), and that factor: a 12 MP JPEG decodes several times faster reduced.
    The size comes from the header, so the photo is decoded once."""
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as probe:
            shortest = min(probe.size)
    except (UnidentifiedImageError, OSError):
        return None, 1.0
    for flag, factor in ((cv2.IMREAD_REDUCED_COLOR_4, 4.0), (cv2.IMREAD_REDUCED_COLOR_2, 2.0)):
        if shortest / factor >= 2 * side:
            return cv2.imdecode(np.frombuffer(data, np.uint8), flag), factor
    return _decode(data), 1.0


def _box_of_reference(
    homography: list[list[float]], reference_size: tuple[int, int], factor: float
) -> tuple[float, float, float, float] | None:
    """Where the reference's frame lies in the photo: the aligned subject itself."""
    try:
        inverse = np.linalg.inv(np.array(homography, dtype=np.float64))
    except np.linalg.LinAlgError:
        return None
    width, height = reference_size
    corners = np.array([[[0, 0]], [[width, 0]], [[width, height]], [[0, height]]], dtype=np.float64)
    mapped = cv2.perspectiveTransform(corners, inverse).reshape(-1, 2) / factor
    left, top = mapped.min(axis=0)
    right, bottom = mapped.max(axis=0)
    return float(left), float(top), float(right), float(bottom)


def _box_of_foreground(image: np.ndarray) -> tuple[float, float, float, float] | None:
    """The part of the photo that stands out from its plain background. The background is a smooth
    light ramp (a plane fitted to the border pixels); a soft shadow is darker but the same colour,
    so only clearly brighter, much darker, or differently coloured pixels count as the subject."""
    small = cv2.resize(image, (200, max(1, int(200 * image.shape[0] / image.shape[1]))),
                       interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (3, 3), 0).astype(np.float32)
    height, width = small.shape[:2]
    strip = max(2, height // 25)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    border = np.zeros((height, width), bool)
    border[:strip], border[-strip:], border[:, :strip], border[:, -strip:] = True, True, True, True
    design = np.stack([xs[border], ys[border], np.ones(int(border.sum()), np.float32)], axis=1)
    plane, *_ = np.linalg.lstsq(design, small[border], rcond=None)
    background = np.stack([xs, ys, np.ones_like(xs)], axis=2) @ plane
    residual = small - background
    lightness = residual.mean(axis=2)
    colour = np.abs(residual - lightness[..., None]).max(axis=2)
    spread = float(np.percentile(np.abs(residual[border]).max(axis=1), 95))
    threshold = max(18.0, 2.5 * spread)
    mask = ((lightness > threshold) | (lightness < -2.5 * threshold) | (colour > threshold)).astype(np.uint8)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    points = cv2.findNonZero(mask)
    if points is None:
        return None
    x, y, w, h = cv2.boundingRect(points)
    scale = image.shape[1] / width
    return x * scale, y * scale, (x + w) * scale, (y + h) * scale


def subject_thumbnail(
    data: bytes,
    homography: list[list[float]] | None = None,
    reference_size: tuple[int, int] | None = None,
    side: int = SUBJECT_SIDE,
) -> bytes | None:
    """A JPEG of the photo cropped to the subject: the aligned reference frame when the photo was
    compared, else what stands out from the plain background; the whole photo when neither is clear."""
    image, factor = _reduced(data, side)
    if image is None:
        return None
    height, width = image.shape[:2]
    box = None
    if homography is not None and reference_size is not None:
        box = _box_of_reference(homography, reference_size, factor)
    if box is None:
        box = _box_of_foreground(image)
    if box is not None:
        left, top, right, bottom = box
        pad_x, pad_y = (right - left) * SUBJECT_MARGIN, (bottom - top) * SUBJECT_MARGIN
        left, top = max(0, int(left - pad_x)), max(0, int(top - pad_y))
        right, bottom = min(width, int(right + pad_x)), min(height, int(bottom + pad_y))
        # A box that is nearly the whole photo, or a sliver, says nothing: keep the photo whole.
        area = (right - left) * (bottom - top)
        if 0.03 * width * height < area < 0.97 * width * height:
            image = image[top:bottom, left:right]
    height, width = image.shape[:2]
    scale = min(1.0, side / max(height, width))
    if scale < 1.0:
        image = cv2.resize(image, (max(1, int(width * scale)), max(1, int(height * scale))),
                           interpolation=cv2.INTER_AREA)
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
    return encoded.tobytes() if ok else None
