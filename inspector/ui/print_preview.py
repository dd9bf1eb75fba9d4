"""The print preview: the pages as they will print, the printer, the copies; Print or Cancel.

Cancelling prints nothing and records nothing; Print hands the document to the print system.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

PREVIEW_WIDTH = 560  # pixels per page in the dialog


class PrintPreviewDialog(QDialog):
    def __init__(self, title: str, pages: list[QImage], printers: list[str], preferred: str = "",
                 copies: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        column = QWidget()
        pages_layout = QVBoxLayout(column)
        for image in pages:
            shown = QLabel()
            shown.setPixmap(QPixmap.fromImage(image).scaledToWidth(
                min(PREVIEW_WIDTH, image.width()), Qt.TransformationMode.SmoothTransformation))
            shown.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            pages_layout.addWidget(shown)
        scroller = QScrollArea()
        scroller.setWidget(column)
        scroller.setWidgetResizable(True)
        scroller.setMinimumSize(PREVIEW_WIDTH + 40, 420)
        layout.addWidget(scroller, 1)
        form = QFormLayout()
        self.printer_combo = QComboBox()
        self.printer_combo.addItems(printers)
        if preferred in printers:
            self.printer_combo.setCurrentText(preferred)
        form.addRow("Printer", self.printer_combo)
        self.copies_spin = QSpinBox()
        self.copies_spin.setRange(1, 99)
        self.copies_spin.setEnabled(copies)
        form.addRow("Copies", self.copies_spin)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.print_button = self.buttons.addButton("Print", QDialogButtonBox.ButtonRole.AcceptRole)
        self.print_button.setEnabled(bool(printers))
        if not printers:
            form.addRow(QLabel("No printer is set up on this computer."))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    @property
    def printer(self) -> str:
        return self.printer_combo.currentText()

    @property
    def copies(self) -> int:
        return self.copies_spin.value()
