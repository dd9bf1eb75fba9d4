"""Small dialogs: choose a checklist for an unknown code, the shortcut sheet."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector.domain.loading import LoadedChecklist
from inspector.ui.widgets import tall_rows

SHORTCUTS = (
    ("Scan", "Scan an item code anywhere: opens or resumes that item"),
    ("Space / C", "Capture a photo from the camera"),
    ("Ctrl+O", "Import a photo from a file"),
    ("P", "Pass the step"),
    ("F", "Fail the step (choose a reason, write a note, Enter)"),
    ("U", "Unsure (write a note, Enter)"),
    ("1–9 (note)", "In the empty note field: write the step's canned note 1–9"),
    ("N / → / Page Down", "Next step"),
    ("B / ← / Page Up", "Previous step"),
    ("Enter", "Record the values read from a label photo (size, UPC, country...)"),
    ("+ / -", "Zoom the comparison in / out"),
    ("Del", "Set the selected photo aside to retake it"),
    ("Enter (value)", "Record the step's value (a pass)"),
    ("Esc", "Leave a text field (then the one-letter keys work again)"),
    ("Ctrl+Enter", "Finish: summary and verdict; confirm on the summary"),
    ("Scan a QR", "Scan a certificate or tag QR code anywhere: says valid, invalid or void"),
    ("Ctrl+Shift+V", "Verify a certificate: scan, paste, or open a PDF or tag photo"),
    ("Ctrl+,", "Settings"),
    ("F1", "This sheet"),
)


class ChecklistChooser(QDialog):
    """No checklist matched: pick one (click, or arrows and Enter), or type or scan the style code.

    OK stays disabled until there is something to open with, so it never closes on nothing.
    """

    def __init__(self, item_code: str, checklists: list[LoadedChecklist],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Choose a checklist")
        self.resize(600, 520)
        layout = QVBoxLayout(self)
        intro = QLabel(f"No checklist matches item <b>{item_code[:60]}</b>. Type or scan its style "
                       "code, or choose the checklist.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.style_edit = QLineEdit(placeholderText="Style code / SKU (optional)")
        self.style_edit.textChanged.connect(self._update_ok)
        self.style_edit.returnPressed.connect(self._accept_if_ready)
        layout.addWidget(self.style_edit)
        self.list = QListWidget()
        self.list.setUniformItemSizes(True)
        tall_rows(self.list)
        for loaded in checklists:
            item = QListWidgetItem(f"{loaded.checklist.title}  ·  {loaded.checklist.category}  ·  "
                                   f"v{loaded.checklist.version}")
            item.setData(Qt.ItemDataRole.UserRole, loaded.checklist.id)
            self.list.addItem(item)
        self.list.itemActivated.connect(lambda _item: self._accept_if_ready())
        self.list.itemSelectionChanged.connect(self._update_ok)
        layout.addWidget(self.list, 1)
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept_if_ready)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout.addWidget(buttons)
        self._update_ok()

    def _ready(self) -> bool:
        return bool(self.style_code()) or bool(self.list.selectedItems())

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(self._ready())

    def _accept_if_ready(self) -> None:
        if self._ready():
            self.accept()
        else:
            self.note.setText("Type or scan the style code, or choose a checklist first.")

    def on_code_scanned(self, code: str) -> None:
        """A scan here is the style code on the label (a certificate's QR is not an item's)."""
        from inspector.ui.verify_dialog import is_certificate_code

        if is_certificate_code(code):
            self.note.setText("That is a certificate's QR code, not a style code: scan the label's code.")
            return
        self.style_edit.setText(code)
        self.note.setText(f"Style code {code} scanned: press Enter to open the item with it.")
        self.style_edit.setFocus()

    def style_code(self) -> str | None:
        return self.style_edit.text().strip() or None

    def checklist_id(self) -> str | None:
        chosen = self.list.selectedItems()
        return str(chosen[0].data(Qt.ItemDataRole.UserRole)) if chosen else None


class ShortcutSheet(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(self)
        rows = "".join(f"<tr><td><b>{keys}</b>&nbsp;&nbsp;</td><td>{what}</td></tr>"
                       for keys, what in SHORTCUTS)
        label = QLabel(f"<table cellpadding='4'>{rows}</table>")
        layout.addWidget(label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
