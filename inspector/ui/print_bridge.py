"""Certificates and tags from the finish screen: print through Qt's dialog with preview, or save a PDF.

The PDFs come from the certificates service (built separately); this module only renders the
pages (off the GUI thread) and hands them to the printer. Without that service the finish
screen shows the verdict only.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QPushButton, QWidget

from inspector.services.station import StationServices
from inspector.ui.jobs import run_in_background
from inspector.ui.widgets import show_error

PRINT_DPI = 300


def certificate_pdf_maker(services: StationServices) -> Callable[[int, str], bytes] | None:
    """(inspection id, "certificate"|"tag") -> PDF bytes, or None when certificates are not built."""
    try:
        module = importlib.import_module("inspector.services.certificates")
    except ImportError:
        return None
    service = getattr(services, "certificates", None)
    if service is None and hasattr(module, "CertificateService"):
        service = module.CertificateService(services.ctx)
    for kind_method in ("render_pdf", "pdf"):
        if service is not None and hasattr(service, kind_method):
            method = getattr(service, kind_method)
            return lambda inspection_id, kind: method(inspection_id, kind)
    if service is not None and hasattr(service, "certificate_pdf"):
        return lambda inspection_id, kind: (service.certificate_pdf(inspection_id) if kind == "certificate"
                                            else service.tag_pdf(inspection_id))
    return None


def render_pages(pdf: bytes, dpi: int = PRINT_DPI) -> list[QImage]:
    """PDF pages as images for the printer; runs on a worker thread (QImage is thread-safe)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    pages = []
    for page in document:
        bitmap = page.render(scale=dpi / 72).to_pil().convert("RGB")
        data = bitmap.tobytes()
        pages.append(QImage(data, bitmap.width, bitmap.height, bitmap.width * 3,
                            QImage.Format.Format_RGB888).copy())
    return pages


def paint_pages(printer: QPrinter, pages: list[QImage]) -> None:
    painter = QPainter(printer)
    try:
        for number, image in enumerate(pages):
            if number:
                printer.newPage()
            target = painter.viewport()
            size = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.setViewport(QRect(target.x(), target.y(), size.width(), size.height()))
            painter.setWindow(image.rect())
            painter.drawImage(0, 0, image)
            painter.setViewport(target)
    finally:
        painter.end()


class PrintPanel(QWidget):
    """Print certificate / print tag / save PDF; hidden when the certificates service is absent."""

    def __init__(self, services: StationServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._inspection_id: int | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.print_certificate = QPushButton("Print certificate…")
        self.print_tag = QPushButton("Print tag…")
        self.save_pdf = QPushButton("Save certificate PDF…")
        self.print_certificate.clicked.connect(lambda: self._make("certificate", self._preview))
        self.print_tag.clicked.connect(lambda: self._make("tag", self._preview))
        self.save_pdf.clicked.connect(lambda: self._make("certificate", self._save))
        for button in (self.print_certificate, self.print_tag, self.save_pdf):
            row.addWidget(button)
        row.addStretch(1)
        self.hide()

    def reset(self, inspection_id: int, *, available: bool) -> None:
        self._inspection_id = inspection_id
        self.setVisible(available and certificate_pdf_maker(self._services) is not None)

    def _make(self, kind: str, then: Callable[[str, bytes, list[QImage]], None]) -> None:
        maker = certificate_pdf_maker(self._services)
        if maker is None or self._inspection_id is None:
            return
        inspection_id = self._inspection_id

        def work() -> tuple[bytes, list[QImage]]:
            pdf = maker(inspection_id, kind)
            return pdf, render_pages(pdf) if then == self._preview else []

        run_in_background(work, lambda made: then(kind, *made), lambda exc: show_error(self, exc))

    def _preview(self, kind: str, _pdf: bytes, pages: list[QImage]) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        name = self._services.ctx.settings.printer
        if name:
            printer.setPrinterName(name)
        dialog = QPrintPreviewDialog(printer, self)
        dialog.setWindowTitle(f"Print {kind}")
        dialog.paintRequested.connect(lambda p: paint_pages(p, pages))
        dialog.exec()

    def _save(self, kind: str, pdf: bytes, _pages: list[QImage]) -> None:
        suggested = str(Path.home() / f"{kind}-{self._inspection_id}.pdf")
        path, _ = QFileDialog.getSaveFileName(self, f"Save {kind}", suggested, "PDF (*.pdf)")
        if not path:
            return
        try:
            Path(path).write_bytes(pdf)
        except OSError as exc:
            show_error(self, exc)


