"""Printing through a real print system: a CUPS server started for these tests with a cups-pdf
queue. The station's print panel sends a certificate and a tag; the PDF CUPS writes is rendered
with pdftoppm and its codes decoded with zxing-cpp; the print is recorded with the CUPS job id,
a cancelled preview and a saved file are not prints."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from PySide6.QtCore import QTimer
from sqlalchemy import select

from inspector.cli.main import main
from inspector.security.roles import Actor
from inspector.services.station import StationServices
from inspector.storage.models import AuditEvent, Certificate
from inspector.ui.print_bridge import PrintPanel
from tests import cups_server
from tests.certificates.conftest import decode, render_png
from tests.certificates.test_service import ALL_PASS, _finish

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cups() -> Iterator[cups_server.CupsServer]:
    reason = cups_server.missing()
    if reason is not None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI must print through CUPS, but there is {reason}")
        pytest.skip(reason)
    server = cups_server.start()
    yield server
    server.stop()


@pytest.fixture
def on_cups(cups: cups_server.CupsServer, monkeypatch: pytest.MonkeyPatch) -> cups_server.CupsServer:
    monkeypatch.setenv("CUPS_SERVER", str(cups.socket))  # lp and lpstat talk to the test's server
    return cups


def _panel(qtbot: Any, services: StationServices, inspection_id: int, actor: Actor) -> PrintPanel:
    panel = PrintPanel(services)
    qtbot.addWidget(panel)
    panel.reset(inspection_id, available=True, verdict="pass", actor=actor)
    return panel


def _answer(panel: PrintPanel, accept: bool) -> None:
    def answer() -> None:
        dialog = panel.preview
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(20, answer)
            return
        assert dialog.printer == cups_server.QUEUE
        (dialog.print_button.click if accept else dialog.reject)()

    QTimer.singleShot(20, answer)


def _events(services: StationServices, action: str) -> list[dict[str, Any]]:
    with services.ctx.db.read() as session:
        return [json.loads(data) if isinstance(data, str) else dict(data or {}) for data in session.scalars(
            select(AuditEvent.data).where(AuditEvent.action == action).order_by(AuditEvent.seq))]


def test_the_station_prints_a_certificate_and_a_tag_through_cups(
        qtbot: Any, services: StationServices, people: dict[str, Actor], photo_bytes: bytes,
        on_cups: cups_server.CupsServer, tmp_path: Path) -> None:
    inspection_id = _finish(services, people["alex"], photo_bytes, "ITEM-CUPS", ALL_PASS)
    panel = _panel(qtbot, services, inspection_id, people["alex"])
    with services.ctx.db.read() as session:
        row = session.scalars(select(Certificate)).one()
        session.expunge(row)
    qr_text = services.certificates.qr_text(row)

    # A cancelled preview: nothing printed, nothing recorded.
    _answer(panel, accept=False)
    panel.print_certificate.click()
    qtbot.waitUntil(lambda: panel.status_label.text() == "Not printed.", timeout=30_000)
    assert _events(services, "certificate.printed") == []

    # The certificate: Print in the preview; CUPS takes the job, cups-pdf writes the file.
    _answer(panel, accept=True)
    with qtbot.waitSignal(panel.printed, timeout=60_000) as printed:
        panel.print_certificate.click()
    job = printed.args[0]
    assert job.startswith(f"{cups_server.QUEUE}-")
    written = on_cups.printed_file(row.serial, job)
    pages = render_png(written.read_bytes(), tmp_path, 300, "cups-certificate")
    codes = [decode(page).get("QRCode") for page in pages]
    assert qr_text in codes
    assert "Authentic" in "".join(p.get_textpage().get_text_range() for p in pypdfium2.PdfDocument(written))
    [event] = _events(services, "certificate.printed")
    assert event["job"] == job and event["reprint"] == 0
    with services.ctx.db.read() as session:
        assert session.scalar(select(Certificate.print_count)) == 1

    # The tag (no label printer set: through the print queue), at the label's size.
    _answer(panel, accept=True)
    with qtbot.waitSignal(panel.tag_sent, timeout=60_000) as sent:
        panel.print_tag.click()
    tag_file = on_cups.printed_file(row.serial, sent.args[0])
    [tag_page] = render_png(tag_file.read_bytes(), tmp_path, 203, "cups-tag")
    assert decode(tag_page).get("QRCode") == qr_text
    width, height = pypdfium2.PdfDocument(tag_file)[0].get_size()
    # CUPS printed it on the label's own paper (media from the PDF), within 2% of 2x1 in.
    assert abs(width / 72 * 25.4 - 50.8) <= 0.02 * 50.8 and abs(height / 72 * 25.4 - 25.4) <= 0.02 * 25.4
    assert [e["job"] for e in _events(services, "certificate.tag_printed")] == [sent.args[0]]

    # The next print of the certificate is a reprint: it says so.
    made = services.certificates.printouts.certificate(people["alex"], inspection_id)
    assert made.reprint == 1


def test_the_command_line_prints_with_copies_and_exports_without_counting(
        services: StationServices, people: dict[str, Actor], photo_bytes: bytes,
        on_cups: cups_server.CupsServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    inspection_id = _finish(services, people["alex"], photo_bytes, "ITEM-CLI", ALL_PASS)
    monkeypatch.setenv("INSPECTOR_CHECKLISTS_DIR", str(services.ctx.settings.checklists_dir))
    monkeypatch.setenv("INSPECTOR_ASSETS_DIR", str(services.ctx.settings.assets_dir))
    exported = tmp_path / "export.pdf"
    alex = ["--as", "B-1", "--pin", "1234"]
    assert main(["print", "certificate", str(inspection_id), "-o", str(exported), *alex]) == 0
    assert _events(services, "certificate.printed") == []
    assert len(_events(services, "certificate.exported")) == 1
    capsys.readouterr()
    three = ["--size", "2x1in", "--copies", "3"]
    assert main(["print", "tag", str(inspection_id), *three, *alex, "--printer"]) == 0
    job = capsys.readouterr().out.split("job ")[-1].strip()
    with services.ctx.db.read() as session:
        serial = session.scalars(select(Certificate.serial)).one()
    printed = on_cups.printed_file(serial, job)
    assert len(pypdfium2.PdfDocument(printed)) == 3  # --copies 3: three labels
    assert [e["copies"] for e in _events(services, "certificate.tag_printed")] == [3]


def test_a_refused_job_is_one_sentence_and_no_print(
        services: StationServices, people: dict[str, Actor], photo_bytes: bytes,
        on_cups: cups_server.CupsServer) -> None:
    from inspector.printing.network import PrinterUnavailable

    inspection_id = _finish(services, people["alex"], photo_bytes, "ITEM-NOQ", ALL_PASS)
    printouts = services.certificates.printouts
    with pytest.raises(PrinterUnavailable) as caught:
        printouts.print_on_system(printouts.certificate(people["alex"], inspection_id), "no-such-queue",
                                  people["alex"])
    assert "refused" in str(caught.value) and "\n" not in str(caught.value)
    assert _events(services, "certificate.printed") == []
