"""A plain QPainter bar chart (QtCharts is not installed): one horizontal bar per row, readable at 30+.

Names sit on the left in a column of their own (elided, full name in the tooltip), one line each,
so 30 authenticators make 30 readable lines; the widget grows with the rows and scrolls. A rate is
drawn against 100% with its 95% interval as a whisker, and its n beside the value.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

ROW_GAP = 6
NAME_WIDTH = 150
VALUE_WIDTH = 120

Bar = tuple[str, float, "tuple[float, float] | None", "int | None"]  # name, value, interval, n


class BarChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = ""
        self.bars: list[Bar] = []
        self.percent = False
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

    def row_height(self) -> int:
        return QFontMetrics(self.font()).height() + ROW_GAP

    def set_data(self, title: str, bars: list[tuple[object, ...]], *, percent: bool = False) -> None:
        """bars: (name, value) or (name, value, (low, high) or None, n or None)."""
        self.title, self.percent = title, percent
        self.bars = [(str(b[0]), float(b[1]),  # type: ignore[arg-type]
                      b[2] if len(b) > 2 else None, b[3] if len(b) > 3 else None) for b in bars]  # type: ignore[misc]
        self.setMinimumHeight(max(180, 40 + self.row_height() * len(self.bars)))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        ink = palette.windowText().color()
        painter.setPen(ink)
        width = self.width()
        painter.drawText(QRectF(0, 0, width, 22), Qt.AlignmentFlag.AlignCenter, self.title)
        if not self.bars:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No data for this period")
            return
        metrics = QFontMetrics(self.font())
        row = self.row_height()
        left, right = NAME_WIDTH + 8.0, max(NAME_WIDTH + 60.0, width - VALUE_WIDTH - 8.0)
        # Rates are drawn against 100 %, so two charts of rates compare at a glance.
        peak = 1.0 if self.percent else (max((v for _, v, _, _ in self.bars), default=0.0) or 1.0)
        span = right - left
        for index, (name, value, interval, count) in enumerate(self.bars):
            y = 30.0 + index * row
            painter.setPen(ink)
            painter.drawText(QRectF(0, y, NAME_WIDTH, row),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             metrics.elidedText(name, Qt.TextElideMode.ElideRight, NAME_WIDTH))
            bar = QRectF(left, y + ROW_GAP / 2, span * min(1.0, max(0.0, value / peak)), row - ROW_GAP)
            painter.fillRect(bar, palette.highlight())
            if interval is not None:
                low, high = interval
                middle = y + row / 2
                painter.drawLine(QPointF(left + span * low, middle), QPointF(left + span * high, middle))
                for end in (low, high):
                    x = left + span * end
                    painter.drawLine(QPointF(x, middle - 3), QPointF(x, middle + 3))
            label = f"{value:.0%}" if self.percent else f"{value:g}"
            if count is not None:
                label += f"  n={count}"
            painter.drawText(QRectF(right + 6, y, VALUE_WIDTH, row),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label)
