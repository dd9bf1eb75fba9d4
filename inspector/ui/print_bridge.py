"""Certificates and tags from the finish screen: print through Qt's dialog with preview, save a PDF,
or send a tag as ZPL straight to a network label printer (the station's `label_printer`).

The PDFs come from the certificates service (built separately); this module only renders the
pages (off the GUI thread) and hands them to the printer. Without that service the finish
screen shows the verdict only.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRect, QSizeF, Qt, Signal
from PySide6.QtGui import QImage, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo, QPrintPreviewDialog
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QWidget

from inspector.services.station import StationServices
from inspector.ui.jobs import run_in_background
from inspector.ui.widgets import show_error

PRINT_DPI = 300


def certificate_pdf_maker(services: StationServices) -> Callable[[int, str, int | None], bytes] | None:
    """(inspection id, "certificate"|"tag", actor id) -> PDF bytes; None without the certificates module.

    "certificate" gives a pass its certificate and a fail its fail report; "tag" is at the station's
    label size. Each print is an audit event of the certificates service.
    """
    service = getattr(services, "certificates", None)
    if service is None:
        try:
            from inspector.services.certificates import CertificateService
        except ImportError:
            return None
        service = CertificateService(services.ctx)

    def make(inspection_id: int, kind: str, actor_id: int | None) -> bytes:
        if kind == "tag":
            size = services.ctx.settings.label_size or "2x1in"
            return bytes(service.tag(inspection_id, size, "pdf", actor_id=actor_id))
        return bytes(service.certificate_pdf(inspection_id, actor_id=actor_id))

    return make


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

    tag_sent = Signal(str)  # where the ZPL went, "host:port"

    def __init__(self, services: StationServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._inspection_id: int | None = None
        self._actor_id: int | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.print_certificate = QPushButton("Print certificate…")
        self.print_tag = QPushButton("Print tag…")
        self.save_pdf = QPushButton("Save certificate PDF…")
        self.print_certificate.clicked.connect(lambda: self._make("certificate", self._preview))
        self.print_tag.clicked.connect(lambda: self.print_tag_now(interactive=True))
        self.save_pdf.clicked.connect(lambda: self._make("certificate", self._save))
        for button in (self.print_certificate, self.print_tag, self.save_pdf):
            row.addWidget(button)
        self.status_label = QLabel()
        row.addWidget(self.status_label, 1)
        self.hide()

    def reset(self, inspection_id: int, *, available: bool, verdict: str | None = "pass",
              actor_id: int | None = None) -> None:
        """A pass prints its certificate and tag; a fail its fail report; an escalated item nothing yet."""
        self._inspection_id = inspection_id
        self._actor_id = actor_id
        passed = verdict == "pass"
        self.print_certificate.setText("Print certificate…" if passed else "Print fail report…")
        self.save_pdf.setText("Save certificate PDF…" if passed else "Save fail report PDF…")
        self.print_tag.setVisible(passed)
        self.status_label.clear()
        self.setVisible(available and verdict in ("pass", "fail")
                        and certificate_pdf_maker(self._services) is not None)

    def print_tag_now(self, *, interactive: bool) -> None:
        """The tag: as ZPL to the label printer when one is set, else through the system printer
        (with the preview dialog when a person asked, straight to the printer when automatic)."""
        if self._inspection_id is None:
            return
        settings = self._services.ctx.settings
        if settings.label_printer:
            service = self._services.certificates
            inspection_id, actor_id, address = self._inspection_id, self._actor_id, settings.label_printer
            self.status_label.setText(f"Sending the tag to {address}…")
            run_in_background(lambda: service.send_tag(inspection_id, address, actor_id=actor_id),
                              self._on_tag_sent, self._on_tag_failed)
        elif interactive:
            self._make("tag", self._preview)
        elif QPrinterInfo.availablePrinterNames():
            self._make("tag", self._print_directly)
        else:
            self.status_label.setText("No printer is set up: print the tag with Print tag….")

    def _on_tag_sent(self, where: str) -> None:
        self.status_label.setText(f"Tag sent to {where}.")
        self.tag_sent.emit(where)

    def _on_tag_failed(self, exc: BaseException) -> None:
        self.status_label.setText("The tag was not printed.")
        show_error(self, exc)

    def _make(self, kind: str, then: Callable[[str, bytes, list[QImage]], None]) -> None:
        maker = certificate_pdf_maker(self._services)
        if maker is None or self._inspection_id is None:
            return
        inspection_id, actor_id = self._inspection_id, self._actor_id

        def work() -> tuple[bytes, list[QImage]]:
            pdf = maker(inspection_id, kind, actor_id)
            return pdf, render_pages(pdf) if then != self._save else []

        run_in_background(work, lambda made: then(kind, *made), lambda exc: show_error(self, exc))

    def _printer_for(self, kind: str, pages: list[QImage]) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        name = self._services.ctx.settings.printer
        if name:
            printer.setPrinterName(name)
        if pages:  # the document's own paper: A4 for a certificate, the label for a tag
            first = pages[0]
            points = QSizeF(first.width() * 72 / PRINT_DPI, first.height() * 72 / PRINT_DPI)
            printer.setPageSize(QPageSize(points, QPageSize.Unit.Point, kind))
            printer.setFullPage(kind == "tag")
        return printer

    def _preview(self, kind: str, _pdf: bytes, pages: list[QImage]) -> None:
        printer = self._printer_for(kind, pages)
        dialog = QPrintPreviewDialog(printer, self)
        dialog.setWindowTitle(f"Print {kind}")
        dialog.paintRequested.connect(lambda p: paint_pages(p, pages))
        dialog.exec()

    def _print_directly(self, kind: str, _pdf: bytes, pages: list[QImage]) -> None:
        printer = self._printer_for(kind, pages)
        paint_pages(printer, pages)
        self.status_label.setText(f"{kind.capitalize()} sent to {printer.printerName() or 'the printer'}.")

    def _save(self, kind: str, pdf: bytes, _pages: list[QImage]) -> None:
        suggested = str(Path.home() / f"{kind}-{self._inspection_id}.pdf")
        path, _ = QFileDialog.getSaveFileName(self, f"Save {kind}", suggested, "PDF (*.pdf)")
        if not path:
            return
        try:
            Path(path).write_bytes(pdf)
        except OSError as exc:
            show_error(self, exc)


