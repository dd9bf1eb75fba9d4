"""Calibration: mark known test items, slip them into an authenticator's queue, see accuracy."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
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
from inspector.services.calibration import CalibrationItem, CalibrationScore
from inspector.services.desk_csv import to_csv
from inspector.services.station import StationServices
from inspector.ui.widgets import Banner, message_for, title_label


class CalibrationTab(QWidget):
    def __init__(self, services: StationServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = services.calibration
        self.actor: Actor | None = None
        self.items: list[CalibrationItem] = []
        self.scores: list[CalibrationScore] = []
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("item code")
        self.verdict_box = QComboBox()
        self.verdict_box.addItems(["pass", "fail", "inconclusive"])
        self.mark_button = QPushButton("Mark as test item")
        self.mark_button.clicked.connect(self.mark)
        self.who_edit = QLineEdit()
        self.who_edit.setPlaceholderText("authenticator badge or name")
        self.unmark_button = QPushButton("Unmark")
        self.unmark_button.setToolTip("The item is no longer a test item (recorded in the audit log)")
        self.unmark_button.clicked.connect(self.unmark)
        self.assign_button = QPushButton("Slip into their queue")
        self.assign_button.clicked.connect(self.assign)
        self.export_items_button = QPushButton("Export test items CSV…")
        self.export_items_button.clicked.connect(lambda: self._ask_export("items"))
        self.export_scores_button = QPushButton("Export accuracy CSV…")
        self.export_scores_button.setToolTip("Each authenticator's accuracy with its n and 95% interval")
        self.export_scores_button.clicked.connect(lambda: self._ask_export("scores"))
        row = QHBoxLayout()
        for widget in (self.code_edit, self.verdict_box, self.mark_button, self.who_edit, self.assign_button,
                       self.unmark_button, self.export_items_button, self.export_scores_button):
            row.addWidget(widget)
        self.banner = Banner()
        self.items_table = QTableWidget(0, 4)
        self.items_table.setHorizontalHeaderLabels(["Item", "Right verdict", "Counts from", "Assigned to"])
        self.scores_table = QTableWidget(0, 3)
        self.scores_table.setHorizontalHeaderLabels(["Authenticator", "Right / inspected", "Accuracy"])
        for table in (self.items_table, self.scores_table):
            table.verticalHeader().setVisible(False)
            table.horizontalHeader().setMinimumSectionSize(140)  # headers readable in full
            table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.banner)
        layout.addWidget(title_label("Test items", "subtitle"))
        layout.addWidget(self.items_table, 1)
        layout.addWidget(title_label("Accuracy on test items", "subtitle"))
        layout.addWidget(self.scores_table, 1)

    def mark(self) -> None:
        self._do(lambda: self.service.mark(self.actor, self.code_edit.text(),  # type: ignore[arg-type]
                                           self.verdict_box.currentText()))

    def assign(self) -> None:
        self._do(lambda: self.service.assign(self.actor, self.code_edit.text(),  # type: ignore[arg-type]
                                             self.who_edit.text()))

    def unmark(self) -> None:
        code = self.code_edit.text().strip()
        try:
            self.service.unmark(self.actor, code)  # type: ignore[arg-type]
        except Exception as exc:
            self.banner.show_message(message_for(exc), "error")
            return
        self.banner.show_message(f"{code} is no longer a test item.", "info")
        self.refresh()

    def _do(self, work) -> None:  # type: ignore[no-untyped-def]
        try:
            item = work()
        except Exception as exc:
            self.banner.show_message(message_for(exc), "error")
            return
        self.banner.show_message(f"{item.code}: right verdict {item.known_verdict}; assigned to "
                                 f"{', '.join(item.assigned_to) or 'nobody yet'}.", "info")
        self.refresh()

    def refresh(self) -> None:
        try:
            items = self.service.items(self.actor)  # type: ignore[arg-type]
            scores = self.service.scores(self.actor)  # type: ignore[arg-type]
        except Exception as exc:
            self.banner.show_message(message_for(exc), "error")
            return
        self.items, self.scores = items, scores
        self.items_table.setRowCount(len(items))
        for row, item in enumerate(items):
            start = item.counts_from.strftime("%Y-%m-%d %H:%M") if item.counts_from else "always"
            cells = (item.code, item.known_verdict, start, ", ".join(item.assigned_to))
            for column, text in enumerate(cells):
                self.items_table.setItem(row, column, QTableWidgetItem(text))
        self.scores_table.setRowCount(len(scores))
        for row, score in enumerate(scores):
            accuracy = score.rates()["accuracy"].text()  # with its n and 95% interval
            score_cells = (score.authenticator, f"{score.correct} / {score.inspected}", accuracy)
            for column, text in enumerate(score_cells):
                self.scores_table.setItem(row, column, QTableWidgetItem(text))

    def export_csv(self, table: str, path: Path) -> int:
        """The test items ("items") or the accuracy table ("scores") as shown, as CSV."""
        rows: list[object] = list(self.items if table == "items" else self.scores)
        path.write_text(to_csv(rows), encoding="utf-8")
        return len(rows)

    def _ask_export(self, table: str) -> None:
        default = "calibration-items.csv" if table == "items" else "calibration-accuracy.csv"
        name, _ = QFileDialog.getSaveFileName(self, "Export", default, "CSV (*.csv)")
        if name:
            try:
                count = self.export_csv(table, Path(name))
            except OSError as exc:
                self.banner.show_message(message_for(exc), "error")
                return
            self.banner.show_message(f"Wrote {count} rows to {name}.", "info")
