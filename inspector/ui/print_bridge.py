"""Certificates and tags from the finish screen: preview and print through the system's print queue
(CUPS), save a PDF, or send a tag straight to the station's label printer (Zebra ZPL or Brother QL).

Documents are made and printed off the GUI thread by services/printouts.py. A print is recorded
once the print system accepted it (CUPS job id, label printer took the bytes); a saved PDF is an
export; a cancelled preview is nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialog, QFileDialog, QHBoxLayout, QLabel, QPushButton, QWidget

from inspector.printing import cups
from inspector.security.roles import Actor
from inspector.services.station import StationServices
from inspector.ui.background import run_in_background
from inspector.ui.print_preview import PrintPreviewDialog
from inspector.ui.widgets import show_error

PREVIEW_DPI = 110


def printouts_of(services: StationServices) -> Any:
    """The station's Printouts (services/printouts.py), or None without the certificates service."""
    service = getattr(services, "certificates", None)
    return None if service is None else service.printouts


def render_pages(pdf: bytes, dpi: int = PREVIEW_DPI) -> list[QImage]:
    """PDF pages as images for the preview; runs on a worker thread (QImage is thread-safe)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    pages = []
    try:
        for page in document:
            bitmap = page.render(scale=dpi / 72).to_pil().convert("RGB")
            data = bitmap.tobytes()
            pages.append(QImage(data, bitmap.width, bitmap.height, bitmap.width * 3,
                                QImage.Format.Format_RGB888).copy())
    finally:
        document.close()
    return pages


class PrintPanel(QWidget):
    """Print certificate / print tag / save PDF; hidden when the certificates service is absent."""

    tag_sent = Signal(str)  # where the tag went: "host:port", a Brother QL address or a CUPS job id
    printed = Signal(str)  # the CUPS job id of a printed certificate or tag

    def __init__(self, services: StationServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._inspection_id: int | None = None
        self._actor: Actor | None = None  # the logged-in user: the services check their session
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
        self.preview: PrintPreviewDialog | None = None  # the open preview, for tests
        self.hide()

    def reset(self, inspection_id: int, *, available: bool, verdict: str | None = "pass",
              actor: Actor | None = None) -> None:
        """A pass prints its certificate and tag; a fail its fail report; an escalated item nothing yet."""
        self._inspection_id = inspection_id
        self._actor = actor
        passed = verdict == "pass"
        self.print_certificate.setText("Print certificate…" if passed else "Print fail report…")
        self.save_pdf.setText("Save certificate PDF…" if passed else "Save fail report PDF…")
        self.print_tag.setVisible(passed)
        self.status_label.clear()
        self.setVisible(available and verdict in ("pass", "fail")
                        and printouts_of(self._services) is not None)

    def print_tag_now(self, *, interactive: bool) -> None:
        """The tag: to the label printer when one is set, else through the system print queue (with
        the preview when a person asked, straight to the default printer when automatic)."""
        if self._inspection_id is None:
            return
        settings = self._services.ctx.settings
        if settings.label_printer:
            printouts = printouts_of(self._services)
            inspection_id, actor, address = self._inspection_id, self._actor, settings.label_printer
            fmt = "ql" if settings.label_language == "brother-ql" else "zpl"
            self.status_label.setText(f"Sending the tag to {address}…")
            run_in_background(
                lambda: printouts.send_to_label_printer(printouts.tag(actor, inspection_id, None, fmt),
                                                        address, actor),
                on_result=self._on_tag_sent, on_error=self._on_tag_failed)
        elif interactive:
            self._make("tag", self._preview)
        else:
            self._make("tag", self._print_directly)

    def _on_tag_sent(self, where: str) -> None:
        self.status_label.setText(f"Tag sent to {where}.")
        self.tag_sent.emit(where)

    def _on_tag_failed(self, exc: BaseException) -> None:
        self.status_label.setText("The tag was not printed.")
        show_error(self, exc)

    def _make(self, kind: str, then: Callable[[Any, list[QImage], list[str]], None]) -> None:
        printouts = printouts_of(self._services)
        if printouts is None or self._inspection_id is None:
            return
        inspection_id, actor = self._inspection_id, self._actor
        rendered, to_printer = then == self._preview, then != self._save

        def work() -> tuple[Any, list[QImage], list[str]]:
            made = printouts.certificate(actor, inspection_id) if kind == "certificate" \
                else printouts.tag(actor, inspection_id, None, "pdf")
            return made, render_pages(made.data) if rendered else [], cups.printers() if to_printer else []

        run_in_background(work, on_result=lambda made: then(*made), parent=self)

    def _preview(self, printout: Any, pages: list[QImage], printers: list[str]) -> None:
        name = "tag" if printout.kind == "tag" else printout.kind.replace("-", " ")
        dialog = PrintPreviewDialog(f"Print {name}", pages, printers, self._services.ctx.settings.printer,
                                    copies=True, parent=self)
        self.preview = dialog
        try:
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            self.preview = None
        if not accepted:
            self.status_label.setText("Not printed.")
            return
        printer, copies = dialog.printer, dialog.copies
        if copies > 1:  # the copies go into the document itself (pages), then one job
            self._remake_and_print(printout, printer, copies)
        else:
            self._submit(printout, printer)

    def _remake_and_print(self, printout: Any, printer: str, copies: int) -> None:
        printouts = printouts_of(self._services)
        inspection_id, actor = printout.inspection_id, self._actor

        def work() -> Any:
            if printout.kind == "tag":
                return printouts.tag(actor, inspection_id, printout.size, "pdf", copies)
            return printouts.certificate(actor, inspection_id, copies=copies)

        run_in_background(work, on_result=lambda made: self._submit(made, printer), parent=self)

    def _print_directly(self, printout: Any, _pages: list[QImage], printers: list[str]) -> None:
        if not printers:
            self.status_label.setText("No printer is set up: print the tag with Print tag….")
            return
        self._submit(printout, self._services.ctx.settings.printer)

    def _submit(self, printout: Any, printer: str) -> None:
        printouts = printouts_of(self._services)
        actor = self._actor
        self.status_label.setText(f"Sending to {printer or 'the printer'}…")
        run_in_background(lambda: printouts.print_on_system(printout, printer, actor),
                          on_result=lambda job: self._on_printed(printout, job),
                          on_error=lambda exc: self._on_print_failed(printout, exc))

    def _on_printed(self, printout: Any, job: str) -> None:
        what = "Tag" if printout.kind == "tag" else "Certificate" if printout.kind == "certificate" \
            else "Fail report"
        self.status_label.setText(f"{what} printed (job {job}).")
        self.printed.emit(job)
        if printout.kind == "tag":
            self.tag_sent.emit(job)

    def _on_print_failed(self, printout: Any, exc: BaseException) -> None:
        self.status_label.setText("Not printed.")
        show_error(self, exc)

    def _save(self, printout: Any, _pages: list[QImage], _printers: list[str]) -> None:
        suggested = str(Path.home() / f"{printout.kind}-{printout.serial or printout.inspection_id}.pdf")
        path, _ = QFileDialog.getSaveFileName(self, "Save PDF", suggested, "PDF (*.pdf)")
        if not path:
            return
        printouts = printouts_of(self._services)
        actor = self._actor
        run_in_background(lambda: printouts.export(printout, Path(path), actor),
                          on_result=lambda written: self.status_label.setText(f"Saved {Path(written).name}."),
                          parent=self)
