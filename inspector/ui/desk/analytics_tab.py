"""Analytics over a chosen period: a table, a bar chart of one measure, CSV export."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector.security.roles import Actor
from inspector.services.analytics import GROUPS, AnalyticsRow, analytics, to_csv
from inspector.services.station import StationServices
from inspector.ui.background import run_in_background
from inspector.ui.desk.charts import BarChart
from inspector.ui.desk.filters import date_edit, parse_date
from inspector.ui.widgets import Banner, message_for

COLUMNS = ("Name", "Items", "Items/h", "Min/insp.", "Pass", "Fail", "Inconcl.", "Reviews", "Overturn",
           "Agreement", "Calibration")
# Chartable measures: label -> (attribute, shown as percent)
MEASURES = {
    "Items": ("inspections", False), "Items per hour": ("items_per_hour", False),
    "Minutes per inspection": ("minutes_per_inspection", False), "Pass rate": ("pass_rate", True),
    "Fail rate": ("fail_rate", True), "Inconclusive rate": ("inconclusive_rate", True),
    "Overturn rate": ("overturn_rate", True), "Agreement rate": ("agreement_rate", True),
    "Calibration accuracy": ("calibration_accuracy", True),
}


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


class AnalyticsTab(QWidget):
    def __init__(self, services: StationServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.actor: Actor | None = None
        self.rows: list[AnalyticsRow] = []
        self._generation = 0  # results of a superseded refresh are dropped
        self.group_box = QComboBox()
        self.group_box.addItems(list(GROUPS))
        self.since_edit, self.until_edit = date_edit("from YYYY-MM-DD"), date_edit("until YYYY-MM-DD")
        # A chosen period, the last 30 days to begin with: a year at once is slow on a big database.
        self.since_edit.setText((date.today() - timedelta(days=30)).isoformat())
        self.measure_box = QComboBox()
        self.measure_box.addItems(list(MEASURES))
        self.measure_box.currentIndexChanged.connect(lambda _i: self._chart())
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.clicked.connect(self._ask_export)
        row = QHBoxLayout()
        for widget in (self.group_box, self.since_edit, self.until_edit, self.refresh_button,
                       self.measure_box, self.export_button):
            row.addWidget(widget)
        row.addStretch(1)
        self.banner = Banner()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # busiest first, until a header is clicked
        self.table.verticalHeader().setVisible(False)
        self.chart = BarChart()
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(self.chart)
        split.setSizes([900, 400])  # every column of the table; the chart reads fine narrower
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.banner)
        layout.addWidget(split, 1)

    def refresh(self) -> None:
        """Compute in a worker: the first look at a long period fills the daily summary (seconds)."""
        try:
            since = parse_date(self.since_edit.text(), "From")
            until = parse_date(self.until_edit.text(), "Until")
        except Exception as exc:
            self.banner.show_message(message_for(exc), "error")
            return
        self._generation += 1
        generation, group = self._generation, self.group_box.currentText()
        self.banner.show_message("Computing…", "info")
        run_in_background(analytics, self.services.ctx, self.actor, group, since, until,
                          on_result=lambda rows: self._show_rows(generation, rows),
                          on_error=lambda message: self._failed(generation, message))

    def _failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.banner.show_message(message, "error")

    def _show_rows(self, generation: int, rows: list[AnalyticsRow]) -> None:
        if generation != self._generation:
            return  # a newer request is on its way
        self.rows = rows
        self.banner.clear_message()
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(self.rows))
        for index, r in enumerate(self.rows):
            values = [r.name, r.inspections, r.items_per_hour, r.minutes_per_inspection, _pct(r.pass_rate),
                      _pct(r.fail_rate), _pct(r.inconclusive_rate), r.reviews, _pct(r.overturn_rate),
                      _pct(r.agreement_rate), _pct(r.calibration_accuracy)]
            for column, value in enumerate(values):
                item = QTableWidgetItem()
                item.setData(0, value)
                self.table.setItem(index, column, item)
        self.table.setSortingEnabled(True)
        self.table.resizeColumnsToContents()  # every column visible without scrolling sideways
        self._chart()

    def _chart(self) -> None:
        label = self.measure_box.currentText()
        attribute, percent = MEASURES[label]
        bars = [(r.name, float(getattr(r, attribute) or 0.0)) for r in self.rows]
        self.chart.set_data(f"{label} by {self.group_box.currentText()}", bars, percent=percent)

    def export_csv(self, path: Path) -> None:
        path.write_text(to_csv(self.rows), encoding="utf-8")
        self.banner.show_message(f"Wrote {len(self.rows)} rows to {path}.", "info")

    def _ask_export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export analytics", "analytics.csv", "CSV (*.csv)")
        if name:
            try:
                self.export_csv(Path(name))
            except OSError as exc:
                self.banner.show_message(message_for(exc), "error")
