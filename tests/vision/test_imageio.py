"""Image loading: every bad file is a BadInput with one clear sentence; good files decode."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest

from inspector.errors import BadInput
from inspector.vision.imageio import decode_image, load_image, load_image_with_size, read_header
from tests.vision.conftest import write_jpeg


def png_claiming(width: int, height: int) -> bytes:
    """A tiny, valid-looking PNG whose header claims a huge size (a decompression bomb)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def one_line(message: str) -> bool:
    return "\n" not in message and message.endswith(".")


def test_jpeg_round_trip(tmp_path: Path, reference: np.ndarray) -> None:
    image = load_image(write_jpeg(tmp_path / "ref.jpg", reference))
    assert image.shape == reference.shape and image.dtype == np.uint8
    assert np.abs(image.astype(int) - reference.astype(int)).mean() < 4


def test_reduced_decoding_keeps_min_side(tmp_path: Path, reference: np.ndarray) -> None:
    path = write_jpeg(tmp_path / "ref.jpg", reference)
    image, full_size = load_image_with_size(path, min_side=128)
    assert full_size == (512, 512)
    assert image.shape[:2] == (128, 128)  # decoded at 1/4 by DCT scaling


def test_zero_byte_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    with pytest.raises(BadInput, match="empty") as caught:
        load_image(path)
    assert one_line(str(caught.value))


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.jpg"
    path.write_text("this is not a photo\n")
    with pytest.raises(BadInput, match="not a readable image") as caught:
        load_image(path)
    assert one_line(str(caught.value))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="does not exist"):
        load_image(tmp_path / "nope.jpg")


def test_truncated_jpeg(tmp_path: Path, reference: np.ndarray) -> None:
    data = write_jpeg(tmp_path / "ref.jpg", reference).read_bytes()
    with pytest.raises(BadInput, match="truncated") as caught:
        decode_image(data[: len(data) // 2], name="cut.jpg")
    assert one_line(str(caught.value))


def test_truncated_png(reference: np.ndarray) -> None:
    import cv2

    ok, buffer = cv2.imencode(".png", reference)
    assert ok
    with pytest.raises(BadInput, match="truncated"):
        decode_image(buffer.tobytes()[:-40])


def test_decompression_bomb_is_refused_from_the_header() -> None:
    bomb = png_claiming(100_000, 100_000)
    assert read_header(bomb).width == 100_000  # the header alone says it
    with pytest.raises(BadInput, match="too large") as caught:
        decode_image(bomb, name="bomb.png")
    assert one_line(str(caught.value))


def test_limit_is_configurable(reference: np.ndarray) -> None:
    import cv2

    data = cv2.imencode(".png", reference)[1].tobytes()
    with pytest.raises(BadInput, match="too large"):
        decode_image(data, max_pixels=100_000)
    assert decode_image(data).shape == reference.shape


def test_gray_and_alpha_become_bgr() -> None:
    import cv2

    gray = np.full((20, 30), 128, np.uint8)
    rgba = np.zeros((20, 30, 4), np.uint8)
    for image in (gray, rgba):
        decoded = decode_image(cv2.imencode(".png", image)[1].tobytes())
        assert decoded.shape == (20, 30, 3)
