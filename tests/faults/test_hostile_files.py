"""Untrusted files given to the command line: one sentence, exit 2 ("could not read"), bounded memory, time.

Each file is made here, in the shape an attacker or a broken scanner would hand over, one past each limit
of inspector/untrusted.py that the command line reads. The commands run in a child process that reports
each one's own peak memory and time (tests/helpers/cli_run.py).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from inspector.errors import BadInput
from inspector.printing.scan import codes_in_file
from inspector.untrusted import MAX_PHOTO_BYTES, MAX_SCAN_FILE_BYTES, MAX_SETTINGS_BYTES, size_text
from inspector.vision.imageio import decode_image
from tests.helpers.cli_run import CliRun, run_cli_batch

MAX_MB = 1024
MAX_SECONDS = 10


def huge_mediabox_pdf() -> bytes:
    """333 bytes that declare a 200 x 200 inch page: rendered at 200 dpi it is 1.6 gigapixels."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] >>"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 4\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def many_pages_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for number in range(300):
        pdf.drawString(72, 720, f"page {number}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def huge_png() -> bytes:
    """A real 20000 x 20000 (400 MP) one-bit PNG of 0.1 MB."""
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, "PNG")
    return buffer.getvalue()


def truncated_png() -> bytes:
    ok, data = cv2.imencode(".png", np.random.default_rng(1).integers(0, 255, (400, 400, 3), np.uint8))
    assert ok
    return data.tobytes()[: len(data) // 2]


def app1_stuffed_jpeg() -> bytes:
    """A small JPEG with 1,000 APP1 segments of 64 KB in front of its pixels (65 MB)."""
    ok, data = cv2.imencode(".jpg", np.full((64, 64, 3), 128, np.uint8))
    assert ok
    raw = data.tobytes()
    segment = b"\xff\xe1" + (65535).to_bytes(2, "big") + b"Exif\0\0" + b"\0" * 65527
    return raw[:2] + segment * 1000 + raw[2:]


def tiny_png() -> bytes:
    ok, data = cv2.imencode(".png", np.zeros((4, 4, 3), np.uint8))
    assert ok
    return data.tobytes()


def random_bytes() -> bytes:
    return np.random.default_rng(7).integers(0, 256, 5000, np.uint8).tobytes()


# file -> (what `verify` says, what `compare` says, how it is made)
HOSTILE: dict[str, tuple[str, str, Callable[[], bytes]]] = {
    "huge-mediabox.pdf": ("No certificate QR code", "", huge_mediabox_pdf),
    "300-pages.pdf": ("No certificate QR code", "", many_pages_pdf),
    "400mp.png": ("MP", "MP", huge_png),
    "truncated.png": ("cut short", "truncated", truncated_png),
    "app1-stuffed.jpg": ("metadata", "metadata", app1_stuffed_jpeg),
    "tiny.png": ("No certificate QR code", "too small", tiny_png),
    "random.bin": ("neither a PDF nor an image", "not a readable image", random_bytes),
}


def oversized(path: Path, size: int, head: bytes) -> Path:
    """A file of `size` bytes that starts like a real one; sparse, so making it costs nothing."""
    with path.open("wb") as out:
        out.write(head)
        out.truncate(size)
    return path


def problems_with(name: str, result: CliRun, words: str) -> list[str]:
    """What is wrong with how a command answered a hostile file: exit 2, one sentence naming the
    problem, no traceback, less than MAX_MB of memory and MAX_SECONDS of CPU."""
    found = []
    if result.returncode != 2:
        found.append(f"{name}: exit {result.returncode}: {result.stderr}")
    if "Traceback" in result.stderr or len(result.stderr.splitlines()) != 1 or words not in result.stderr:
        found.append(f"{name}: wanted one sentence with {words!r}: {result.stderr!r}")
    if not result.peak_mb < MAX_MB:
        found.append(f"{name}: peak {result.peak_mb:.0f} MB")
    if not result.seconds < MAX_SECONDS:
        found.append(f"{name}: {result.seconds:.1f} s of CPU")
    return found


@pytest.mark.slow
def test_verify_refuses_each_hostile_file_in_one_sentence(tmp_path: Path) -> None:
    files = {name: tmp_path / name for name in sorted(HOSTILE)}
    for name, path in files.items():
        path.write_bytes(HOSTILE[name][2]())
    too_big = oversized(tmp_path / "too-big.pdf", MAX_SCAN_FILE_BYTES + 1, huge_mediabox_pdf())
    expected = {name: HOSTILE[name][0] for name in files} | {"too-big.pdf": size_text(MAX_SCAN_FILE_BYTES)}
    paths = [*files.values(), too_big]
    results = run_cli_batch(tmp_path / "verifier", [["verify", str(path)] for path in paths])
    problems = [problem for path, result in zip(paths, results, strict=True)
                for problem in problems_with(path.name, result, expected[path.name])]
    assert not problems, problems


@pytest.mark.slow
def test_compare_refuses_each_hostile_image_as_photo_and_as_reference(tmp_path: Path) -> None:
    good = tmp_path / "good.png"
    cv2.imwrite(str(good), np.random.default_rng(2).integers(0, 255, (300, 400, 3), np.uint8))
    images = ["400mp.png", "truncated.png", "app1-stuffed.jpg", "tiny.png", "random.bin"]
    expected = {name: HOSTILE[name][1] for name in images} | {"too-big.jpg": size_text(MAX_PHOTO_BYTES)}
    hostile = []
    for name in images:
        hostile.append(tmp_path / name)
        hostile[-1].write_bytes(HOSTILE[name][2]())
    hostile.append(oversized(tmp_path / "too-big.jpg", MAX_PHOTO_BYTES + 1, app1_stuffed_jpeg()[:4096]))
    pairs = [pair for path in hostile for pair in ((good, path), (path, good))]
    results = run_cli_batch(tmp_path / "home", [["compare", str(a), str(b), "--json"] for a, b in pairs])
    problems = [problem for (a, b), result in zip(pairs, results, strict=True)
                for problem in problems_with(f"{a.name} with {b.name}", result,
                                             expected[b.name if a == good else a.name])]
    assert not problems, problems


@pytest.mark.slow
@pytest.mark.parametrize(("content", "words"), [
    ("[" * 100_000 + "]" * 100_000, "nested deeper than"),  # json.loads: RecursionError, a traceback
    ("{}" + " " * MAX_SETTINGS_BYTES, "larger than"),
])
def test_a_hostile_settings_file_stops_any_command_in_one_sentence(tmp_path: Path, content: str,
                                                                    words: str) -> None:
    (tmp_path / "settings.json").write_text(content)
    [result] = run_cli_batch(tmp_path, [["verify", "not a certificate"]])
    assert not problems_with("settings.json", result, words), result
    assert "settings.json" in result.stderr


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=4000), st.sampled_from([b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"%PDF-"]))
def test_any_bytes_behind_an_image_or_pdf_signature_are_read_or_refused(tmp_path: Path, body: bytes,
                                                                        signature: bytes) -> None:
    path = tmp_path / "fuzz.bin"
    path.write_bytes(signature + body)
    try:
        codes_in_file(path)
    except BadInput as exc:
        assert "\n" not in str(exc)
    if signature != b"%PDF-":
        try:
            decode_image(signature + body, name="fuzz")
        except BadInput as exc:
            assert "\n" not in str(exc)

