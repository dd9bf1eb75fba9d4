"""Corrupt, truncated, zero-byte and decompression-bomb images: one sentence, nothing recorded."""

from __future__ import annotations

import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from inspector.errors import BadInput
from inspector.security.roles import Actor
from inspector.services.station import StationServices
from inspector.storage.models import AuditEvent, Photo

REPO = Path(__file__).resolve().parents[2]


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(width: int = 50_000, height: int = 50_000) -> bytes:
    """A real, well-formed PNG of 2.5 gigapixels of zeros: ~2.4 MB on disk, 2.5 GB decoded."""
    row = b"\x00" * (width + 1)  # filter byte + one grey byte per pixel
    packer = zlib.compressobj(9)
    chunks = [packer.compress(row) for _ in range(min(height, 64))]
    # The rest of the rows are not needed to fool a decoder that trusts the header.
    idat = b"".join(chunks) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", idat) + \
        _png_chunk(b"IEND", b"")


def jpeg_bomb() -> bytes:
    """A JPEG whose header claims 65000x65000 pixels (4.2 GP) on top of a tiny body."""
    import cv2

    ok, data = cv2.imencode(".jpg", np.zeros((8, 8, 3), np.uint8))
    assert ok
    raw = bytearray(data.tobytes())
    sof = raw.find(b"\xff\xc0")
    raw[sof + 5:sof + 9] = struct.pack(">HH", 65000, 65000)
    return bytes(raw)


def bad_images(good: bytes) -> dict[str, bytes]:
    rng = np.random.default_rng(5)
    corrupt = bytearray(good)
    corrupt[2:600] = rng.integers(0, 255, 598, dtype=np.uint8).tobytes()  # header smashed
    return {
        "zero-byte": b"",
        "random-bytes": rng.integers(0, 255, 4096, dtype=np.uint8).tobytes(),
        "text": b"this is not a photo\n",
        "truncated-half": good[: len(good) // 2],
        "truncated-header": good[:20],
        "corrupt-header": bytes(corrupt),
        "png-bomb": png_bomb(),
        "jpeg-bomb": jpeg_bomb(),
    }


def _recorded(services: StationServices) -> tuple[int, int]:
    with services.ctx.db.read() as session:
        return (session.scalar(select(func.count()).select_from(Photo)) or 0,
                session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def test_bad_images_through_add_photo(services: StationServices, people: dict[str, Actor],
                                      photo_bytes: bytes) -> None:
    alex = people["alex"]
    inspection_id = services.inspections.start_or_resume(alex, "BAD-1", style_code="TR1000-001").inspection.id
    before = _recorded(services)
    stored_before = sorted(services.ctx.photos.root.rglob("*"))
    messages = {}
    for name, data in bad_images(photo_bytes).items():
        with pytest.raises(BadInput) as refused:
            services.inspections.add_photo(alex, inspection_id, "box-label", data, client_ref=name)
        messages[name] = str(refused.value)
        assert "\n" not in messages[name] and messages[name].endswith("."), (name, messages[name])
    assert "empty" in messages["zero-byte"]
    assert "truncated" in messages["truncated-half"]
    assert "too large" in messages["png-bomb"] and "too large" in messages["jpeg-bomb"]
    # Nothing recorded, nothing stored: a bad image never reaches the photo store.
    assert _recorded(services) == before
    assert sorted(services.ctx.photos.root.rglob("*")) == stored_before
    # The station still works after all that.
    services.inspections.add_photo(alex, inspection_id, "box-label", photo_bytes, client_ref="good")
    assert _recorded(services)[0] == before[0] + 1


def test_bad_images_through_inspector_compare(tmp_path: Path, photo_bytes: bytes,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    from inspector.cli.main import main

    reference = tmp_path / "reference.jpg"
    reference.write_bytes(photo_bytes)
    for name, data in bad_images(photo_bytes).items():
        bad = tmp_path / f"{name}.jpg"
        bad.write_bytes(data)
        for args in ([str(reference), str(bad)], [str(bad), str(reference)]):
            code = main(["compare", *args])
            err = capsys.readouterr().err
            lines = err.strip().splitlines()
            assert code == 2, (name, err)
            assert len(lines) == 1 and lines[0].startswith("inspector: "), (name, err)


def test_a_bomb_in_a_real_process_is_one_line(tmp_path: Path, photo_bytes: bytes) -> None:
    reference = tmp_path / "reference.jpg"
    reference.write_bytes(photo_bytes)
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_bomb())
    command = [sys.executable, "-m", "inspector.cli.main", "compare", str(reference), str(bomb)]
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "too large" in result.stderr and "Traceback" not in result.stderr
