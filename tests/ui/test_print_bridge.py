"""Printing from the finish screen: the PDF is made and rendered off the GUI thread, then painted."""

from __future__ import annotations

import io
import threading

import pytest
from PySide6.QtGui import QImage, QPageSize
from PySide6.QtPrintSupport import QPrinter

from inspector.ui import print_bridge
from inspector.ui.print_bridge import PrintPanel, paint_pages, render_pages


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


def test_pdf_is_made_and_rendered_off_the_gui_thread(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[threading.Thread] = []

    def make(_inspection_id: int, _kind: str, _actor_id: int | None) -> bytes:
        threads.append(threading.current_thread())
        return small_pdf()

    monkeypatch.setattr(print_bridge, "certificate_pdf_maker", lambda _services: make)
    panel = PrintPanel(services=None)  # type: ignore[arg-type]
    qtbot.addWidget(panel)
    shown: list[tuple[str, list[QImage]]] = []
    panel._preview = lambda kind, _pdf, pages: shown.append((kind, pages))  # type: ignore[method-assign]
    panel.reset(7, available=True)
    assert panel.isVisibleTo(panel.parentWidget() or panel)
    panel.print_certificate.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert threads and threads[0] is not threading.main_thread()
    kind, pages = shown[0]
    assert kind == "certificate" and len(pages) == 2 and not pages[0].isNull()


def test_rendered_pages_paint_into_a_pdf_printer(tmp_path) -> None:
    pages = render_pages(small_pdf(), dpi=100)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A6))
    target = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(target))
    paint_pages(printer, pages)
    assert target.read_bytes().startswith(b"%PDF") and target.stat().st_size > 1000


def test_without_certificates_the_panel_stays_hidden(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(print_bridge, "certificate_pdf_maker", lambda _services: None)
    panel = PrintPanel(services=None)  # type: ignore[arg-type]
    qtbot.addWidget(panel)
    panel.reset(7, available=True)
    assert panel.isHidden()
