"""Lifecycle through the services: issue on pass, print, reprint, void on overturn, verify a PDF or photo."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pypdfium2
import pytest
from sqlalchemy import select

from inspector.cli.main import main
from inspector.errors import InvalidState
from inspector.security.roles import Actor
from inspector.services.certificates import CertificateService, attach
from inspector.services.station import StationServices, open_station
from inspector.storage.models import AuditEvent, Certificate
from tests.certificates.conftest import decode, render_png

ALL_PASS = {"box-label": "pass", "size-tag": "pass", "stitching": "pass", "smell": "pass"}
VALUES = {"box-label": "TR1000-001", "size-tag": "TR1000-001"}


def _finish(
    services: StationServices,
    alex: Actor,
    photo: bytes,
    code: str,
    outcomes: dict[str, str],
    compare: bool = False,
) -> int:
    inspection_id = services.inspections.start_or_resume(alex, code, style_code="TR1000-001").inspection.id
    for step in ("box-label", "size-tag"):
        added = services.inspections.add_photo(alex, inspection_id, step, photo)
        if compare:
            services.comparisons.compare_photo(alex, added.id)
    for step, outcome in outcomes.items():
        services.inspections.record_step(
            alex,
            inspection_id,
            step,
            outcome,
            value=VALUES.get(step),
            note="" if outcome == "pass" else "the font is too thin",
            fail_reason="counterfeit" if outcome == "fail" else None,
        )
    services.inspections.finish(alex, inspection_id)
    return inspection_id


def _text(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(pdf)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


@pytest.fixture
def certs(services: StationServices) -> CertificateService:
    return attach(services)


def test_pass_issues_a_certificate_that_prints_decodes_and_verifies(
    services: StationServices,
    certs: CertificateService,
    people: dict[str, Actor],
    photo_bytes: bytes,
    tmp_path: Path,
) -> None:
    inspection_id = _finish(services, people["alex"], photo_bytes, "ITEM-1", ALL_PASS)
    with services.ctx.db.read() as session:
        [row] = session.scalars(select(Certificate)).all()
        serial = row.serial
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))
    assert actions[-2:] == ["inspection.finished", "certificate.issued"]
    pdf = certs.certificate_pdf(people["alex"], inspection_id, "a4")
    text = _text(pdf)
    for expected in (serial, "ITEM-1", "Testbrand", "Runner", "Authentic", "Box label", "How to verify",
                     "TR1000-001", "A.", services.ctx.settings.issuer_name):
        assert expected in text
    # Initials, never the authenticator's name; no key ids, no "fail" for a buyer.
    assert "Alex" not in text and "REPRINT" not in text and row.key_id not in text
    assert "Signing key" not in text and "inspector verify" not in text
    pages = render_png(pdf, tmp_path, 300, "certificate")  # an office printer's resolution
    code = decode(pages[0])["QRCode"]
    assert code == f"https://verify.example.com/#{row.payload}"  # a URL a phone opens
    assert certs.verify(code).status == "valid"
    assert certs.verify(str(tmp_path / "certificate.pdf")).status == "valid"
    assert certs.verify(str(pages[0])).status == "valid"  # a photo/scan of the printout
    letter = certs.certificate_pdf(people["alex"], inspection_id, "letter")
    assert "REPRINT" not in _text(letter)  # making a document is no print
    assert decode(render_png(letter, tmp_path, 150, "letter")[0])["QRCode"] == code  # a coarse scan
    width, height = pypdfium2.PdfDocument(letter)[0].get_size()
    assert (round(width), round(height)) == (612, 792)


def test_only_prints_count_and_make_reprints(
    services: StationServices, certs: CertificateService, people: dict[str, Actor], photo_bytes: bytes,
    tmp_path: Path,
) -> None:
    inspection_id = _finish(services, people["alex"], photo_bytes, "ITEM-2", ALL_PASS)
    printouts = certs.printouts
    made = printouts.certificate(people["alex"], inspection_id)
    printouts.export(made, tmp_path / "c.pdf", people["alex"])  # an export is no print
    assert "REPRINT" not in _text(printouts.certificate(people["alex"], inspection_id).data)
    printouts.record_printed(made, job="office-7", printer="office", actor=people["alex"])
    assert "REPRINT 1" in _text(printouts.certificate(people["alex"], inspection_id).data)
    tag = printouts.tag(people["alex"], inspection_id, "2x1in")
    printouts.export(tag, tmp_path / "t.pdf", people["alex"])
    assert "REPRINT" not in _text(printouts.tag(people["alex"], inspection_id, "2x1in").data)
    printouts.record_printed(tag, job="office-8", printer="office", actor=people["morgan"])
    assert "REPRINT 1" in _text(printouts.tag(people["alex"], inspection_id, "2x1in").data)
    with services.ctx.db.read() as session:
        assert session.scalar(select(Certificate.print_count)) == 1
        events = list(session.execute(select(AuditEvent.action, AuditEvent.data)
                                      .where(AuditEvent.entity == "certificate")
                                      .order_by(AuditEvent.seq)))
    actions = [action for action, _ in events]
    assert actions[1:] == ["certificate.exported", "certificate.printed", "certificate.tag_exported",
                           "certificate.tag_printed"]
    assert "office-7" in str(events[2][1]) and "c.pdf" in str(events[1][1])


def test_tag_from_the_records_decodes_at_203_dpi(
    services: StationServices,
    certs: CertificateService,
    people: dict[str, Actor],
    photo_bytes: bytes,
    tmp_path: Path,
) -> None:
    inspection_id = _finish(services, people["alex"], photo_bytes, "ITEM-3", ALL_PASS)
    made = certs.tag(people["alex"], inspection_id, "62x29mm")
    [png] = render_png(made, tmp_path, 203, "tag")
    found = decode(png)
    assert certs.verify(found["QRCode"]).valid
    with services.ctx.db.read() as session:
        assert session.scalar(select(Certificate.serial)) in _text(made)
    # A phone photo of the printed tag: smaller, tilted, on a grey table, a little blurred.

    tag_image = cv2.imread(str(png))
    assert tag_image is not None
    height, width = tag_image.shape[:2]
    table = np.full((height * 3, width * 2, 3), 120, np.uint8)
    corners = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    placed = np.array(
        [[60, 90], [width + 120, 60], [width + 160, height + 130], [40, height + 170]], np.float32
    )
    warp = cv2.getPerspectiveTransform(corners, placed)
    cv2.warpPerspective(
        tag_image, warp, (table.shape[1], table.shape[0]), table, borderMode=cv2.BORDER_TRANSPARENT
    )
    photo = tmp_path / "tag-photo.jpg"
    cv2.imwrite(str(photo), cv2.GaussianBlur(table, (3, 3), 0), [cv2.IMWRITE_JPEG_QUALITY, 80])
    assert certs.verify(str(photo)).valid
    zpl = certs.tag(people["alex"], inspection_id, "4x6in", "zpl").decode()
    assert "^BQN,2," in zpl and "^XZ" in zpl
    assert found["QRCode"] == certs.qr_text(session_row(services))  # the service's QR text, not rebuilt


def session_row(services: StationServices) -> Certificate:
    with services.ctx.db.read() as session:
        row = session.scalar(select(Certificate))
        assert row is not None
        session.expunge(row)
        return row


def test_overturn_voids_and_verify_says_void(
    services: StationServices, certs: CertificateService, people: dict[str, Actor], photo_bytes: bytes
) -> None:
    inspection_id = _finish(services, people["alex"], photo_bytes, "ITEM-4", ALL_PASS)
    with services.ctx.db.read() as session:
        code = session.scalar(select(Certificate.payload))
    assert code is not None
    assert certs.verify(code).status == "valid"
    services.reviews.overturn(people["morgan"], inspection_id, "fail", "stitch count wrong on review")
    result = certs.verify(code)
    # The buyer sees a category, never the supervisor's own note.
    assert result.status == "void" and result.void_reason == "not authentic (overturned on review)"
    assert "VOID" in result.describe() and "stitch" not in result.describe()
    with pytest.raises(InvalidState):
        certs.tag(people["alex"], inspection_id, "2x1in")
    assert "Inspection report" in _text(certs.certificate_pdf(people["alex"], inspection_id))


def test_fail_gets_an_itemised_report_with_evidence(
    services: StationServices,
    certs: CertificateService,
    people: dict[str, Actor],
    photo_bytes: bytes,
    tmp_path: Path,
) -> None:

    # A photo with a blotch over the label text: the comparison flags it, the report crops it.
    image = cv2.imdecode(np.frombuffer(photo_bytes, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    cv2.rectangle(image, (300, 180), (480, 300), (0, 0, 255), -1)
    altered = cv2.imencode(".jpg", image)[1].tobytes()
    outcomes = dict(ALL_PASS, **{"box-label": "fail", "stitching": "unsure"})
    inspection_id = _finish(services, people["alex"], altered, "ITEM-5", outcomes, compare=True)
    with services.ctx.db.read() as session:
        assert session.scalar(select(Certificate)) is None
    pdf = certs.certificate_pdf(people["alex"], inspection_id)
    text = _text(pdf)
    assert "Box label" in text and "counterfeit" in text and "the font is too thin" in text
    assert "Stitching" in text and "unsure" in text
    assert "This item (flagged region)" in text and "Reference (same region)" in text
    render_png(pdf, tmp_path, 60, "report")
    (tmp_path / "report.pdf").write_bytes(pdf)


def test_serials_are_unique_across_stations(
    test_settings: object, people: dict[str, Actor], services: StationServices, photo_bytes: bytes
) -> None:
    attach(services)
    other = open_station(  # a second station: its own data folder, the same database
        test_settings.with_changes(  # type: ignore[attr-defined]
            station_name="bench-2", keys_dir=test_settings.home / "bench-2-keys"  # type: ignore[attr-defined]
        )
    )
    try:
        attach(other)
        alex_there = other.users.login("B-1", "1234")  # a login holds at its own station only
        [pending] = [k for k in services.certificates.trust.key_list() if k.state == "pending"]
        services.certificates.trust.approve(people["admin"], pending.kid)
        for number in range(3):
            _finish(services, people["alex"], photo_bytes, f"A-{number}", ALL_PASS)
            _finish(other, alex_there, photo_bytes, f"B-{number}", ALL_PASS)
    finally:
        other.close()
    with services.ctx.db.read() as session:
        serials = list(session.scalars(select(Certificate.serial)))
    assert len(serials) == len(set(serials)) == 6
    assert len({s.split("-")[0] for s in serials}) == 1  # the deployment's prefix starts every serial


def test_cli_print_verify_and_export(
    services: StationServices,
    people: dict[str, Actor],
    photo_bytes: bytes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    attach(services)
    inspection_id = _finish(services, people["alex"], photo_bytes, "ITEM-6", ALL_PASS)
    monkeypatch.setenv("INSPECTOR_CHECKLISTS_DIR", str(services.ctx.settings.checklists_dir))
    monkeypatch.setenv("INSPECTOR_ASSETS_DIR", str(services.ctx.settings.assets_dir))
    out = tmp_path / "cert.pdf"
    alex = ["--as", "B-1", "--pin", "1234"]
    assert main(["print", "certificate", str(inspection_id), "-o", str(out), *alex]) == 0
    assert main(["verify", str(out)]) == 0
    assert "VALID" in capsys.readouterr().out
    tag = tmp_path / "tag.zpl"
    zpl_args = ["--size", "2x1in", "--format", "zpl", "-o", str(tag)]
    assert main(["print", "tag", str(inspection_id), *zpl_args, *alex]) == 0
    assert tag.read_text().startswith("^XA")
    assert main(["verify", "INS1:NOTREAL"]) == 1
    services.reviews.overturn(people["morgan"], inspection_id, "fail", "wrong logo")
    capsys.readouterr()
    assert main(["verify", str(out)]) == 1
    assert "VOID" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["print", "tag", str(inspection_id), "--size", "9x9in", "-o", str(tag), *alex])
    assert main(["keys", "export", "-o", str(tmp_path / "trust.json")]) == 0
    assert '"format": "inspector-trust/1"' in (tmp_path / "trust.json").read_text()
    assert main(["print", "certificate", "999", "-o", str(out), *alex]) == 2
    assert "inspector: There is no inspection 999." in capsys.readouterr().err


def test_issuer_logo_and_badge_come_from_the_settings(
    services: StationServices, certs: CertificateService, people: dict[str, Actor], photo_bytes: bytes,
    tmp_path: Path,
) -> None:
    logo = tmp_path / "logo.png"
    cv2.imwrite(str(logo), np.full((60, 60, 3), (40, 90, 200), np.uint8))
    inspection_id = _finish(services, people["alex"], photo_bytes, "ITEM-L", ALL_PASS)
    plain = certs.certificate_pdf(people["alex"], inspection_id)
    services.ctx.settings = services.ctx.settings.with_changes(
        issuer_name="Southside Checks", issuer_logo=str(logo), authenticator_shown_as="badge")
    pdf = certs.certificate_pdf(people["alex"], inspection_id)
    text = _text(pdf)
    assert "Southside Checks" in text and "badge B-1" in text and "Alex" not in text

    def images(data: bytes) -> int:
        page = pypdfium2.PdfDocument(data)[0]
        return sum(1 for obj in page.get_objects() if obj.type == pypdfium2.raw.FPDF_PAGEOBJ_IMAGE)

    assert images(pdf) == images(plain) + 1  # the logo, in the letterhead
    # A logo that cannot be read is left out, not fatal.
    services.ctx.settings = services.ctx.settings.with_changes(issuer_logo=str(tmp_path / "missing.png"))
    assert images(certs.certificate_pdf(people["alex"], inspection_id)) == images(plain)
