"""The drawing surface of the comparison: one zoom/pan shared by every pane, regions as boxes."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

MIN_ZOOM, MAX_ZOOM, ZOOM_STEP = 1.0, 16.0, 1.25
GAP = 8  # pixels between the two side-by-side panes


class Mode(StrEnum):
    SIDE_BY_SIDE = "side"
    OVERLAY = "overlay"
    SWIPE = "swipe"
    HEATMAP = "heatmap"


@dataclass(frozen=True)
class Box:
    """A flagged region in reference pixels, numbered worst first."""

    number: int
    x: float
    y: float
    w: float
    h: float
    score: float


class CompareCanvas(QWidget):
    """Zoom (wheel, +/-/0) and pan (drag) apply to every pane at once, so they stay in sync."""

    zoom_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reference: QImage | None = None
        self.photo: QImage | None = None  # warped onto the reference
        self.heatmap: QImage | None = None
        self.boxes: list[Box] = []
        self.mode = Mode.SIDE_BY_SIDE
        self.opacity = 0.5  # overlay: share of the photo
        self.swipe = 0.5  # swipe: divider position, share of the width showing the photo
        self.zoom = 1.0
        self._pan = QPointF(0, 0)  # in reference pixels: the view centre's offset
        self._drag_from: QPointF | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(400, 300)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(False)

    # -- state -------------------------------------------------------------------------------
    def set_images(self, reference: QImage | None, photo: QImage | None,
                   heatmap: QImage | None, boxes: list[Box]) -> None:
        self.reference, self.photo, self.heatmap, self.boxes = reference, photo, heatmap, boxes
        self.reset_view()

    def set_mode(self, mode: Mode) -> None:
        self.mode = mode
        self.update()

    def set_zoom(self, zoom: float) -> None:
        self.zoom = min(MAX_ZOOM, max(MIN_ZOOM, zoom))
        if self.zoom == MIN_ZOOM:
            self._pan = QPointF(0, 0)
        self.zoom_changed.emit(self.zoom)
        self.update()

    def reset_view(self) -> None:
        self._pan = QPointF(0, 0)
        self.set_zoom(1.0)

    def panes(self) -> list[QRectF]:
        full = QRectF(self.rect())
        if self.mode is Mode.SIDE_BY_SIDE:
            half = (full.width() - GAP) / 2
            return [QRectF(0, 0, half, full.height()), QRectF(half + GAP, 0, half, full.height())]
        return [full]

    def image_rect(self, pane: QRectF) -> QRectF:
        """Where the whole reference lands in this pane at the current zoom and pan."""
        if self.reference is None:
            return QRectF()
        width, height = self.reference.width(), self.reference.height()
        scale = min(pane.width() / width, pane.height() / height) * self.zoom
        centre = pane.center() - self._pan * scale
        return QRectF(centre.x() - width * scale / 2, centre.y() - height * scale / 2,
                      width * scale, height * scale)

    # -- painting ----------------------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(24, 24, 24))
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.reference is None:
            painter.setPen(QColor(200, 200, 200))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "No comparison yet")
            painter.end()
            return
        panes = self.panes()
        if self.mode is Mode.SIDE_BY_SIDE:
            self._paint_pane(painter, panes[0], [(self.reference, 1.0)], "Reference")
            self._paint_pane(painter, panes[1], [(self.photo, 1.0)], "Photo")
        elif self.mode is Mode.OVERLAY:
            self._paint_pane(painter, panes[0], [(self.reference, 1.0), (self.photo, self.opacity)],
                             f"Overlay — photo {self.opacity:.0%}")
        elif self.mode is Mode.HEATMAP:
            self._paint_pane(painter, panes[0], [(self.reference, 1.0), (self.heatmap, 0.6)],
                             "Differences — red is different")
        else:
            self._paint_swipe(painter, panes[0])
        painter.end()

    def _paint_pane(self, painter: QPainter, pane: QRectF,
                    layers: list[tuple[QImage | None, float]], caption: str) -> None:
        painter.save()
        painter.setClipRect(pane)
        target = self.image_rect(pane)
        for image, opacity in layers:
            if image is not None:
                painter.setOpacity(opacity)
                painter.drawImage(target, image)
        painter.setOpacity(1.0)
        if layers[-1][0] is None:
            painter.setPen(QColor(230, 120, 120))
            painter.drawText(pane, Qt.AlignmentFlag.AlignCenter, "Photo could not be aligned")
        self._paint_boxes(painter, target)
        self._paint_caption(painter, pane, caption)
        painter.restore()

    def _paint_swipe(self, painter: QPainter, pane: QRectF) -> None:
        target = self.image_rect(pane)
        divider = pane.left() + pane.width() * self.swipe
        painter.save()
        painter.setClipRect(pane)
        if self.reference is not None:
            painter.drawImage(target, self.reference)
        if self.photo is not None:
            painter.save()
            painter.setClipRect(QRectF(pane.left(), pane.top(), divider - pane.left(), pane.height()))
            painter.drawImage(target, self.photo)
            painter.restore()
        painter.setPen(QPen(QColor(255, 255, 255), 3))
        painter.drawLine(QPointF(divider, pane.top()), QPointF(divider, pane.bottom()))
        self._paint_boxes(painter, target)
        self._paint_caption(painter, pane, "Photo ◀ swipe ▶ Reference")
        painter.restore()

    def _paint_boxes(self, painter: QPainter, target: QRectF) -> None:
        if self.reference is None:
            return
        scale = target.width() / self.reference.width()
        font = QFont(painter.font())
        font.setPointSize(11)
        font.setBold(True)
        painter.setFont(font)
        for box in self.boxes:
            rect = QRectF(target.left() + box.x * scale, target.top() + box.y * scale,
                          box.w * scale, box.h * scale)
            painter.setPen(QPen(QColor(255, 60, 60), 3))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect)
            label = f"{box.number}  {box.score:.0%}"
            tag = QRectF(rect.left(), rect.top() - 22, max(64.0, 9.0 * len(label)), 22)
            painter.fillRect(tag, QColor(200, 30, 30))
            painter.setPen(QColor(255, 255, 255))
            painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, label)

    def _paint_caption(self, painter: QPainter, pane: QRectF, caption: str) -> None:
        tag = QRectF(pane.left() + 8, pane.bottom() - 32, min(pane.width() - 16, 320), 26)
        painter.fillRect(tag, QColor(0, 0, 0, 170))
        painter.setPen(QColor(240, 240, 240))
        painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, caption)

    # -- input -------------------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        factor = ZOOM_STEP if event.angleDelta().y() > 0 else 1 / ZOOM_STEP
        self.set_zoom(self.zoom * factor)
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.set_zoom(self.zoom * ZOOM_STEP)
        elif key == Qt.Key.Key_Minus:
            self.set_zoom(self.zoom / ZOOM_STEP)
        elif key == Qt.Key.Key_0:
            self.reset_view()
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.mode is Mode.SWIPE and event.button() == Qt.MouseButton.RightButton:
            self.swipe = min(1.0, max(0.0, event.position().x() / max(1, self.width())))
            self.update()
            return
        self._drag_from = event.position()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is None or self.reference is None:
            return
        pane = self.panes()[0]
        scale = self.image_rect(pane).width() / self.reference.width()
        delta = event.position() - self._drag_from
        self._drag_from = event.position()
        self.pan_by(-delta.x() / scale, -delta.y() / scale)

    def mouseReleaseEvent(self, _event: QMouseEvent) -> None:
        self._drag_from = None

    def pan_by(self, dx: float, dy: float) -> None:
        """Move the view by reference pixels (positive: see more to the right / below)."""
        if self.reference is None:
            return
        half_w = self.reference.width() / 2
        half_h = self.reference.height() / 2
        x = min(half_w, max(-half_w, self._pan.x() + dx))
        y = min(half_h, max(-half_h, self._pan.y() + dy))
        self._pan = QPointF(x, y)
        self.update()

    @property
    def pan(self) -> QPointF:
        return QPointF(self._pan)
