"""Tags laid out on the printer's dots: PDF rendered at 203/300/600 dpi and decoded with zxing-cpp,
the words a buyer needs on each size, reprints marked, ZPL fields inside the label, port 9100."""

from __future__ import annotations

import re
import socket
import threading
from datetime import UTC, datetime
from pathlib import Path

import pypdfium2
import pytest

from inspector.errors import BadInput
from inspector.printing.documents import TagDocument
from inspector.printing.network import PrinterUnavailable, send_zpl
from inspector.printing.tags import TAG_SIZES, layout, size_dots, tag_pdf
from inspector.printing.zpl import tag_zpl
from inspector.security import payload
from inspector.security.trustlist import Deployment
from inspector.security.verification import VALID, verify_code
from tests.certificates.conftest import decode, render_png
from tests.certificates.test_payload import make_deployment

ISSUER = "Northside Authentication Centre"
VERIFY = "https://verify.northside.example"


def _tag(tmp_path: Path, reprint: int = 0) -> tuple[TagDocument, dict[str, Deployment]]:
    """The longest payload the certificate service makes, behind the default verify address."""
    deployment, _, key = make_deployment("ACMEX")
    item, brand, model = payload.fit_texts(
        "TR1000-001-LONG-ITEM-CODE-2026", "Testbrand Longname", "Runner Premium Edition"
    )
    content = payload.CertificatePayload(
        deployment="ACMEX",
        serial_number=1234,
        status_index=1234,
        item_code=item,
        brand=brand,
        model=model,
        verdict="pass",
        issued_at=datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
        key_id=key.key_id,
    )
    doc = TagDocument(
        serial=content.serial,
        code=payload.qr_text(VERIFY, payload.encode(content, key)),  # a URL, as the QR will carry
        brand=content.brand,
        model=content.model,
        reprint=reprint,
        issuer_name=ISSUER,
        item_code=content.item_code,
        issued_on=content.issued_on,
        verify_address=VERIFY,
    )
    return doc, {"ACMEX": deployment}


def _text(pdf: bytes) -> str:
    return "\n".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(pdf))


@pytest.mark.parametrize("dpi", [203, 300, 600])
@pytest.mark.parametrize("size", list(TAG_SIZES))
def test_tag_pdf_decodes_at_the_printers_resolution_and_verifies(tmp_path: Path, size: str, dpi: int) -> None:
    doc, trusted = _tag(tmp_path)
    pdf = tag_pdf(doc, size, dpi)
    assert tag_pdf(doc, size, dpi) == pdf  # invariant: byte-stable
    per_mm = {203: 8, 300: 12, 600: 24}[dpi]
    [png] = render_png(pdf, tmp_path, round(per_mm * 25.4), f"tag-{size}-{dpi}")
    found = decode(png)
    assert found.get("QRCode") == doc.code
    result = verify_code(found["QRCode"], trusted)
    assert result.status == VALID and result.payload is not None and result.payload.serial == doc.serial
    if size == "4x6in":
        assert found.get("Code128") == doc.serial
    width, height = pypdfium2.PdfDocument(pdf)[0].get_size()
    width_mm, height_mm = TAG_SIZES[size]
    assert abs(width / 72 * 25.4 - width_mm) < 0.1 and abs(height / 72 * 25.4 - height_mm) < 0.1


@pytest.mark.parametrize("size", list(TAG_SIZES))
def test_each_tag_says_who_what_and_the_verdict(tmp_path: Path, size: str) -> None:
    doc, _ = _tag(tmp_path)
    text = _text(tag_pdf(doc, size))
    assert "AUTHENTIC" in text and doc.serial in text
    assert ISSUER[:20] in text  # the issuer's name (cut with "..." where the label is narrow)
    if size == "4x6in":
        for expected in (ISSUER, "Testbrand Longname Runner Premium Edition",
                         "Item TR1000-001-LONG-ITEM-CODE", "23 November 2026", "verify.northside.example"):
            assert expected in text, expected


@pytest.mark.parametrize("size", list(TAG_SIZES))
def test_a_reprint_keeps_the_content_and_adds_a_mark(tmp_path: Path, size: str) -> None:
    original, _ = _tag(tmp_path)
    again, _ = _tag(tmp_path, reprint=2)
    first, second = _text(tag_pdf(original, size)), _text(tag_pdf(again, size))
    assert "REPRINT" not in first and "REPRINT 2" in second
    assert set(first.split()) <= set(second.split())  # every word of the original is still there


def test_text_is_legible_at_printer_resolution(tmp_path: Path) -> None:
    """The smallest text on any tag is at least 1.6 mm tall (about 7 pt), the verdict at least 3 mm."""
    doc, _ = _tag(tmp_path, reprint=1)
    for size in TAG_SIZES:
        for dpi, per_mm in ((203, 8), (300, 12), (600, 24)):
            spot = layout(size, doc, dpi)
            assert min(text.height for text in spot.texts) / per_mm >= 1.6, (size, dpi)
            verdict = next(text for text in spot.texts if text.text == "AUTHENTIC")
            assert verdict.height / per_mm >= 3.0
            for text in spot.texts:
                assert text.x >= 0 and text.x + text.width <= spot.width
                assert text.y >= 0 and text.y + text.height <= spot.height


def test_copies_are_pages_and_bad_input_is_one_sentence(tmp_path: Path) -> None:
    doc, _ = _tag(tmp_path)
    assert len(pypdfium2.PdfDocument(tag_pdf(doc, "2x1in", copies=3))) == 3
    with pytest.raises(BadInput, match="203, 300 or 600"):
        size_dots("2x1in", 250)
    with pytest.raises(BadInput, match="Unknown tag size"):
        size_dots("9x9in")


FIELD = re.compile(r"\^FO(\d+),(\d+)(\^[A-Z0-9]{2}[^^]*)(?:\^FB[^^]*)?\^FD(.*?)\^FS")


@pytest.mark.parametrize("dpi", [203, 300, 600])
@pytest.mark.parametrize("size", list(TAG_SIZES))
def test_zpl_follows_the_reference(tmp_path: Path, size: str, dpi: int) -> None:
    doc, _ = _tag(tmp_path)
    zpl = tag_zpl(doc, size, copies=3, dpi=dpi, darkness=-5, speed=3)
    width, height = size_dots(size, dpi)
    lines = zpl.strip().splitlines()
    assert lines[0] == "^XA" and lines[-1] == "^XZ"
    for command in (f"^PW{width}", f"^LL{height}", "^PQ3", "^MD-5", "^PR3"):
        assert command in lines
    spot = layout(size, doc, dpi)
    for x, y, command, data in FIELD.findall(zpl):
        x, y = int(x), int(y)
        assert 0 <= x < width and 0 <= y < height, f"field origin {x},{y} outside the {size} label"
        if command.startswith("^BQ"):
            # ^BQa,b,c: a = N (normal), b = 2 (model 2), c = magnification 1-10 (dots per module).
            orientation, model, magnification = command[3:].split(",")
            assert (orientation, model) == ("N", "2") and 1 <= int(magnification) <= 10
            # ^FD for QR: error level M, manual input (M), byte mode (B) with a 4-digit length.
            assert data == f"MM,B{len(doc.code):04d}{doc.code}"
            assert x + spot.qr_modules * int(magnification) <= width
        elif command.startswith("^BC"):
            orientation, bar_height, line, above, ucc = command[3:].split(",")
            assert (orientation, line, above, ucc) == ("N", "N", "N", "N")
            # >: starts subset B: the serial starts with the deployment's prefix (letters).
            assert y + int(bar_height) <= height and data == ">:" + doc.serial
        else:
            assert command.startswith("^A0N,")
    with pytest.raises(BadInput):
        tag_zpl(doc, size, darkness=31)
    with pytest.raises(BadInput):
        tag_zpl(doc, size, speed=1)


class _Printer(threading.Thread):
    """A stand-in for a Zebra printer: accepts one raw connection on 127.0.0.1 and keeps the bytes."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.received = b""

    def run(self) -> None:
        connection, _ = self.server.accept()
        with connection:
            while chunk := connection.recv(4096):
                self.received += chunk
        self.server.close()


def test_raw_zpl_reaches_a_port_9100_style_printer(tmp_path: Path) -> None:
    doc, _ = _tag(tmp_path)
    zpl = tag_zpl(doc, "2x1in")
    printer = _Printer()
    printer.start()
    sent = send_zpl(zpl, "127.0.0.1", printer.port)
    printer.join(timeout=5)
    assert sent == len(zpl.encode()) and printer.received.decode() == zpl


def test_unreachable_printer_is_one_sentence() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # closed right after: nothing listens there
    with pytest.raises(PrinterUnavailable) as caught:
        send_zpl("^XA^XZ", "127.0.0.1", port, timeout=1)
    assert "cannot be reached" in str(caught.value)
