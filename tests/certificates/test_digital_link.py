"""GS1 Digital Link: an item whose GTIN the brand's registry lists gets `/01/<GTIN-14>/21/<serial>` in its
QR code's URL (4x6 in label, certificate), the signed payload still in the fragment; the 2x1 in tag and
an item without a known GTIN keep the plain address."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from inspector.config import Settings
from inspector.domain.checklist import Checklist
from inspector.domain.gtin import check_digit, gtin14, item_gtin
from inspector.printing.brother import QL_DPI, label_dots
from inspector.printing.tags import holds_qr_text, size_dots
from inspector.security import payload
from inspector.security.roles import Actor
from inspector.services.station import StationServices
from inspector.storage.models import Certificate
from tests.certificates.conftest import (
    SIZED_CHECKLIST,
    SIZED_GTIN,
    add_sized_checklist,
    decode,
    finish_sized,
    render_png,
)

VERIFY = "https://verify.example.com/"


@pytest.fixture
def test_settings(test_settings: Settings) -> Settings:
    return add_sized_checklist(test_settings)


@pytest.mark.parametrize(
    "digits,check",
    [
        ("0950600013435", 2),  # GS1 Digital Link standard's example GTIN 09506000134352
        ("03600029145", 2),  # UPC-A 036000291452
        ("400638133393", 1),  # EAN-13 4006381333931
        ("629104150021", 3),  # GS1 General Specifications' worked example
    ],
)
def test_gs1_check_digit(digits: str, check: int) -> None:
    assert check_digit(digits) == check


def test_gtin14_pads_and_refuses_a_wrong_check_digit() -> None:
    assert gtin14("036000291452") == "00036000291452"  # UPC-A (GTIN-12)
    assert gtin14("4006381333931") == "04006381333931"  # EAN-13
    assert gtin14("09506000134352") == "09506000134352"
    for wrong in ("036000291453", "0360002914", "03600029145x", ""):
        with pytest.raises(ValueError):
            gtin14(wrong)
    with pytest.raises(ValueError):  # a QR code must never point a GS1 resolver at another product
        payload.digital_link_path("036000291453", "ACME-00000042")


def test_the_registry_gives_the_gtin_of_a_listed_style_and_size_only() -> None:
    data = yaml.safe_load(SIZED_CHECKLIST)
    data["steps"].append({"id": "box-upc", "title": "Box UPC", "instructions": "Scan the box's barcode.",
                          "severity": "minor", "photo": "none", "value": {"kind": "upc"}})
    checklist = Checklist.model_validate(data)
    assert item_gtin(checklist, "TS2000-001", {"size": "42"}) == SIZED_GTIN
    assert item_gtin(checklist, None, {"box-label": "ts2000-001", "size": "43"}) == "04006381333931"
    assert item_gtin(checklist, "TS2000-001", {"size": "44"}) is None  # size not listed
    assert item_gtin(checklist, "TS2000-001", {}) is None  # size not recorded
    assert item_gtin(checklist, "TS2000-009", {"size": "42"}) is None  # another style
    # The box's UPC, when the registry lists it for this style: the size need not be recorded.
    assert item_gtin(checklist, "TS2000-001", {"box-upc": "4006381333931"}) == "04006381333931"
    assert item_gtin(checklist, "TS2000-009", {"box-upc": "4006381333931"}) is None
    assert item_gtin(checklist, "TS2000-001", {"box-upc": "0012345678905"}) is None  # not the brand's
    # A box UPC of another size than the one recorded does not decide it: the recorded size does.
    assert item_gtin(checklist, "TS2000-001", {"size": "42", "box-upc": "4006381333931"}) == SIZED_GTIN
    plain = checklist.model_copy(update={"registry": checklist.registry.model_copy(update={"upcs": []})})
    assert item_gtin(plain, "TS2000-001", {"size": "42"}) is None


def test_the_2x1_tag_cannot_hold_a_digital_link_at_3_dots_a_module() -> None:
    """The measurement behind docs/trust.md: the longest plain URL fits version 10-M, the GS1 one needs 11."""
    longest_plain = payload.QR_CAPACITY_BYTES
    longest_link = longest_plain + payload.DIGITAL_LINK_PATH_BYTES
    assert len("01/00036000291452/21/ACMEX-00000042") == payload.DIGITAL_LINK_PATH_BYTES
    assert holds_qr_text(*size_dots("2x1in", 203), 203, longest_plain)
    assert not holds_qr_text(*size_dots("2x1in", 203), 203, longest_link)
    assert holds_qr_text(*size_dots("4x6in", 203), 203, longest_link)
    assert holds_qr_text(*size_dots("62x29mm", 203), 203, longest_link)  # 232 dots // 69 modules = 3
    # A 3-dot module at 300 dpi is 0.25 mm, too small: the Brother QL label keeps the plain URL.
    assert not holds_qr_text(*label_dots(), QL_DPI, longest_link)
    assert holds_qr_text(*size_dots("4x6in", 300), 300, longest_link)


def test_a_known_gtin_puts_a_digital_link_on_the_4x6_tag_and_certificate(
    services: StationServices, people: dict[str, Actor], photo_bytes: bytes, tmp_path: Path
) -> None:
    certs = services.certificates
    linked_id = finish_sized(services, people["alex"], photo_bytes, "ITEM-GS1-1", "42")
    unknown_id = finish_sized(services, people["alex"], photo_bytes, "ITEM-GS1-2", "44")
    with services.ctx.db.read() as session:
        rows = {row.inspection_id: row for row in session.query(Certificate)}
    linked, unknown = rows[linked_id], rows[unknown_id]

    [png] = render_png(certs.tag(people["alex"], linked_id, "4x6in"), tmp_path, 203, "tag-4x6")
    scanned = decode(png)["QRCode"]
    assert scanned == f"{VERIFY}01/{SIZED_GTIN}/21/{linked.serial}#{linked.payload}"
    assert certs.verify(scanned).status == "valid"
    [page] = render_png(certs.certificate_pdf(people["alex"], linked_id), tmp_path, 150, "certificate")
    assert decode(page)["QRCode"] == scanned
    # The 2x1 in tag keeps the plain address (the GS1 form does not fit it at 3 dots a module).
    [small] = render_png(certs.tag(people["alex"], linked_id, "2x1in"), tmp_path, 203, "tag-2x1")
    assert decode(small)["QRCode"] == f"{VERIFY}#{linked.payload}"

    # Size 44 is not in the registry: no GTIN, the plain address everywhere.
    [png] = render_png(certs.tag(people["alex"], unknown_id, "4x6in"), tmp_path, 203, "tag-unknown")
    assert decode(png)["QRCode"] == f"{VERIFY}#{unknown.payload}"
