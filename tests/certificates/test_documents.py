"""Printing from plain documents: byte-stable PDFs, both paper sizes, evidence crops in the fail report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import cv2
import numpy as np
import pytest

from inspector.errors import BadInput
from inspector.printing.certificate_pdf import certificate_pdf
from inspector.printing.documents import CertificateDocument, Checkpoint, FailedStep, FailReportDocument
from inspector.printing.evidence import evidence_crops, thumbnail
from inspector.printing.fail_report import fail_report_pdf
from tests.certificates.conftest import decode, render_png


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
        station="bench-1",
        authenticator_id=4,
        key_id="00" * 8,
        code="INS1:EXAMPLE CODE FOR LAYOUT",
        checkpoints=(Checkpoint("Logo", "pass", "", thumb), Checkpoint("Smell", "pass")),
        reprint=reprint,
    )


@pytest.mark.parametrize("paper", ["a4", "letter", "A4"])
def test_certificate_is_byte_stable_and_its_qr_decodes(paper: str, tmp_path: Path) -> None:
    pdf = certificate_pdf(_certificate(), paper)
    assert pdf == certificate_pdf(_certificate(), paper)
    assert certificate_pdf(_certificate(reprint=1), paper) != pdf
    [page] = render_png(pdf, tmp_path, 100, "cert")
    assert decode(page)["QRCode"] == "INS1:EXAMPLE CODE FOR LAYOUT"


def test_unknown_paper_is_one_sentence() -> None:
    with pytest.raises(BadInput, match="A4 or Letter"):
        certificate_pdf(_certificate(), "a3")


def test_evidence_crop_shows_the_difference_at_the_same_place() -> None:
    made = evidence_crops(_photo((0, 0, 220)), _photo((0, 120, 0)), (250, 40, 80, 60), None, 0.1)
    assert made is not None and made.reference_crop is not None
    photo = cv2.imdecode(np.frombuffer(made.photo_crop, np.uint8), cv2.IMREAD_COLOR)
    reference = cv2.imdecode(np.frombuffer(made.reference_crop, np.uint8), cv2.IMREAD_COLOR)
    assert photo is not None and reference is not None
    assert photo.shape == reference.shape
    centre = (photo.shape[0] // 2, photo.shape[1] // 2)
    assert photo[centre][2] > 150 and reference[centre][1] > 90  # red in the photo, green in the reference


def test_fail_report_lists_each_step_with_evidence(tmp_path: Path) -> None:
    import pypdfium2

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
    )
    pdf = fail_report_pdf(doc)
    assert pdf == fail_report_pdf(doc)
    text = pypdfium2.PdfDocument(pdf)[0].get_textpage().get_text_range()
    for expected in ("Logo", "counterfeit", "patch colour is wrong", "Stitching", "blurry", "0.10"):
        assert expected in text
    assert render_png(pdf, tmp_path, 50, "report")
