"""Appeals (reopened for someone new, upheld or reversed, audited) and the seller's fail report:
every deciding reason, and evidence crops a person can read."""

from __future__ import annotations

import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest
from sqlalchemy import select

from inspector.errors import BadInput, InvalidState, PermissionDenied
from inspector.printing.evidence import evidence_crops
from inspector.security.roles import Actor, Role
from inspector.services.integrity import verify_integrity
from inspector.services.station import StationServices
from inspector.storage.models import AuditEvent, Certificate, Inspection
from inspector.untrusted import MAX_JPEG_SEGMENTS
from tests.desk.conftest import ONE_FAIL, UNSURE, Finisher


def _valid_certificates(services: StationServices, inspection_id: int) -> list[str]:
    with services.ctx.db.read() as session:
        return list(session.scalars(select(Certificate.serial).where(
            Certificate.inspection_id == inspection_id, Certificate.voided_at.is_(None))))


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def sam(services: StationServices, people: dict[str, Actor]) -> Actor:
    services.users.create_user(people["admin"], "Sam Supervisor", "4567", Role.SUPERVISOR, "B-3")
    return services.users.login("B-3", "4567")


def test_an_appeal_is_decided_by_someone_new_and_a_reversal_issues_a_certificate(
        services: StationServices, people: dict[str, Actor], finished: Finisher, sam: Actor,
        photo_bytes: bytes) -> None:
    morgan, ada = people["morgan"], people["admin"]
    failed = finished("AP-1", ONE_FAIL, actor=sam)  # Sam inspected it
    services.reviews.review(morgan, failed, "fail", "the box label font is wrong")  # Morgan reviewed it
    appeal = services.appeals.open(morgan, failed, "Bought at the brand's store; receipt attached",
                                   [photo_bytes])
    assert appeal.status == "open" and appeal.verdict_appealed == "fail" and len(appeal.photos) == 1
    assert services.ctx.photos.read(appeal.photos[0]) == photo_bytes
    assert [a.id for a in services.appeals.waiting(ada)] == [appeal.id]
    for outsider, why in ((sam, "recorded part"), (morgan, "reviewed")):
        with pytest.raises(PermissionDenied, match=why):
            services.appeals.decide(outsider, appeal.id, "reversed", "looks fine to me")
        with pytest.raises(PermissionDenied, match=why):
            services.appeals.case(outsider, appeal.id)
    assert services.appeals.case(ada, appeal.id).detail.inspection.id == failed
    with pytest.raises(BadInput, match="needs a reason"):
        services.appeals.decide(ada, appeal.id, "reversed", " ")
    decided = services.appeals.decide(ada, appeal.id, "reversed", "the receipt's batch matches the label")
    assert (decided.status, decided.decided_by) == ("reversed", "Ada")
    with services.ctx.db.read() as session:
        row = session.get(Inspection, failed)
        assert row is not None and row.verdict == "pass" and row.first_verdict == "fail"
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))
    assert _valid_certificates(services, failed)
    opened, reversed_ = actions.index("appeal.opened"), actions.index("appeal.reversed")
    assert opened < reversed_ < len(actions) - 1 - actions[::-1].index("certificate.issued")
    with pytest.raises(InvalidState, match="reversed already"):
        services.appeals.decide(ada, appeal.id, "upheld", "second thoughts")
    report = verify_integrity(services.ctx)  # the log explains the verdict the appeal changed
    assert report.ok, report.lines()


def test_what_cannot_be_appealed_and_a_hostile_photo(
        services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    morgan = people["morgan"]
    passed = finished("AP-2")
    with pytest.raises(InvalidState, match="Only a failed or inconclusive"):
        services.appeals.open(morgan, passed, "why not")
    unsure = finished("AP-3", UNSURE)
    with pytest.raises(BadInput, match="seller's reason"):
        services.appeals.open(morgan, unsure, "  ")
    stuffed = b"\xff\xd8" + b"\xff\xe1\x00\x04ab" * (MAX_JPEG_SEGMENTS + 1) + b"\xff\xd9"  # metadata bomb
    for hostile in (b"not an image at all", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, stuffed):
        with pytest.raises(BadInput, match="Appeal photo 1"):
            services.appeals.open(morgan, unsure, "genuine", [hostile])
    services.appeals.open(morgan, unsure, "genuine")
    with pytest.raises(InvalidState, match="open appeal already"):
        services.appeals.open(morgan, unsure, "genuine, again")
    with pytest.raises(PermissionDenied):
        services.appeals.open(people["alex"], unsure, "I appeal my own")


def test_the_fail_report_names_every_deciding_reason(
        services: StationServices, people: dict[str, Actor], finished: Finisher, tmp_path: Path) -> None:
    morgan, ada = people["morgan"], people["admin"]
    passed = finished("FR-1")
    services.reviews.overturn(morgan, passed, "fail", "Heel logo stitching is too sparse")
    appeal = services.appeals.open(morgan, passed, "It is genuine")
    services.appeals.decide(ada, appeal.id, "upheld", "Stitch density 6 per cm, genuine pairs have 9")
    text = " ".join(_pdf_text(services.certificates.certificate_pdf(morgan, passed), tmp_path).split())
    assert "Heel logo stitching is too sparse" in text
    assert "changed the verdict from pass to fail" in text
    assert "Appeal upheld" in text and "genuine pairs have 9" in text
    assert "as a whole" not in text  # was: "No single step failed; ... the inspection as a whole"
    failed = finished("FR-2", ONE_FAIL)
    text = " ".join(_pdf_text(services.certificates.certificate_pdf(morgan, failed), tmp_path).split())
    assert "Box label" in text and "counterfeit" in text and "looks wrong" in text


def test_evidence_crops_are_readable_even_for_a_thin_flagged_strip() -> None:
    rng = np.random.default_rng(7)
    reference = rng.integers(0, 255, (600, 800, 3), dtype=np.uint8)
    ok, encoded = cv2.imencode(".png", reference)
    assert ok
    data = encoded.tobytes()
    for region in ((100, 50, 400, 12), (700, 10, 29, 580), (0, 0, 8, 8), (760, 560, 40, 40)):
        made = evidence_crops(data, data, region, None, 0.3)
        assert made is not None and made.reference_crop is not None
        photo = cv2.imdecode(np.frombuffer(made.photo_crop, np.uint8), cv2.IMREAD_COLOR)
        ref = cv2.imdecode(np.frombuffer(made.reference_crop, np.uint8), cv2.IMREAD_COLOR)
        assert photo.shape == ref.shape, region  # the same region of both, side by side
        assert min(photo.shape[:2]) >= 200 and max(photo.shape[:2]) <= 2 * min(photo.shape[:2]), region
        # The same image on both sides: the crops differ only where the two outlines are drawn.
        differs = np.any(photo != ref, axis=2).mean()
        assert differs < 0.1, (region, differs)


def test_the_command_line_opens_and_decides_an_appeal(
        services: StationServices, people: dict[str, Actor], finished: Finisher, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from inspector.cli.main import main

    failed = finished("APC-1", ONE_FAIL)
    settings = services.ctx.settings
    for name, value in (("DATABASE_URL", settings.database_url), ("PHOTO_DIR", settings.photo_dir),
                        ("CHECKLISTS_DIR", settings.checklists_dir), ("ASSETS_DIR", settings.assets_dir)):
        monkeypatch.setenv(f"INSPECTOR_{name}", str(value))
    (tmp_path / "bad.jpg").write_bytes(b"GIF89a not a jpeg")
    morgan, ada = ["--as", "B-2", "--pin", "3456"], ["--as", "B-9", "--pin", "9999"]
    assert main(["appeal", "open", str(failed), "--reason", "genuine", "--photo", str(tmp_path / "bad.jpg"),
                 *morgan]) == 2
    assert "Appeal photo 1" in capsys.readouterr().err
    assert main(["appeal", "open", str(failed), "--reason", "genuine", *morgan]) == 0
    assert "is open" in capsys.readouterr().out
    assert main(["appeal", "list", *ada]) == 0
    [line] = capsys.readouterr().out.splitlines()
    appeal_id = line.split()[0]
    assert main(["appeal", "decide", appeal_id, "reversed", "--reason", "receipt checks out", *ada]) == 0
    assert "reversed" in capsys.readouterr().out
    assert _valid_certificates(services, failed)
