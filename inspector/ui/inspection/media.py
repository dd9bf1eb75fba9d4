"""Where the capture and comparison widgets sit in a step; stand-ins until those modules exist.

The live camera (inspector.ui.capture.CaptureWidget) and the comparison viewer
(inspector.ui.compare.ComparisonView) are built separately; this module is the only place
that knows how to embed them, so the page talks to one small interface either way.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QFileDialog, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from inspector.config import Settings
from inspector.ui import theme
from inspector.ui.widgets import ScaledImage, pixmap_from_bytes, qimage_from_array

IMAGE_FILTER = "Images (*.jpg *.jpeg *.png *.tif *.tiff *.bmp *.webp)"


def _optional(module: str, name: str) -> Any | None:
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return None


class CaptureHost(QWidget):
    """Emits photo_taken(image bytes, source, quality notes tuple)."""

    photo_taken = Signal(bytes, str, object)

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        widget_class = _optional("inspector.ui.capture", "CaptureWidget")
        self.live: Any | None = None
        if widget_class is not None:
            self.live = widget_class(settings, parent=self)
            self.live.photo_taken.connect(self._on_live_photo)
            layout.addWidget(self.live, 1)
        else:
            # PLACEHOLDER until inspector/ui/capture lands: import from files only.
            note = QLabel("Live camera preview: not available on this build yet.\n"
                          "Import the photo from a file (Ctrl+O).")
            note.setAlignment(Qt.AlignmentFlag.AlignCenter)
            note.setWordWrap(True)
            layout.addWidget(note, 1)
        row = QHBoxLayout()
        self.import_button = QPushButton("Import photo from file…  (Ctrl+O)")
        self.import_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.import_button.clicked.connect(self.import_from_file)
        row.addStretch(1)
        row.addWidget(self.import_button)
        layout.addLayout(row)

    def set_reference(self, reference: Path | None) -> None:
        if self.live is not None and hasattr(self.live, "set_reference"):
            self.live.set_reference(reference)

    def capture(self) -> bool:
        """Take a photo from the live camera; False when there is no camera to take it from."""
        if self.live is not None and hasattr(self.live, "capture"):
            self.live.capture()
            return True
        return False

    def import_from_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import photo", str(Path.home()), IMAGE_FILTER)
        if path:
            self.photo_taken.emit(Path(path).read_bytes(), "file", ())

    def stop(self) -> None:
        if self.live is not None and hasattr(self.live, "stop"):
            self.live.stop()

    def _on_live_photo(self, *args: Any) -> None:
        data, source, notes = _photo_args(args)
        self.photo_taken.emit(data, source, tuple(notes))


def _photo_args(args: tuple[Any, ...]) -> tuple[bytes, str, tuple[str, ...]]:
    """Accept the capture widget's photo_taken(bytes[, source[, notes]]) or a photo object."""
    first = args[0]
    if isinstance(first, bytes | bytearray):
        source = str(args[1]) if len(args) > 1 else "camera"
        notes = tuple(args[2]) if len(args) > 2 and args[2] else ()
        return bytes(first), source, notes
    data = getattr(first, "data", None) or getattr(first, "jpeg", None)
    return bytes(data), str(getattr(first, "source", "camera")), tuple(getattr(first, "quality_notes", ()))


class CompareHost(QWidget):
    """Shows one comparison: the team's ComparisonView when present, else a plain side-by-side."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        view_class = _optional("inspector.ui.compare", "ComparisonView")
        self.view: Any = view_class(parent=self) if view_class is not None else SideBySide(self)
        layout.addWidget(self.view, 1)
        self.score_label = QLabel()
        self.score_label.setWordWrap(True)
        layout.addWidget(self.score_label)

    def show_comparison(self, reference: Path, photo: bytes, outcome: Any) -> None:
        view, result = outcome.view, outcome.result
        if hasattr(self.view, "show_comparison"):
            self.view.show_comparison(reference, photo, result)
        colour = theme.PASS if not view.regions else theme.WARNING
        regions = f"{len(view.regions)} region(s) differ — look at the boxes" if view.regions else \
            "no region stands out"
        aligned = "" if view.aligned else " — could not align the photo on the reference; check framing"
        message = str(getattr(result, "message", "") or "")
        self.score_label.setText(
            f"<span style='font-size:14pt'>Similarity <b>{view.score:.0%}</b> (worst spot) · "
            f"<span style='color:{colour}'>{regions}</span>{aligned}</span>"
            + (f"<br>{message}" if message and "region" not in message else ""))

    def clear(self) -> None:
        if hasattr(self.view, "clear"):
            self.view.clear()
        self.score_label.setText("")

    def zoom(self, steps: int) -> None:
        for name in ("zoom_in", "zoom_out"):
            if not hasattr(self.view, name):
                return
        for _ in range(abs(steps)):
            (self.view.zoom_in if steps > 0 else self.view.zoom_out)()


class SideBySide(QWidget):
    """PLACEHOLDER comparison until inspector/ui/compare lands: reference | aligned photo | heatmap."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.reference = ScaledImage("reference")
        self.photo = ScaledImage("photo")
        self.heatmap = ScaledImage("differences")
        for column, (caption, image) in enumerate((("Reference", self.reference),
                                                   ("Photo, aligned on the reference", self.photo),
                                                   ("Differences (red = differs)", self.heatmap))):
            layout.addWidget(QLabel(caption), 0, column)
            layout.addWidget(image, 1, column)
        layout.setRowStretch(1, 1)
        self.region_count = 0

    def show_comparison(self, reference: Path, photo: bytes, result: Any) -> None:
        regions = [(r.x, r.y, r.w, r.h) for r in getattr(result, "regions", [])]
        self.region_count = len(regions)
        self.reference.set_image(_boxed(QPixmap(str(reference)), regions))
        warped = result.warped if getattr(result, "warped", None) is not None else None
        self.photo.set_image(_boxed(QPixmap.fromImage(qimage_from_array(warped)), regions)
                             if warped is not None else pixmap_from_bytes(photo))
        heat = getattr(result, "heatmap", None)
        if heat is not None:
            self.heatmap.set_image(_boxed(QPixmap.fromImage(qimage_from_array(heat)), regions,
                                          scale_to=QPixmap(str(reference)).size()))
        else:
            self.heatmap.clear_image()

    def clear(self) -> None:
        for image in (self.reference, self.photo, self.heatmap):
            image.clear_image()
        self.region_count = 0


def _boxed(pixmap: QPixmap, regions: list[tuple[int, int, int, int]], scale_to: Any = None) -> QPixmap:
    """Draw the flagged regions (reference pixels) on a copy of the pixmap."""
    if pixmap.isNull() or not regions:
        return pixmap
    boxed = pixmap.copy()
    painter = QPainter(boxed)
    fx = boxed.width() / scale_to.width() if scale_to else 1.0
    fy = boxed.height() / scale_to.height() if scale_to else 1.0
    painter.setPen(QPen(QColor(theme.FAIL), max(3, boxed.width() // 250)))
    for x, y, w, h in regions:
        painter.drawRect(QRect(int(x * fx), int(y * fy), int(w * fx), int(h * fy)))
    painter.end()
    return boxed
