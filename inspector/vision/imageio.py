"""Reading photos safely: header checks before decoding, clear errors, reduced decoding for speed."""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from inspector.errors import BadInput
from inspector.untrusted import (
    MAX_PHOTO_BYTES,
    MAX_PHOTO_PIXELS,
    MIN_PHOTO_SIDE,
    check_jpeg_segments,
    size_text,
)

# JPEG decoders can scale by 1/2, 1/4, 1/8 while decoding (DCT scaling), which is several
# times faster than decoding at full size and resizing.
_REDUCED_FLAGS = {1: cv2.IMREAD_COLOR, 2: cv2.IMREAD_REDUCED_COLOR_2,
                  4: cv2.IMREAD_REDUCED_COLOR_4, 8: cv2.IMREAD_REDUCED_COLOR_8}


@dataclass(frozen=True)
class ImageHeader:
    """What an image file says about itself before any pixel is decoded."""

    format: str
    width: int
    height: int


def read_header(data: bytes, *, name: str = "image") -> ImageHeader:
    """Return format and size from the header only; BadInput if the bytes are not an image."""
    if not data:
        raise BadInput(f"{name} is empty (0 bytes).")
    if len(data) > MAX_PHOTO_BYTES:
        raise BadInput(f"{name} is {len(data) / 2**20:.0f} MB; a photo of at most "
                       f"{size_text(MAX_PHOTO_BYTES)} is read.")
    check_jpeg_segments(data, name)
    try:
        with warnings.catch_warnings():
            # Pillow warns (or raises) on huge sizes itself; we apply our own limit below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            saved_limit = Image.MAX_IMAGE_PIXELS
            Image.MAX_IMAGE_PIXELS = None
            try:
                with Image.open(io.BytesIO(data)) as probe:
                    width, height = probe.size
                    image_format = probe.format or "unknown"
            finally:
                Image.MAX_IMAGE_PIXELS = saved_limit
    except Exception as exc:  # Pillow raises many types for garbage; all mean "not an image"
        raise BadInput(f"{name} is not a readable image ({type(exc).__name__}).") from exc
    if width <= 0 or height <= 0:
        raise BadInput(f"{name} has no pixels ({width}x{height}).")
    if min(width, height) < MIN_PHOTO_SIDE:
        raise BadInput(f"{name} is {width}x{height} pixels, too small to hold anything to check "
                       f"(at least {MIN_PHOTO_SIDE} px a side).")
    return ImageHeader(image_format, int(width), int(height))



def _looks_truncated(data: bytes, image_format: str) -> bool:
    """Cheap end-of-file check: OpenCV fills a cut-off JPEG with grey instead of failing."""
    tail = data[-64:].rstrip(b"\x00\r\n \t")
    if image_format == "JPEG":
        return not tail.endswith(b"\xff\xd9")
    if image_format == "PNG":
        return b"IEND" not in tail
    return False


def choose_reduction(width: int, height: int, min_side: int | None) -> int:
    """Largest JPEG scale factor (1, 2, 4, 8) that keeps the long side at least `min_side`."""
    if not min_side:
        return 1
    long_side = max(width, height)
    for factor in (8, 4, 2):
        if long_side / factor >= min_side:
            return factor
    return 1


def decode_image(
    data: bytes,
    *,
    name: str = "image",
    max_pixels: int = MAX_PHOTO_PIXELS,
    min_side: int | None = None,
) -> np.ndarray:
    """Decode image bytes to a BGR uint8 array.

    `min_side`: when set, a JPEG may be decoded at 1/2, 1/4 or 1/8 size as long as its long
    side stays >= min_side (use `header_of` / the original size to map coordinates back).
    Raises BadInput with one sentence for empty, unreadable, truncated or oversized images.
    """
    header = read_header(data, name=name)
    pixels = header.width * header.height
    if pixels > max_pixels:
        raise BadInput(
            f"{name} is too large to open safely ({header.width}x{header.height} = "
            f"{pixels / 1e6:.0f} MP, limit {max_pixels / 1e6:.0f} MP)."
        )
    if _looks_truncated(data, header.format):
        raise BadInput(f"{name} is truncated (the {header.format} file ends early).")
    factor = choose_reduction(header.width, header.height, min_side) if header.format == "JPEG" else 1
    buffer = np.frombuffer(data, dtype=np.uint8)
    image = cv2.imdecode(buffer, _REDUCED_FLAGS[factor])
    if image is None:
        image = _decode_with_pillow(data, name)
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    elif image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.dtype != np.uint8:  # 16-bit PNG/TIFF: keep the top 8 bits
        wide = np.asarray(image)
        image = (wide // 256).astype(np.uint8) if wide.dtype == np.uint16 else wide.astype(np.uint8)
    return np.ascontiguousarray(image)


def _decode_with_pillow(data: bytes, name: str) -> np.ndarray:
    """Fallback for formats OpenCV lacks (some GIF/WebP builds); BadInput when it fails too."""
    try:
        with Image.open(io.BytesIO(data)) as pil:
            rgb = np.asarray(pil.convert("RGB"))
    except Exception as exc:
        raise BadInput(f"{name} could not be decoded ({type(exc).__name__}).") from exc
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """Read a file, turning missing/unreadable files into BadInput."""
    file_path = Path(path)
    try:
        if file_path.is_file() and file_path.stat().st_size > MAX_PHOTO_BYTES:
            raise BadInput(f"{file_path} is larger than {size_text(MAX_PHOTO_BYTES)}; it is not read.")
        return file_path.read_bytes()
    except FileNotFoundError as exc:
        raise BadInput(f"{file_path} does not exist.") from exc
    except IsADirectoryError as exc:
        raise BadInput(f"{file_path} is a folder, not an image.") from exc
    except OSError as exc:
        raise BadInput(f"{file_path} cannot be read ({exc.strerror or exc}).") from exc


def load_image(
    path: str | os.PathLike[str],
    *,
    max_pixels: int = MAX_PHOTO_PIXELS,
    min_side: int | None = None,
) -> np.ndarray:
    """Load an image file as BGR uint8 (see decode_image for `min_side` reduced decoding)."""
    data = read_bytes(path)
    return decode_image(data, name=Path(path).name, max_pixels=max_pixels, min_side=min_side)


def load_image_with_size(
    path: str | os.PathLike[str],
    *,
    max_pixels: int = MAX_PHOTO_PIXELS,
    min_side: int | None = None,
) -> tuple[np.ndarray, tuple[int, int]]:
    """Like load_image, also returning the file's full (width, height) before any reduction."""
    data = read_bytes(path)
    name = Path(path).name
    header = read_header(data, name=name)
    image = decode_image(data, name=name, max_pixels=max_pixels, min_side=min_side)
    return image, (header.width, header.height)


def decode_image_with_size(
    data: bytes,
    *,
    name: str = "image",
    max_pixels: int = MAX_PHOTO_PIXELS,
    min_side: int | None = None,
) -> tuple[np.ndarray, tuple[int, int]]:
    """decode_image, also returning the full (width, height) as the pixels are shown (EXIF
    rotation applied), whatever reduction the decoding used."""
    header = read_header(data, name=name)
    image = decode_image(data, name=name, max_pixels=max_pixels, min_side=min_side)
    height, width = image.shape[:2]
    if (width > height) != (header.width > header.height) and width != height:
        return image, (header.height, header.width)  # the decoder turned it upright
    return image, (header.width, header.height)


def encode_jpeg(image: np.ndarray, quality: int = 90) -> bytes:
    """Encode a BGR image as JPEG bytes."""
    ok, buffer = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise BadInput("the image could not be encoded as JPEG.")
    return buffer.tobytes()
