"""Printing from plain documents: what a buyer reads, byte-stable PDFs, both paper sizes, photos
cropped to the subject, evidence crops and the issuer on the fail report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import cv2
import numpy as np
import pypdfium2
import pytest

from inspector.errors import BadInput
from inspector.printing.certificate_pdf import certificate_pdf
from inspector.printing.documents import (
    CertificateDocument,
    Checkpoint,
    FailedStep,
    FailReportDocument,
    Issuer,
)
from inspector.printing.evidence import evidence_crops, subject_thumbnail, thumbnail
from inspector.printing.fail_report import fail_report_pdf
from tests.certificates.conftest import decode, render_png

ISSUER = Issuer("Northside Authentication Centre", "12 Mill Lane, Leeds", "https://northside.example")
CODE = "https://verify.northside.example/v#INS1:EXAMPLE-CODE-FOR-LAYOUT"


def _photo(colour: tuple[int, int, int]) -> bytes:
    image = np.full((300, 400, 3), 230, np.uint8)
    cv2.putText(image, "MADE IN ITALY", (30, 150), cv2.FONT_HERSHEY_SIMPLEX, 1.4, (30, 30, 30), 3)
    cv2.rectangle(image, (250, 40), (330, 100), colour, -1)
    return cv2.imencode(".png", image)[1].tobytes()


def _certificate(reprint: int = 0) -> CertificateDocument:
    thumb = thumbnail(_photo((0, 120, 0)))
    return CertificateDocument(
        serial="0100000007",
        item_code="IT-7",
        brand="Testbrand",
        model="Runner",
        verdict="pass",
        issued_on=date(2026, 11, 23),
        code=CODE,
        issuer=ISSUER,
        verify_address="https://verify.northside.example/",
        style_code="TR1000-001",
        size="US 10",
        authenticator="A.A.",
        checkpoints=(
            Checkpoint("Logo", "pass", "", thumb),
            Checkpoint("Sole", "fail", "Small glue stain; cosmetic only.", thumb),
            Checkpoint("Smell", "pass"),
        ),
        reprint=reprint,
    )


def _text(pdf: bytes) -> str:
    return "\n".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(pdf))


@pytest.mark.parametrize("paper", ["a4", "letter", "A4"])
def test_certificate_is_byte_stable_and_its_qr_decodes(paper: str, tmp_path: Path) -> None:
    pdf = certificate_pdf(_certificate(), paper)
    assert pdf == certificate_pdf(_certificate(), paper)
    assert certificate_pdf(_certificate(reprint=1), paper) != pdf
    pages = render_png(pdf, tmp_path, 300, "cert")  # an office printer's resolution
    assert [decode(page).get("QRCode") for page in pages if decode(page)] == [CODE]


def test_a_buyer_reads_who_issued_it_what_it_is_and_how_to_check_it() -> None:
    text = _text(certificate_pdf(_certificate()))
    for expected in ("Northside Authentication Centre", "12 Mill Lane, Leeds", "northside.example",
                     "Authentic", "Testbrand", "Runner", "TR1000-001", "US 10", "IT-7", "23 November 2026",
                     "A.A.", "How to verify", "verify.northside.example", "0100000007",
                     "condition note", "Small glue stain; cosmetic only."):
        assert expected in text, expected
    # A passed item never shows "fail"; no key ids, no command lines, no database ids.
    lowered = text.lower()
    assert "fail" not in lowered and "key id" not in lowered and "inspector verify" not in lowered
    assert "REPRINT" not in text and "REPRINT 2" in _text(certificate_pdf(_certificate(reprint=2)))


def test_copies_are_pages(tmp_path: Path) -> None:
    one = pypdfium2.PdfDocument(certificate_pdf(_certificate()))
    three = pypdfium2.PdfDocument(certificate_pdf(_certificate(), copies=3))
    assert len(three) == 3 * len(one)
    with pytest.raises(BadInput):
        certificate_pdf(_certificate(), copies=0)


def test_unknown_paper_is_one_sentence() -> None:
    with pytest.raises(BadInput, match="A4 or Letter"):
        certificate_pdf(_certificate(), "a3")


def _bench_photo() -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A grey bench, a soft shadow, and a label (the subject) at a known place."""
    rng = np.random.default_rng(3)
    image = np.full((1500, 2000, 3), (196, 199, 201), np.uint8)
    image = cv2.add(image, rng.normal(0, 2, image.shape).astype(np.int8), dtype=cv2.CV_8U)
    x, y, w, h = 700, 420, 640, 480
    cv2.rectangle(image, (x, y), (x + w, y + h), (245, 245, 240), -1)
    cv2.putText(image, "STYLE 555088-134", (x + 40, y + 200), cv2.FONT_HERSHEY_SIMPLEX, 2, (20, 20, 20), 5)
    return image, (x, y, w, h)


def test_checkpoint_photo_is_cropped_to_the_subject_on_a_plain_background() -> None:
    image, (_x, _y, w, h) = _bench_photo()
    crop = subject_thumbnail(cv2.imencode(".jpg", image)[1].tobytes())
    assert crop is not None
    shown = cv2.imdecode(np.frombuffer(crop, np.uint8), cv2.IMREAD_COLOR)
    # The subject fills the crop (a 6% margin each side), at the subject's aspect ratio.
    assert abs(shown.shape[1] / shown.shape[0] - w / h) < 0.08
    assert max(shown.shape[:2]) <= 640
    assert shown[shown.shape[0] // 2, shown.shape[1] // 2].mean() > 200  # the white label, not the bench


def test_checkpoint_photo_is_cropped_to_the_aligned_reference_when_compared() -> None:
    image, _label = _bench_photo()
    # The comparison aligned a 900x300 region (not the label) onto a 300x100 reference: that is cropped.
    x, y, w, h = 200, 1000, 900, 300
    source = np.float32([[x, y], [x + w, y], [x + w, y + h], [x, y + h]])
    target = np.float32([[0, 0], [300, 0], [300, 100], [0, 100]])
    homography = cv2.getPerspectiveTransform(source, target).tolist()
    crop = subject_thumbnail(cv2.imencode(".jpg", image)[1].tobytes(), homography, (300, 100))
    assert crop is not None
    shown = cv2.imdecode(np.frombuffer(crop, np.uint8), cv2.IMREAD_COLOR)
    assert abs(shown.shape[1] / shown.shape[0] - 3.0) < 0.05
    assert shown.mean() < 205  # the grey bench region, not the white label


def test_evidence_crop_shows_the_difference_at_the_same_place() -> None:
    made = evidence_crops(_photo((0, 0, 220)), _photo((0, 120, 0)), (250, 40, 80, 60), None, 0.1)
    assert made is not None and made.reference_crop is not None
    photo = cv2.imdecode(np.frombuffer(made.photo_crop, np.uint8), cv2.IMREAD_COLOR)
    reference = cv2.imdecode(np.frombuffer(made.reference_crop, np.uint8), cv2.IMREAD_COLOR)
    assert photo is not None and reference is not None
    assert photo.shape == reference.shape
    centre = (photo.shape[0] // 2, photo.shape[1] // 2)
    assert photo[centre][2] > 150 and reference[centre][1] > 90  # red in the photo, green in the reference


def test_fail_report_names_the_issuer_and_lists_each_step_with_evidence(tmp_path: Path) -> None:
    made = evidence_crops(_photo((0, 0, 220)), _photo((0, 120, 0)), (250, 40, 80, 60), None, 0.1)
    assert made is not None
    doc = FailReportDocument(
        inspection_id=9,
        item_code="IT-9",
        brand="Testbrand",
        model="Runner",
        verdict="fail",
        finished_on=date(2026, 11, 23),
        station="bench-1",
        authenticator_id=4,
        steps=(
            FailedStep("Logo", "fail", "counterfeit", "patch colour is wrong", (made,)),
            FailedStep("Stitching", "unsure", "inconclusive", "blurry"),
        ),
        issuer=ISSUER,
    )
    pdf = fail_report_pdf(doc)
    assert pdf == fail_report_pdf(doc)
    text = _text(pdf)
    for expected in ("Northside Authentication Centre", "12 Mill Lane, Leeds", "Logo", "counterfeit",
                     "patch colour is wrong", "Stitching", "blurry", "0.10"):
        assert expected in text
    assert render_png(pdf, tmp_path, 50, "report")
