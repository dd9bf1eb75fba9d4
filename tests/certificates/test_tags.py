"""Tags: rendered at 203 dpi and decoded with zxing-cpp; ZPL checked against the reference; port 9100."""

from __future__ import annotations

import re
import socket
import threading
from datetime import date
from pathlib import Path

import pytest

from inspector.printing.documents import TagDocument
from inspector.printing.network import PrinterUnavailable, send_zpl
from inspector.printing.tags import TAG_SIZES, layout, tag_pdf, tag_zpl
from inspector.security import keys, payload
from inspector.security.verification import VALID, verify_code
from tests.certificates.conftest import decode, render_png


def _tag(tmp_path: Path, reprint: int = 0) -> tuple[TagDocument, dict[str, object]]:
    key = keys.load_or_create(tmp_path / "keys")
    content = payload.CertificatePayload(
        serial="0300001234",
        item_code="TR1000-001-LONG-ITEM-CODE",
        brand="Testbrand Longname",
        model="Runner Premium Edition",
        verdict="pass",
        issued_on=date(2026, 11, 23),
        station="bench-12",
        key_id=key.key_id,
    )
    doc = TagDocument(
        serial=content.serial,
        code=payload.encode(content, key),
        brand=content.brand,
        model=content.model,
        reprint=reprint,
    )
    return doc, keys.trusted_keys(tmp_path / "keys", key)  # type: ignore[return-value]


@pytest.mark.parametrize("size", list(TAG_SIZES))
def test_tag_pdf_decodes_at_203_dpi_and_verifies(tmp_path: Path, size: str) -> None:
    doc, trusted = _tag(tmp_path)
    pdf = tag_pdf(doc, size)
    assert tag_pdf(doc, size) == pdf  # invariant: byte-stable
    [png] = render_png(pdf, tmp_path, 203, f"tag-{size}")
    found = decode(png)
    assert found.get("QRCode") == doc.code
    assert found.get("Code128") == doc.serial
    result = verify_code(found["QRCode"], trusted)  # type: ignore[arg-type]
    assert result.status == VALID and result.payload is not None and result.payload.serial == doc.serial


def test_reprinted_tag_says_so(tmp_path: Path) -> None:
    doc, _ = _tag(tmp_path, reprint=2)
    import pypdfium2

    pdf = pypdfium2.PdfDocument(tag_pdf(doc, "2x1in"))
    assert "REPRINT 2" in pdf[0].get_textpage().get_text_range()


FIELD = re.compile(r"\^FO(\d+),(\d+)(\^[A-Z0-9]{2}[^^]*)(?:\^BY[^^]*)?\^FD(.*?)\^FS")


@pytest.mark.parametrize("size", list(TAG_SIZES))
def test_zpl_follows_the_reference(tmp_path: Path, size: str) -> None:
    doc, _ = _tag(tmp_path)
    zpl = tag_zpl(doc, size, copies=3)
    width, height = TAG_SIZES[size]
    lines = zpl.strip().splitlines()
    assert lines[0] == "^XA" and lines[-1] == "^XZ"
    assert f"^PW{width}" in zpl and f"^LL{height}" in zpl and "^PQ3" in zpl
    assert "~" not in zpl.replace("^FD", "")  # no stray control prefix inside the data
    spot = layout(size, doc)
    fields = FIELD.findall(zpl)
    assert len(fields) == 4
    for x, y, command, data in fields:
        x, y = int(x), int(y)
        assert 0 <= x < width and 0 <= y < height, f"field origin {x},{y} outside the {size} label"
        if command.startswith("^BQ"):
            # ^BQa,b,c: a = N (normal), b = 2 (model 2, enhanced), c = magnification 1-10 (dots/module).
            orientation, model, magnification = command[3:].split(",")
            assert (orientation, model) == ("N", "2") and 1 <= int(magnification) <= 10
            # ^FD for QR: error level (H/Q/M/L), input mode (A = automatic), comma, then the data.
            assert data == "MA," + doc.code
            side = spot.qr_modules * int(magnification)
            assert x + side <= width and y + side <= height
        elif command.startswith("^BC"):
            # ^BCo,h,f,g,e: orientation N, bar height in dots, no interpretation line, not above, no UCC.
            orientation, bar_height, line, above, ucc = command[3:].split(",")
            assert (orientation, line, above, ucc) == ("N", "N", "N", "N")
            assert 1 <= int(bar_height) <= 32000 and y + int(bar_height) <= height
            # >; starts subset C (digit pairs): the serial is all digits, an even count.
            assert data == ">;" + doc.serial
            assert x + spot.bar_modules * spot.bar_width <= width
        else:
            assert command.startswith("^A0N,")
    by = re.search(r"\^BY(\d+),([\d.]+),(\d+)", zpl)
    assert by and 1 <= int(by.group(1)) <= 10 and 2.0 <= float(by.group(2)) <= 3.0


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
