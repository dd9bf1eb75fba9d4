"""Printing from the finish screen: documents made and rendered off the GUI thread; a cancelled
preview prints and records nothing; Print hands the job to the print system; Save is an export."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from inspector.services.printouts import Printout
from inspector.ui import print_bridge
from inspector.ui.print_bridge import PrintPanel, render_pages


def small_pdf() -> bytes:
    from reportlab.lib.pagesizes import A6
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A6, invariant=1)
    canvas.drawString(40, 300, "Certificate of authenticity")
    canvas.showPage()
    canvas.drawString(40, 300, "page two")
    canvas.save()
    return out.getvalue()


class FakePrintouts:
    """Stands in for services/printouts.py: keeps what the panel asked for and on which thread."""

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []
        self.printed: list[tuple[Printout, str]] = []
        self.exported: list[Path] = []
        self.made_copies: list[int] = []

    def certificate(self, inspection_id: int, paper: str = "a4", copies: int = 1) -> Printout:
        self.threads.append(threading.current_thread())
        self.made_copies.append(copies)
        return Printout(inspection_id, "certificate", small_pdf(), serial="0100000001", copies=copies)

    def print_on_system(self, printout: Printout, printer: str = "", actor_id: int | None = None) -> str:
        self.threads.append(threading.current_thread())
        self.printed.append((printout, printer))
        return f"{printer}-17"

    def export(self, printout: Printout, path: Path, actor_id: int | None = None) -> Path:
        self.exported.append(path)
        return path


@pytest.fixture
def panel(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[PrintPanel, FakePrintouts]:
    fake = FakePrintouts()
    monkeypatch.setattr(print_bridge, "printouts_of", lambda _services: fake)
    monkeypatch.setattr(print_bridge.cups, "printers", lambda: ["office", "front-desk"])

    class Services:  # only the settings the panel reads
        class ctx:
            class settings:
                printer = "front-desk"
                label_printer = ""

    made = PrintPanel(services=Services())  # type: ignore[arg-type]
    qtbot.addWidget(made)
    made.reset(7, available=True)
    return made, fake


def _answer_preview(panel: PrintPanel, accept: bool, copies: int = 1) -> None:
    """When the modal preview opens, press Print (with the copies) or Cancel."""

    def answer() -> None:
        dialog = panel.preview
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(20, answer)
            return
        assert dialog.printer == "front-desk"  # the station's printer is preselected
        dialog.copies_spin.setValue(copies)
        (dialog.print_button.click if accept else dialog.reject)()

    QTimer.singleShot(20, answer)


def test_cancelled_preview_prints_and_records_nothing(
        qtbot: Any, panel: tuple[PrintPanel, FakePrintouts]) -> None:
    widget, fake = panel
    _answer_preview(widget, accept=False)
    widget.print_certificate.click()
    qtbot.waitUntil(lambda: widget.status_label.text() == "Not printed.", timeout=20_000)
    assert fake.printed == [] and fake.exported == []
    assert fake.threads and all(t is not threading.main_thread() for t in fake.threads)


def test_print_in_the_preview_sends_the_job_and_shows_its_id(
        qtbot: Any, panel: tuple[PrintPanel, FakePrintouts]) -> None:
    widget, fake = panel
    _answer_preview(widget, accept=True)
    with qtbot.waitSignal(widget.printed, timeout=20_000) as signal:
        widget.print_certificate.click()
    assert signal.args == ["front-desk-17"]
    [(printout, printer)] = fake.printed
    assert printer == "front-desk" and printout.kind == "certificate"
    assert "job front-desk-17" in widget.status_label.text()
    assert all(t is not threading.main_thread() for t in fake.threads)


def test_copies_chosen_in_the_preview_are_printed(
        qtbot: Any, panel: tuple[PrintPanel, FakePrintouts]) -> None:
    widget, fake = panel
    _answer_preview(widget, accept=True, copies=3)
    with qtbot.waitSignal(widget.printed, timeout=20_000):
        widget.print_certificate.click()
    [(printout, _printer)] = fake.printed
    assert printout.copies == 3 and fake.made_copies == [1, 3]


def test_saving_a_pdf_is_an_export(qtbot: Any, panel: tuple[PrintPanel, FakePrintouts],
                                   monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    widget, fake = panel
    target = tmp_path / "c.pdf"
    monkeypatch.setattr(print_bridge.QFileDialog, "getSaveFileName",
                        lambda *_args, **_kw: (str(target), "PDF (*.pdf)"))
    widget.save_pdf.click()
    qtbot.waitUntil(lambda: bool(fake.exported), timeout=20_000)
    assert fake.exported == [target] and fake.printed == []


def test_rendered_pages_are_images() -> None:
    pages = render_pages(small_pdf(), dpi=100)
    assert len(pages) == 2 and not pages[0].isNull() and abs(pages[0].width() - 105 / 25.4 * 100) <= 1


def test_without_certificates_the_panel_stays_hidden(qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(print_bridge, "printouts_of", lambda _services: None)
    widget = PrintPanel(services=None)  # type: ignore[arg-type]
    qtbot.addWidget(widget)
    widget.reset(7, available=True)
    assert widget.isHidden()
    assert QApplication.instance() is not None
