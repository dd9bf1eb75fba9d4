"""A plain QPainter bar chart (QtCharts is not installed): one bar per row, value labels."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


class BarChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = ""
        self.bars: list[tuple[str, float]] = []
        self.percent = False
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_data(self, title: str, bars: list[tuple[str, float]], *, percent: bool = False) -> None:
        self.title, self.bars, self.percent = title, bars[:30], percent
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.setPen(palette.windowText().color())
        width, height = self.width(), self.height()
        painter.drawText(QRectF(0, 0, width, 20), Qt.AlignmentFlag.AlignCenter, self.title)
        if not self.bars:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No data for this period")
            return
        top, bottom = 40.0, height - 40.0
        # Rates are drawn against 100 %, so two charts of rates compare at a glance.
        peak = 1.0 if self.percent else (max((v for _, v in self.bars), default=0.0) or 1.0)
        slot = width / len(self.bars)
        bar_width = min(slot * 0.7, 90.0)
        for index, (name, value) in enumerate(self.bars):
            bar_height = (bottom - top) * (value / peak)
            x = index * slot + (slot - bar_width) / 2
            rect = QRectF(x, bottom - bar_height, bar_width, bar_height)
            painter.fillRect(rect, palette.highlight())
            label = f"{value:.0%}" if self.percent else f"{value:g}"
            painter.drawText(QRectF(index * slot, bottom - bar_height - 18, slot, 16),
                             Qt.AlignmentFlag.AlignCenter, label)
            painter.drawText(QRectF(index * slot, bottom + 4, slot, 32),
                             Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap, name)
