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

SHORTCUTS = (
    ("Scan", "Scan an item code anywhere: opens or resumes that item"),
    ("Space / C", "Capture a photo from the camera"),
    ("Ctrl+O", "Import a photo from a file"),
    ("P", "Pass the step"),
    ("F", "Fail the step (choose a reason, write a note, Enter)"),
    ("U", "Unsure (write a note, Enter)"),
    ("N / → / Page Down", "Next step"),
    ("B / ← / Page Up", "Previous step"),
    ("+ / -", "Zoom the comparison in / out"),
    ("Esc", "Leave a text field (then the one-letter keys work again)"),
    ("Ctrl+Enter", "Finish: summary and verdict; confirm on the summary"),
    ("Scan a QR", "Scan a certificate or tag QR code anywhere: says valid, invalid or void"),
    ("Ctrl+Shift+V", "Verify a certificate: scan, paste, or open a PDF or tag photo"),
    ("Ctrl+,", "Settings"),
    ("F1", "This sheet"),
)


class ChecklistChooser(QDialog):
    """No checklist matched: pick one, or type the style code printed on the label."""

    def __init__(self, item_code: str, checklists: list[LoadedChecklist],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Choose a checklist")
        self.resize(560, 480)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"No checklist matches item <b>{item_code}</b>. Type or scan its style "
                                "code, or choose the checklist."))
        self.style_edit = QLineEdit(placeholderText="Style code / SKU (optional)")
        layout.addWidget(self.style_edit)
        self.list = QListWidget()
        for loaded in checklists:
            item = QListWidgetItem(f"{loaded.checklist.title}  ·  {loaded.checklist.category}  ·  "
                                   f"v{loaded.checklist.version}")
            item.setData(Qt.ItemDataRole.UserRole, loaded.checklist.id)
            self.list.addItem(item)
        self.list.itemActivated.connect(lambda _item: self.accept())
        layout.addWidget(self.list, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def style_code(self) -> str | None:
        return self.style_edit.text().strip() or None

    def checklist_id(self) -> str | None:
        item = self.list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None


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
