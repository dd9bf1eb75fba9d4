"""Analytics over a chosen period: every rate with its n and interval, a chart readable at 30 rows,
drill-down (double-click a figure), search, weekly trends, the disagreement matrix, CSV of each table."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from inspector.security.roles import Actor, Role
from inspector.services import desk_figures
from inspector.services.analytics import GROUPS, AnalyticsRow, analytics, to_csv
from inspector.services.review_queue import sample_rate, set_sample_rate
from inspector.services.station import StationServices
from inspector.ui.background import run_in_background
from inspector.ui.desk.charts import BarChart
from inspector.ui.desk.figure_tables import InspectionsTable, MatrixTable, SortableItem, TrendTable, rate_item
from inspector.ui.desk.filters import date_edit, parse_date
from inspector.ui.widgets import Banner, message_for

# Main table column -> the drill-down figure behind it (double-click).
FIGURE_OF_COLUMN = {1: "inspections", 4: "pass", 5: "fail", 6: "inconclusive", 7: "reviewed", 8: "overturned",
                    10: "calibration"}

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


def _hours(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} h"


class AnalyticsTab(QWidget):
    open_requested = Signal(int)  # an inspection picked in a drill-down or search

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
        self.export_button.setToolTip("The table on screen, with every rate's n and 95% interval")
        self.export_button.clicked.connect(self._ask_export)
        row = QHBoxLayout()
        for widget in (self.group_box, self.since_edit, self.until_edit, self.refresh_button,
                       self.measure_box, self.export_button):
            row.addWidget(widget)
        row.addStretch(1)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("item code, certificate serial or style code")
        self.search_edit.returnPressed.connect(self.search)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("one name/badge/brand (optional)")
        self.trend_button = QPushButton("Weekly trend")
        self.trend_button.clicked.connect(self.trend)
        self.matrix_button = QPushButton("Disagreement")
        self.matrix_button.clicked.connect(self.matrix)
        self.rate_box = QDoubleSpinBox()
        self.rate_box.setRange(0.0, 1.0)
        self.rate_box.setSingleStep(0.05)
        self.rate_box.setToolTip("Share of passes and fails sampled for a blind review (every station)")
        self.rate_button = QPushButton("Set sample rate")
        self.rate_button.clicked.connect(self.set_rate)
        second = QHBoxLayout()
        for part in (self.search_edit, self.name_edit, self.trend_button, self.matrix_button,
                     self.rate_box, self.rate_button):
            second.addWidget(part)
        self.timeliness_label = QLabel("")
        self.banner = Banner()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # busiest first, until a header is clicked
        self.table.verticalHeader().setVisible(False)
        self.table.cellDoubleClicked.connect(self._drill)
        self.table.setToolTip("Double-click a figure for the inspections behind it")
        self.chart = BarChart()
        chart_scroll = QScrollArea()
        chart_scroll.setWidgetResizable(True)
        chart_scroll.setWidget(self.chart)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(chart_scroll)
        split.setSizes([900, 500])  # every column of the table; the chart reads fine narrower
        self.inspections = InspectionsTable()
        self.inspections.open_requested.connect(self.open_requested.emit)
        self.trends = TrendTable()
        self.trends.drill_requested.connect(self._drill_trend)
        self.disagreement = MatrixTable()
        self.disagreement.drill_requested.connect(self._drill_cell)
        self.views = QTabWidget()
        self.views.addTab(split, "Figures")
        self.views.addTab(self.inspections, "Inspections")
        self.views.addTab(self.trends, "Weekly trend")
        self.views.addTab(self.disagreement, "Disagreement")
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addLayout(second)
        layout.addWidget(self.timeliness_label)
        layout.addWidget(self.banner)
        layout.addWidget(self.views, 1)

    def on_shown(self) -> None:
        admin = self.actor is not None and self.actor.role == Role.ADMIN
        self.rate_box.setVisible(admin)
        self.rate_button.setVisible(admin)
        if admin:
            self.rate_box.setValue(sample_rate(self.services.ctx))

    def _period(self) -> tuple[Any, Any] | None:
        try:
            return parse_date(self.since_edit.text(), "From"), parse_date(self.until_edit.text(), "Until")
        except Exception as exc:
            self.banner.show_message(message_for(exc), "error")
            return None

    def _in_background(self, work: Any, done: Any, waiting: str) -> None:
        self._generation += 1
        generation = self._generation
        self.banner.show_message(waiting, "info")

        def finished(result: Any) -> None:
            if generation == self._generation:
                self.banner.clear_message()
                done(result)

        run_in_background(work, on_result=finished,
                          on_error=lambda exc: self._failed(generation, message_for(exc)))

    def _drill(self, row: int, column: int) -> None:
        name_item = self.table.item(row, 0)
        period = self._period()
        if name_item is None or period is None:
            return
        group, name, figure = self.group_box.currentText(), name_item.text(), FIGURE_OF_COLUMN.get(column,
                                                                                               "inspections")
        self._drill_with(group, name, figure, *period, None, f"{figure} of {name}")

    def _drill_trend(self, point: desk_figures.TrendPoint, figure: str) -> None:
        """A trend point: its row and its week (within the chosen period, as the trend counted it)."""
        period = self._period()
        if period is None:
            return
        since, until = desk_figures.week_period(point.week)
        since = max(since, period[0]) if period[0] is not None else since
        until = min(until, period[1]) if period[1] is not None else until
        self._drill_with(point.group, point.name, figure, since, until, None,
                         f"{figure} of {point.name}, week of {point.week.isoformat()}")

    def _drill_cell(self, row: desk_figures.MatrixRow, cell: tuple[str, str] | None) -> None:
        """A disagreement cell: the authenticator's reviews where they said cell[0], the reviewer cell[1]."""
        period = self._period()
        if period is None:
            return
        what = f"{cell[0]} → {cell[1]}" if cell else "reviews"
        self._drill_with("authenticator", row.authenticator, "reviewed", *period, cell,
                         f"{what} of {row.authenticator}")

    def _drill_with(self, group: str, name: str, figure: str, since: Any, until: Any,
                    cell: tuple[str, str] | None, what: str) -> None:
        ctx, actor = self.services.ctx, self.actor
        self._in_background(lambda: desk_figures.drill_down(ctx, actor, group, name, figure, since, until,  # type: ignore[arg-type]
                                                            cell=cell),
                            lambda rows: self._show_inspections(rows, what),
                            f"Finding the inspections behind {what}…")

    def search(self) -> None:
        text = self.search_edit.text().strip()
        ctx, actor = self.services.ctx, self.actor
        self._in_background(lambda: desk_figures.search(ctx, actor, text),  # type: ignore[arg-type]
                            lambda rows: self._show_inspections(rows, f"search {text!r}"), "Searching…")

    def _show_inspections(self, rows: list[desk_figures.InspectionRow], what: str) -> None:
        self.inspections.show_rows(rows)
        self.views.setCurrentWidget(self.inspections)
        self.banner.show_message(f"{len(rows)} inspections: {what}. Double-click one to open it.", "info")

    def trend(self) -> None:
        period = self._period()
        if period is None:
            return
        group, name = self.group_box.currentText(), self.name_edit.text().strip() or None
        ctx, actor = self.services.ctx, self.actor
        self._in_background(lambda: desk_figures.weekly_trend(ctx, actor, group, name, *period),  # type: ignore[arg-type]
                            self._show_trend, "Computing the weekly trend…")

    def _show_trend(self, points: list[desk_figures.TrendPoint]) -> None:
        self.trends.show_points(points)
        self.views.setCurrentWidget(self.trends)

    def matrix(self) -> None:
        period = self._period()
        if period is None:
            return
        ctx, actor = self.services.ctx, self.actor
        self._in_background(lambda: desk_figures.disagreement_matrix(ctx, actor, *period),  # type: ignore[arg-type]
                            self._show_matrix, "Counting the reviews…")

    def _show_matrix(self, rows: list[desk_figures.MatrixRow]) -> None:
        self.disagreement.show_matrix(rows)
        self.views.setCurrentWidget(self.disagreement)

    def set_rate(self) -> None:
        try:
            rate = set_sample_rate(self.services.ctx, self.actor, self.rate_box.value())  # type: ignore[arg-type]
        except Exception as exc:
            self.banner.show_message(message_for(exc), "error")
            return
        self.banner.show_message(f"Sample rate set to {rate:g} for every station.", "info")

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
                          on_error=lambda exc: self._failed(generation, message_for(exc)))

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
            rates = r.rates()
            cells: list[QTableWidgetItem] = [
                SortableItem(r.name), SortableItem(str(r.inspections), r.inspections),
                SortableItem(f"{r.items_per_hour:g}", r.items_per_hour),
                SortableItem(f"{r.minutes_per_inspection:g}", r.minutes_per_inspection),
                rate_item(rates["pass_rate"]), rate_item(rates["fail_rate"]),
                rate_item(rates["inconclusive_rate"]),
                SortableItem(str(r.reviews), r.reviews), rate_item(rates["overturn_rate"]),
                rate_item(rates["agreement_rate"]), rate_item(rates["calibration_accuracy"])]
            for column, item in enumerate(cells):
                self.table.setItem(index, column, item)
        self.table.setSortingEnabled(True)
        self.table.resizeColumnsToContents()  # every column visible without scrolling sideways
        self._chart()
        ctx, actor = self.services.ctx, self.actor
        run_in_background(lambda: desk_figures.timeliness(ctx, actor),  # type: ignore[arg-type]
                          on_result=self._show_timeliness,
                          on_error=lambda exc: self.banner.show_message(message_for(exc), "error"))

    def _show_timeliness(self, t: desk_figures.Timeliness) -> None:
        self.timeliness_label.setText(
            f"Queue: {t.waiting} waiting, oldest {_hours(t.oldest_hours)}, median age "
            f"{_hours(t.median_age_hours)} · review turnaround (median, finish to decision): "
            f"{_hours(t.median_turnaround_hours)} over {t.reviewed} reviews")

    def _chart(self) -> None:
        label = self.measure_box.currentText()
        attribute, percent = MEASURES[label]
        bars: list[tuple[object, ...]] = []
        for r in self.rows:
            rate = r.rates().get(attribute)
            if percent and rate is not None:
                bars.append((r.name, rate.value or 0.0, rate.interval if rate.n else None, rate.n))
            else:
                bars.append((r.name, float(getattr(r, attribute) or 0.0)))
        self.chart.set_data(f"{label} by {self.group_box.currentText()}", bars, percent=percent)

    def export_csv(self, path: Path) -> None:
        """The table on screen: the figures, the inspections, the weekly trend or the matrix."""
        current = self.views.currentWidget()
        if current in (self.inspections, self.trends, self.disagreement):
            count = current.export_csv(path)
        else:
            path.write_text(to_csv(self.rows), encoding="utf-8")
            count = len(self.rows)
        self.banner.show_message(f"Wrote {count} rows to {path}.", "info")

    def _ask_export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export analytics", "analytics.csv", "CSV (*.csv)")
        if name:
            try:
                self.export_csv(Path(name))
            except OSError as exc:
                self.banner.show_message(message_for(exc), "error")
