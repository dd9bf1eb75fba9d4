"""Check a certificate at the station: scan its QR code, paste its text, or open a PDF or tag photo."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from inspector.security import payload
from inspector.security.verification import INVALID, VALID, VOID, Verification
from inspector.ui.background import run_in_background
from inspector.ui.widgets import message_for

# Status colours readable on both themes; the word is always shown too, never colour alone.
STATUS_COLOURS = {VALID: "#1b8a3a", VOID: "#c26a00", INVALID: "#c62828"}


_BASE45 = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")


def is_certificate_code(text: str) -> bool:
    """A scan that is a certificate's QR text rather than an item code or a badge.

    Two forms: the bare payload (`INS2:...`, or `INS1:...` on tags printed before deployment trust) and
    the verify page's address carrying it after '#' (`https://<verify host>/#<payload>`, so a phone's
    camera opens the verify page).
    """
    text = text.strip()
    if text.startswith((payload.HEADER, "INS1:")):
        return True
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.netloc or not parts.fragment:
        return False
    fragment = unquote(parts.fragment)
    url_safe = fragment.replace("-", "").replace("_", "").isalnum()
    return fragment.startswith((payload.HEADER, payload.PREFIX)) or (
        len(fragment) >= 40 and (set(fragment) <= _BASE45 or url_safe))


class VerifyDialog(QDialog):
    """Valid / invalid / void with the certificate's details; the check runs off the GUI thread."""

    verified = Signal(object)  # the Verification, after it is shown

    def __init__(self, verify: Callable[[str], Verification], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._verify = verify
        self.setWindowTitle("Verify a certificate")
        self.resize(620, 420)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Scan the certificate's or tag's QR code, paste its text, "
                                "or open the certificate PDF or a photo of the tag."))
        row = QHBoxLayout()
        # What our QR codes carry today (docs/certificate-format.md): the verify address, payload after '#'.
        self.code_edit = QLineEdit(placeholderText=f"https://…/#{payload.HEADER}…  or  {payload.HEADER}…")
        self.code_edit.returnPressed.connect(self._on_verify_clicked)
        self.verify_button = QPushButton("Verify")
        self.verify_button.clicked.connect(self._on_verify_clicked)
        self.open_button = QPushButton("Open PDF or photo…")
        self.open_button.clicked.connect(self._on_open_clicked)
        row.addWidget(self.code_edit, 1)
        row.addWidget(self.verify_button)
        row.addWidget(self.open_button)
        layout.addLayout(row)
        self.status_label = QLabel()
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status_label.setMinimumHeight(64)
        layout.addWidget(self.status_label)
        self.details_label = QLabel()
        self.details_label.setWordWrap(True)
        self.details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details_label.setStyleSheet("font-family: monospace;")
        # A long code or signature line must wrap or clip, never widen the window past the screen.
        self.details_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout.addWidget(self.details_label, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.outcome: Verification | None = None

    def check(self, code_or_file: str) -> None:
        """Start checking a code or a file path; the answer replaces the previous one."""
        text = code_or_file.strip()
        if not text:
            return
        if is_certificate_code(text):
            self.code_edit.setText(text)
            self.code_edit.setCursorPosition(0)
        self.outcome = None
        self._show_status("Checking…", None)
        self.details_label.clear()
        self.verify_button.setEnabled(False)
        run_in_background(self._verify, text, on_result=self._on_result,
                          on_error=lambda exc: self._on_error(message_for(exc)),
                          on_finished=lambda: self.verify_button.setEnabled(True))

    def _on_verify_clicked(self) -> None:
        self.check(self.code_edit.text())

    def _on_open_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open a certificate or a tag photo", "",
            "Certificates and photos (*.pdf *.png *.jpg *.jpeg *.tif *.tiff *.bmp *.webp);;All files (*)")
        if path:
            self.check(path)

    def _on_result(self, result: Verification) -> None:
        self.outcome = result
        self._show_status(result.status.upper(), result.status)
        self.details_label.setText(result.describe().partition("\n")[0].partition(": ")[2]
                                   + "\n\n" + "\n".join(line.strip() for line in
                                                        result.describe().splitlines()[1:]))
        self.verified.emit(result)

    def _on_error(self, message: str) -> None:
        self.outcome = Verification(INVALID, message)
        self._show_status(INVALID.upper(), INVALID)
        self.details_label.setText(message)
        self.verified.emit(self.outcome)

    def _show_status(self, text: str, status: str | None) -> None:
        colour = STATUS_COLOURS.get(status or "", "palette(mid)")
        self.status_label.setText(text)
        self.status_label.setStyleSheet(
            f"font-size: 26pt; font-weight: bold; color: white; background: {colour}; border-radius: 6px;")
