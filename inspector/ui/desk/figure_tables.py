"""Tables behind the analytics: inspections (drill-down, search), weekly trends, the disagreement matrix.

Each shows plain rows from the services and exports exactly them as CSV (services/desk_csv.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem, QWidget

from inspector.services.desk_csv import to_csv
from inspector.services.desk_figures import InspectionRow, MatrixRow, TrendPoint
from inspector.services.rates import Rate


class SortableItem(QTableWidgetItem):
    """Shows text, sorts by a number (a rate's value, a count)."""

    def __init__(self, text: str, key: float | None = None, tip: str = "") -> None:
        super().__init__(text)
        self.setData(Qt.ItemDataRole.UserRole, key)
        if tip:
            self.setToolTip(tip)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine, theirs = self.data(Qt.ItemDataRole.UserRole), other.data(Qt.ItemDataRole.UserRole)
        if isinstance(mine, int | float) and isinstance(theirs, int | float):
            return mine < theirs
        return self.text() < other.text()


def rate_item(rate: Rate) -> SortableItem:
    """'80% (8/10)' with the 95% interval in the tooltip; sorts by the rate."""
    if not rate.n:
        return SortableItem("", None, "no data (n=0)")
    low, high = rate.interval
    return SortableItem(f"{rate.value:.0%} ({rate.k}/{rate.n})", rate.value,
                        f"95% interval {low:.0%}-{high:.0%} (Wilson), n={rate.n}")


# The index of a line's service row, kept on its first cell: the table sorts, the rows do not.
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
# Trend column -> the drill-down figure behind it (double-click).
TREND_FIGURES = {2: "inspections", 3: "pass", 4: "fail", 5: "inconclusive", 6: "reviewed", 7: "overturned"}
MATRIX_FIRST_CELL = 3  # columns before it: authenticator, reviews, agreement


class RowsTable(QTableWidget):
    """A read-only table of service rows, with CSV export of what it shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 0, parent)
        self.rows: list[object] = []
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().setVisible(False)
        self.setWordWrap(False)

    def fill(self, headers: list[str], rows: list[object],
             cells: Sequence[Sequence[QTableWidgetItem]]) -> None:
        self.rows = rows
        self.setSortingEnabled(False)
        self.clear()
        self.setColumnCount(len(headers))
        self.setHorizontalHeaderLabels(headers)
        self.setRowCount(len(cells))
        for r, line in enumerate(cells):
            for c, item in enumerate(line):
                if c == 0:
                    item.setData(ROW_ROLE, r)
                self.setItem(r, c, item)
        self.setSortingEnabled(True)
        self.resizeColumnsToContents()

    def row_object(self, row: int) -> object | None:
        """The service row shown on this line (whatever the sort)."""
        item = self.item(row, 0)
        index = item.data(ROW_ROLE) if item is not None else None
        return self.rows[index] if isinstance(index, int) and 0 <= index < len(self.rows) else None

    def export_csv(self, path: Path) -> int:
        path.write_text(to_csv(list(self.rows)), encoding="utf-8")
        return len(self.rows)


class InspectionsTable(RowsTable):
    open_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cellDoubleClicked.connect(self._open)

    def show_rows(self, rows: list[InspectionRow]) -> None:
        cells = [[SortableItem(str(r.inspection_id), r.inspection_id),
                  SortableItem(r.finished_at.strftime("%Y-%m-%d %H:%M") if r.finished_at else ""),
                  SortableItem(r.item_code), SortableItem(r.style_code or ""), SortableItem(r.brand),
                  SortableItem(r.authenticator), SortableItem(r.station),
                  SortableItem(r.verdict or "blind"), SortableItem(r.serial or "")] for r in rows]
        self.fill(["ID", "Finished", "Item", "Style", "Brand", "Authenticator", "Station", "Verdict",
                   "Certificate"], list(rows), cells)

    def _open(self, row: int, _column: int) -> None:
        item = self.item(row, 0)
        if item is not None:
            self.open_requested.emit(int(item.text()))


class TrendTable(RowsTable):
    drill_requested = Signal(object, str)  # the TrendPoint, the figure double-clicked

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setToolTip("Double-click a figure for the inspections behind it")
        self.cellDoubleClicked.connect(self._drill)

    def _drill(self, row: int, column: int) -> None:
        point = self.row_object(row)
        if isinstance(point, TrendPoint):
            self.drill_requested.emit(point, TREND_FIGURES.get(column, "inspections"))

    def show_points(self, points: list[TrendPoint]) -> None:
        cells: list[list[QTableWidgetItem]] = []
        for p in points:
            rates = p.rates()
            cells.append([SortableItem(p.week.isoformat()), SortableItem(p.name),
                          SortableItem(str(p.inspections), p.inspections), rate_item(rates["pass_rate"]),
                          rate_item(rates["fail_rate"]), rate_item(rates["inconclusive_rate"]),
                          SortableItem(str(p.reviews), p.reviews), rate_item(rates["overturn_rate"])])
        self.fill(["Week of", "Name", "Items", "Pass", "Fail", "Inconcl.", "Reviews", "Overturn"],
                  list(points), cells)


class MatrixTable(RowsTable):
    # The MatrixRow, and the cell's (authenticator's verdict, reviewer's verdict) or None for all reviews.
    drill_requested = Signal(object, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pairs: list[tuple[str, str]] = []
        self.setToolTip("Double-click a cell for the inspections behind it")
        self.cellDoubleClicked.connect(self._drill)

    def _drill(self, row: int, column: int) -> None:
        found = self.row_object(row)
        if isinstance(found, MatrixRow):
            index = column - MATRIX_FIRST_CELL
            self.drill_requested.emit(found, self.pairs[index] if 0 <= index < len(self.pairs) else None)

    def show_matrix(self, rows: list[MatrixRow]) -> None:
        pairs = sorted({pair for row in rows for pair in row.cells})
        self.pairs = pairs
        cells = [[SortableItem(row.authenticator), SortableItem(str(row.reviews), row.reviews),
                  rate_item(row.agreement()),
                  *[SortableItem(str(row.cells.get(pair, 0)), row.cells.get(pair, 0)) for pair in pairs]]
                 for row in rows]
        self.fill(["Authenticator", "Reviews", "Agreement", *[f"{a} → {b}" for a, b in pairs]],
                  list(rows), cells)
