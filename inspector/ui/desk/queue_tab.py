"""The review queue: filters, a sortable table, double-click (or Open) to review.

Blind items show no verdict. The tab polls the database's change counter (the newest audit event id,
one index lookup, in the background) and refreshes itself when another desk claimed or reviewed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
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
from inspector.services.desk_csv import to_csv
from inspector.services.review_claims import change_counter
from inspector.services.review_queue import QueueEntry, QueueFilter, review_queue
from inspector.services.station import StationServices
from inspector.ui.background import run_in_background
from inspector.ui.desk.filters import date_edit, parse_date
from inspector.ui.widgets import Banner, message_for

COLUMNS = ("ID", "Finished", "Verdict", "Brand", "Authenticator", "Station", "Score", "Value", "Risk", "Why",
           "State")
POLL_MS = 5_000  # how often the tab asks whether anything changed (one indexed max())
BLIND_TEXT = "blind"  # a blind item's verdict cell: the first verdict is not shown before yours
# Header column -> the service's sort key, so sorting covers the whole queue, not just this page.
# No sort by verdict: most waiting items are blind, and sorting a period by it reads every candidate.
SORT_KEYS = {0: "id", 1: "finished_at", 3: "brand", 4: "authenticator", 5: "station",
             6: "min_score", 7: "declared_value"}


class _Number(QTableWidgetItem):
    def __init__(self, value: float | None, text: str) -> None:
        super().__init__(text)
        self.setData(Qt.ItemDataRole.UserRole, value)


class QueueTab(QWidget):
    open_requested = Signal(int)
    refreshed = Signal()  # the table shows the newest answer

    def __init__(self, services: StationServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.actor: Actor | None = None
        self.entries: list[QueueEntry] = []
        self.sort_key, self.descending = "finished_at", True
        self._generation = 0  # only the newest refresh may fill the table
        self._seen_change: int | None = None  # the change counter the table's answer reflects
        self._polling = False
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(POLL_MS)
        self.poll_timer.timeout.connect(self.poll)
        self.since_edit, self.until_edit = date_edit("from YYYY-MM-DD"), date_edit("until YYYY-MM-DD")
        self.station_edit, self.authenticator_edit, self.brand_edit = QLineEdit(), QLineEdit(), QLineEdit()
        for edit, text in ((self.station_edit, "station"), (self.authenticator_edit, "authenticator"),
                           (self.brand_edit, "brand")):
            edit.setPlaceholderText(text)
            edit.returnPressed.connect(self.refresh)
        self.verdict_box = QComboBox()
        self.verdict_box.addItems(["any verdict", "pass", "fail", "inconclusive"])
        self.reviewed_box = QCheckBox("include reviewed")
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self.refresh)
        self.open_button = QPushButton("Open")
        self.open_button.clicked.connect(self._open_selected)
        # Any inspection can be reviewed, queued or not: type (or scan) its number.
        self.id_edit = QLineEdit()
        self.id_edit.setPlaceholderText("inspection #")
        self.id_edit.setMaximumWidth(110)
        self.id_edit.returnPressed.connect(self._open_typed)
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setToolTip("The queue as shown (a blind item's verdict stays empty)")
        self.export_button.clicked.connect(self._ask_export)
        row = QHBoxLayout()
        for widget in (self.since_edit, self.until_edit, self.station_edit, self.authenticator_edit,
                       self.brand_edit, self.verdict_box, self.reviewed_box, self.refresh_button,
                       self.open_button, self.id_edit, self.export_button):
            row.addWidget(widget)
        self.banner = Banner()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        # One line per inspection: fifty waiting items must fit a screen or two, not five.
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.horizontalHeader().sectionClicked.connect(self._sort_by)
        self.table.cellDoubleClicked.connect(lambda r, _c: self._open_row(r))
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.banner)
        layout.addWidget(self.table, 1)

    def current_filter(self) -> QueueFilter:
        verdict = self.verdict_box.currentText()
        return QueueFilter(
            since=parse_date(self.since_edit.text(), "From"),
            until=parse_date(self.until_edit.text(), "Until"),
            station=self.station_edit.text().strip() or None,
            authenticator=self.authenticator_edit.text().strip() or None,
            brand=self.brand_edit.text().strip() or None,
            verdict=None if verdict == "any verdict" else verdict, sort=self.sort_key,
            descending=self.descending, include_reviewed=self.reviewed_box.isChecked())

    def refresh(self) -> None:
        """Ask again in the background: most queries take milliseconds (benchmarks/desk.py), but a
        sort by declared value over a long period, or a distant server, would freeze the window."""
        try:
            flt = self.current_filter()
        except Exception as exc:
            self.banner.show_message(message_for(exc), "error")
            return
        self._generation += 1
        generation, ctx, actor = self._generation, self.services.ctx, self.actor
        self.banner.show_message("Loading the queue…", "info")

        def work() -> tuple[int, list[QueueEntry]]:
            counter = change_counter(ctx)  # read first: a change after it triggers another refresh
            return counter, review_queue(ctx, actor, flt)  # type: ignore[arg-type]

        run_in_background(work, on_result=lambda answer: self._show(generation, *answer),
                          on_error=lambda exc: self._failed(generation, exc))
        if not self.poll_timer.isActive():
            self.poll_timer.start()

    def poll(self) -> None:
        """Refresh when another station changed anything since the table's answer."""
        if self._polling or self.actor is None or not self.isVisible():
            return
        self._polling = True
        ctx = self.services.ctx
        # A failed poll is retried by the next tick; the queue's own refresh reports failures.
        run_in_background(lambda: change_counter(ctx), on_result=self._polled,
                          on_error=lambda _exc: self._poll_done())

    def _polled(self, counter: int) -> None:
        self._poll_done()
        if self._seen_change is not None and counter != self._seen_change:
            self._seen_change = counter
            self.refresh()

    def _poll_done(self) -> None:
        self._polling = False

    def stop_polling(self) -> None:
        self.poll_timer.stop()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.banner.show_message(message_for(exc), "error")

    def _show(self, generation: int, counter: int, entries: list[QueueEntry]) -> None:
        if generation != self._generation:
            return  # a newer refresh is on its way
        self._seen_change = counter
        self.entries = entries
        self.banner.show_message(f"{len(self.entries)} inspections waiting for review.", "info")
        self.table.setRowCount(len(self.entries))
        for row, e in enumerate(self.entries):
            cells = [
                _Number(e.inspection_id, str(e.inspection_id)),
                QTableWidgetItem(e.finished_at.strftime("%Y-%m-%d %H:%M") if e.finished_at else ""),
                QTableWidgetItem(BLIND_TEXT if e.blind else e.verdict), QTableWidgetItem(e.brand),
                QTableWidgetItem(e.authenticator),
                QTableWidgetItem(e.station),
                _Number(e.min_score, f"{e.min_score:.2f}" if e.min_score is not None else ""),
                _Number(e.declared_value, f"{e.declared_value:.0f}" if e.declared_value is not None else ""),
                _Number(e.risk, str(e.risk)), QTableWidgetItem(", ".join(e.reasons)),
                QTableWidgetItem(_state(e)),
            ]
            for column, cell in enumerate(cells):
                self.table.setItem(row, column, cell)
        self.table.resizeColumnsToContents()
        self.refreshed.emit()

    def export_csv(self, path: Path) -> int:
        """The entries shown, every field a column (services/desk_csv.py)."""
        path.write_text(to_csv(list(self.entries)), encoding="utf-8")
        return len(self.entries)

    def _ask_export(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, "Export the queue", "queue.csv", "CSV (*.csv)")
        if name:
            try:
                count = self.export_csv(Path(name))
            except OSError as exc:
                self.banner.show_message(message_for(exc), "error")
                return
            self.banner.show_message(f"Wrote {count} rows to {name}.", "info")

    def _sort_by(self, column: int) -> None:
        key = SORT_KEYS.get(column)
        if key is None:
            return
        self.descending = not self.descending if key == self.sort_key else key == "finished_at"
        self.sort_key = key
        self.refresh()

    def _open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self._open_row(rows[0].row())

    def _open_typed(self) -> None:
        text = self.id_edit.text().strip().lstrip("#")
        if not text.isdigit():
            self.banner.show_message("Type an inspection number, like 1234.", "error")
            return
        self.open_requested.emit(int(text))

    def _open_row(self, row: int) -> None:
        if 0 <= row < len(self.entries):
            self.open_requested.emit(self.entries[row].inspection_id)


def _state(entry: QueueEntry) -> str:
    if entry.reviewed:
        return "reviewed"
    if entry.claimed_by:
        until = entry.claim_expires.strftime("%H:%M") if entry.claim_expires else ""
        return f"claimed by {entry.claimed_by} until {until}".strip()
    return "waiting"
