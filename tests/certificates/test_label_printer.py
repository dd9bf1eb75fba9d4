"""Tags straight to a network label printer (ZPL on a raw TCP port): addresses, delivery, and a
printer that cannot be reached leaves no print in the records."""

from __future__ import annotations

import io
import socket
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from inspector.errors import BadInput
from inspector.printing.network import RAW_PORT, PrinterUnavailable, parse_address
from inspector.security.roles import Actor
from inspector.services.certificates import TAG_PRINTED
from inspector.services.station import StationServices
from inspector.storage.models import AuditEvent, Certificate
from tests.certificates.conftest import decode
from tests.certificates.test_service import ALL_PASS, _finish
from tests.certificates.test_tags import _Printer


@pytest.mark.parametrize(("text", "expected"), [
    ("zebra-1.local", ("zebra-1.local", RAW_PORT)),
    ("10.0.0.20:9101", ("10.0.0.20", 9101)),
    (" 10.0.0.20 ", ("10.0.0.20", RAW_PORT)),
    ("fe80::1", ("fe80::1", RAW_PORT)),
])
def test_printer_addresses(text: str, expected: tuple[str, int]) -> None:
    assert parse_address(text) == expected


@pytest.mark.parametrize("text", ["", "zebra:port", "zebra:0", "zebra:70000"])
def test_bad_printer_addresses_are_one_sentence(text: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_address(text)
    assert "\n" not in str(caught.value)


def _tag_prints(services: StationServices) -> int:
    with services.ctx.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEvent)
                                  .where(AuditEvent.action == TAG_PRINTED)) or 0)


def test_send_tag_delivers_zpl_and_records_the_print(
        services: StationServices, people: dict[str, Actor], photo_bytes: bytes) -> None:
    inspection_id = _finish(services, people["alex"], photo_bytes, "ITEM-Z", ALL_PASS)
    printer = _Printer()
    printer.start()
    where = services.certificates.send_tag(people["alex"], inspection_id, f"127.0.0.1:{printer.port}",
                                           "4x6in")
    printer.join(timeout=5)
    zpl = printer.received.decode("utf-8")
    with services.ctx.db.read() as session:
        serial = session.scalars(select(Certificate.serial)).one()
    assert where == f"127.0.0.1:{printer.port}"
    assert zpl.startswith("^XA") and "^BQ" in zpl and "^BC" in zpl and serial in zpl
    assert _tag_prints(services) == 1


def test_an_unreachable_printer_records_no_print(
        services: StationServices, people: dict[str, Actor], photo_bytes: bytes) -> None:
    inspection_id = _finish(services, people["alex"], photo_bytes, "ITEM-Y", ALL_PASS)
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # closed at once: nothing listens there
    with pytest.raises(PrinterUnavailable) as caught:
        services.certificates.send_tag(people["alex"], inspection_id, f"127.0.0.1:{port}")
    assert "cannot be reached" in str(caught.value)
    assert _tag_prints(services) == 0  # the next tag printed is not called a reprint


def test_brother_ql_gets_its_own_raster_and_it_decodes_at_300_dpi(
        services: StationServices, people: dict[str, Actor], photo_bytes: bytes, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A QL takes no ZPL: the 62x29 tag goes as brother_ql raster on port 9100; read back with
    brother_ql's own reader, the label image (300 dpi) decodes and fits the die-cut label."""
    from brother_ql.reader import BrotherQLReader

    services.ctx.settings = services.ctx.settings.with_changes(label_language="brother-ql")
    inspection_id = _finish(services, people["alex"], photo_bytes, "ITEM-Q", ALL_PASS)
    printer = _Printer()
    printer.start()
    where = services.certificates.send_tag(people["alex"], inspection_id, f"127.0.0.1:{printer.port}",
                                           "62x29mm")
    printer.join(timeout=10)
    assert where == f"tcp://127.0.0.1:{printer.port}" and not printer.received.startswith(b"^XA")
    monkeypatch.chdir(tmp_path)  # the reader writes label0001.png into the working folder
    BrotherQLReader(io.BufferedReader(io.BytesIO(printer.received))).analyse()  # type: ignore[arg-type]
    [label] = sorted(tmp_path.glob("label*.png"))
    found = decode(label)
    with services.ctx.db.read() as session:
        row = session.scalars(select(Certificate)).one()
    assert found.get("QRCode") == services.certificates.qr_text(row)
    with Image.open(label) as image:
        width, height = image.size
    # 720 dots across the head at 300 dpi, 271 printed rows: 22.9 mm of a 29 mm label.
    assert width == 720 and height == 271 and height / 300 * 25.4 <= 29
    assert _tag_prints(services) == 1
