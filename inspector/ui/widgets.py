"""Small shared pieces: banners, images from bytes or arrays, one-sentence error messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from inspector.errors import InspectorError

if TYPE_CHECKING:
    from inspector.security.roles import Actor
    from inspector.services.station import StationServices


def message_for(exc: BaseException) -> str:
    """The one sentence a person sees: ours as written, anything else without a traceback."""
    if isinstance(exc, InspectorError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"The station could not read or write a file ({exc.strerror or exc}); nothing was lost."
    return f"Something went wrong ({type(exc).__name__}: {exc}); the last recorded step is safe."


def show_error(parent: QWidget | None, exc: BaseException, title: str = "Inspector") -> None:
    QMessageBox.warning(parent, title, message_for(exc))


class Banner(QLabel):
    """A one-line coloured message: info, warning or error; hidden when empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_message(self, text: str, kind: str = "info") -> None:
        self.setProperty("role", f"banner-{kind}")
        self.style().unpolish(self)
        self.style().polish(self)
        self.setText(text)
        self.setVisible(bool(text))

    def clear_message(self) -> None:
        self.setText("")
        self.hide()


class _TallRows(QStyledItemDelegate):
    """Rows at least a bench target high, in the size the view lays out and clicks by (a stylesheet
    min-height only draws taller boxes over rows laid out at text height: clicks hit the wrong row)."""

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:  # type: ignore[no-untyped-def]
        from inspector.ui.theme import MIN_TARGET_PX

        hint = super().sizeHint(option, index)
        return QSize(hint.width(), max(hint.height(), MIN_TARGET_PX))


def tall_rows(view: QAbstractItemView) -> None:
    """Give a list's rows the bench's minimum height (44 px), laid out and clickable as drawn."""
    view.setItemDelegate(_TallRows(view))


def title_label(text: str, role: str = "title") -> QLabel:
    label = QLabel(text)
    label.setProperty("role", role)
    label.setWordWrap(True)
    return label


def pixmap_from_bytes(data: bytes) -> QPixmap:
    pixmap = QPixmap()
    pixmap.loadFromData(data)
    return pixmap


def qimage_from_array(image: np.ndarray) -> QImage:
    """A QImage owning a copy of an OpenCV BGR or grey array."""
    array = np.ascontiguousarray(image)
    if array.ndim == 2:
        height, width = array.shape
        return QImage(array.data, width, height, array.strides[0], QImage.Format.Format_Grayscale8).copy()
    height, width = array.shape[:2]
    return QImage(array.data, width, height, array.strides[0], QImage.Format.Format_BGR888).copy()


def cached_photo_reader(services: StationServices, actor: Actor) -> Callable[[str], bytes]:
    """sha256 -> the photo's cached thumbnail (left by its comparison), else the photo itself, which
    the service gives only to someone who may see it (`actor`'s session is checked).

    For thumbnails only: a few KB instead of a 12 MP JPEG to read and decode."""
    photos, inspections = services.ctx.photos, services.inspections

    def read(sha256: str) -> bytes:
        return photos.read_thumbnail(sha256) or inspections.photo_bytes(actor, sha256)

    return read


def thumbnail_image(data: bytes, longest_side: int = 240) -> QImage:
    """A small QImage of an encoded photo; JPEGs decode at 1/8 scale, so a 12 MP photo is cheap.

    Safe on a worker thread (QImage, not QPixmap).
    """
    import cv2

    array = np.frombuffer(data, np.uint8)
    image = cv2.imdecode(array, cv2.IMREAD_REDUCED_COLOR_8)
    if image is None or max(image.shape[:2]) < longest_side // 2:
        image = cv2.imdecode(array, cv2.IMREAD_COLOR)
    if image is None:
        return QImage()
    scale = longest_side / max(image.shape[:2])
    if scale < 1:
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return qimage_from_array(image)


class ScaledImage(QLabel):
    """An image that keeps its aspect ratio as the label resizes."""

    def __init__(self, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixmap = QPixmap()
        self._placeholder = placeholder
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(QSize(120, 90))
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setText(placeholder)

    def set_image(self, pixmap: QPixmap) -> None:
        self._pixmap = pixmap
        self._rescale()

    def clear_image(self) -> None:
        self._pixmap = QPixmap()
        self.setPixmap(QPixmap())
        self.setText(self._placeholder)

    def has_image(self) -> bool:
        return not self._pixmap.isNull()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rescale()

    def _rescale(self) -> None:
        if self._pixmap.isNull():
            return
        self.setPixmap(self._pixmap.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                           Qt.TransformationMode.SmoothTransformation))
