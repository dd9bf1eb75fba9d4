"""Sellers' appeals at the desk: record one (reason, photos), see the open ones, decide one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector.security.roles import Actor
from inspector.services.appeals import AppealView
from inspector.services.station import StationServices
from inspector.ui.widgets import Banner, message_for, title_label

COLUMNS = ("Appeal", "Inspection", "Appealed", "Opened", "Photos", "Seller's reason")


class AppealsTab(QWidget):
    open_requested = Signal(int)  # the appealed inspection, to look at it in the review tab

    def __init__(self, services: StationServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.actor: Actor | None = None
        self.appeals: list[AppealView] = []
        self.photo_paths: list[Path] = []
        self.inspection_edit = QLineEdit()
        self.inspection_edit.setPlaceholderText("inspection #")
        self.seller_reason_edit = QLineEdit()
        self.seller_reason_edit.setPlaceholderText("the seller's reason")
        self.photos_button = QPushButton("Add photos…")
        self.photos_button.clicked.connect(self._ask_photos)
        self.record_button = QPushButton("Record appeal")
        self.record_button.clicked.connect(self.record)
        top = QHBoxLayout()
        for widget in (self.inspection_edit, self.seller_reason_edit, self.photos_button, self.record_button):
            top.addWidget(widget)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.cellDoubleClicked.connect(lambda row, _c: self._open(row))
        self.outcome_box = QComboBox()
        self.outcome_box.addItems(["upheld", "reversed"])
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText("why (required)")
        self.decide_button = QPushButton("Decide selected appeal")
        self.decide_button.clicked.connect(self.decide)
        bottom = QHBoxLayout()
        for part in (self.outcome_box, self.reason_edit, self.decide_button):
            bottom.addWidget(part)
        self.banner = Banner()
        layout = QVBoxLayout(self)
        layout.addWidget(title_label("Record a seller's appeal", "subtitle"))
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(title_label("Open appeals (double-click to see the inspection)", "subtitle"))
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    def refresh(self) -> None:
        try:
            self.appeals = self.services.appeals.waiting(self.actor)  # type: ignore[arg-type]
        except Exception as exc:
            self.banner.show_message(message_for(exc), "error")
            return
        self.table.setRowCount(len(self.appeals))
        for row, appeal in enumerate(self.appeals):
            cells = (str(appeal.id), str(appeal.inspection_id), appeal.verdict_appealed,
                     appeal.opened_at.strftime("%Y-%m-%d %H:%M"), str(len(appeal.photos)),
                     appeal.seller_reason)
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()

    def _ask_photos(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "The seller's photos", "",
                                                "Images (*.jpg *.jpeg *.png)")
        self.photo_paths = [Path(n) for n in names]
        self.photos_button.setText(f"Photos: {len(self.photo_paths)}" if names else "Add photos…")

    def record(self) -> None:
        text = self.inspection_edit.text().strip().lstrip("#")
        if not text.isdigit():
            self.banner.show_message("Type the inspection number, like 1234.", "error")
            return
        try:
            photos = [path.read_bytes() for path in self.photo_paths]
            appeal = self.services.appeals.open(self.actor, int(text), self.seller_reason_edit.text(),  # type: ignore[arg-type]
                                                photos)
        except OSError as exc:
            self.banner.show_message(f"A photo cannot be read ({exc.strerror}).", "error")
            return
        except Exception as exc:
            self.banner.show_message(message_for(exc), "error")
            return
        self.photo_paths = []
        self.photos_button.setText("Add photos…")
        self.seller_reason_edit.clear()
        self.banner.show_message(f"Appeal {appeal.id} of inspection {appeal.inspection_id} recorded.", "info")
        self.refresh()

    def _selected(self) -> AppealView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.appeals[rows[0].row()] if rows and rows[0].row() < len(self.appeals) else None

    def _open(self, row: int) -> None:
        if 0 <= row < len(self.appeals):
            self.open_requested.emit(self.appeals[row].inspection_id)

    def decide(self) -> None:
        appeal = self._selected()
        if appeal is None:
            self.banner.show_message("Select an appeal first.", "error")
            return
        try:
            decided = self.services.appeals.decide(self.actor, appeal.id, self.outcome_box.currentText(),  # type: ignore[arg-type]
                                                   self.reason_edit.text())
        except Exception as exc:
            self.banner.show_message(message_for(exc), "error")
            return
        self.reason_edit.clear()
        self.banner.show_message(f"Appeal {decided.id} {decided.status}.", "info")
        self.refresh()
