"""Tags straight to a network label printer (ZPL on a raw TCP port): addresses, delivery, and a
printer that cannot be reached leaves no print in the records."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import func, select

from inspector.errors import BadInput
from inspector.printing.network import RAW_PORT, PrinterUnavailable, parse_address
from inspector.security.roles import Actor
from inspector.services.certificates import TAG_PRINTED
from inspector.services.station import StationServices
from inspector.storage.models import AuditEvent, Certificate
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
    where = services.certificates.send_tag(inspection_id, f"127.0.0.1:{printer.port}", "4x6in",
                                           actor_id=people["alex"].user_id)
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
        services.certificates.send_tag(inspection_id, f"127.0.0.1:{port}")
    assert "cannot be reached" in str(caught.value)
    assert _tag_prints(services) == 0  # the next tag printed is not called a reprint
