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
from inspector.ui.background import run_in_background
from inspector.ui.widgets import ScaledImage, pixmap_from_bytes, qimage_from_array

IMAGE_FILTER = "Images (*.jpg *.jpeg *.png *.tif *.tiff *.bmp *.webp)"
REFERENCE_CACHE = 64  # decoded references kept per session: a few checklists (~6 MB each at most)


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
        open_source: Any = _optional("inspector.ui.capture", "open_source")
        self.live: Any | None = None
        self._reference_shown: Path | None = None
        self._references: dict[Path, tuple[Any, Any]] = {}
        if widget_class is not None:
            # The camera setting: a device number, an image folder or a video file (demos, tests).
            self.live = widget_class(source_factory=lambda: open_source(self._settings.camera), parent=self)
            self.live.photo_taken.connect(self._on_live_photo)
            self.live.auto_capture = settings.auto_capture
            layout.addWidget(self.live, 1)
            if settings.hot_folder:
                self.live.watch_folder(settings.hot_folder)
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
        self.import_button.setVisible(self.live is None)  # the capture widget has its own

    def set_reference(self, reference: Path | None) -> None:
        """The step's reference for the framing ghost; starts the camera on the first photo step."""
        if self.live is None or reference == self._reference_shown:
            return
        self._reference_shown = reference
        if reference is None or reference in self._references:
            self.live.set_reference(*self._prepared(reference))
        else:
            # The first time a step shows this reference: decode and prepare it off the GUI thread
            # (tens to hundreds of ms for a large image); the ghost and framing check follow.
            live = self.live
            live.set_reference(None, None)  # never the step before's ghost or framing check meanwhile
            run_in_background(_load_reference, reference,
                              on_result=lambda made: self._on_reference_ready(reference, made),
                              on_error=lambda _exc: live.set_reference(None, None))
        if self.live.camera is None:
            self.live.start_camera()

    def _on_reference_ready(self, reference: Path, made: tuple[Any, Any]) -> None:
        if len(self._references) >= REFERENCE_CACHE:
            self._references.pop(next(iter(self._references)))
        self._references[reference] = made
        if self.live is not None and reference == self._reference_shown:
            self.live.set_reference(*made)

    def _prepared(self, reference: Path | None) -> tuple[Any, Any]:
        """(image, features) for the ghost and the framing check; loaded once per path and session."""
        if reference is None:
            return None, None
        if reference not in self._references:
            self._on_reference_ready(reference, _load_reference(reference))
        return self._references[reference]

    def capture(self) -> bool:
        """Take a photo from the live camera (after the step changed: from its next frame, not one
        filmed for the step before); False when there is no camera to take it from."""
        if self.live is None:
            return False
        return self.live.capture() is not None or bool(getattr(self.live, "waiting_for_frame", False))

    def step_changed(self) -> None:
        """The authenticator moved to another step: the frames on hand show the previous one."""
        if self.live is not None and hasattr(self.live, "require_fresh_frame"):
            self.live.require_fresh_frame()

    def import_from_file(self) -> None:
        if self.live is not None:
            self.live.import_file()
            return
        path, _ = QFileDialog.getOpenFileName(self, "Import photo", str(Path.home()), IMAGE_FILTER)
        if path:
            self.photo_taken.emit(Path(path).read_bytes(), "file", ())

    def stop(self) -> None:
        """Stop the camera thread and the hot folder (leaving the inspection, closing the window)."""
        if self.live is not None:
            self.live.shutdown()
            self._reference_shown = None

    def apply_settings(self, settings: Settings) -> None:
        """Settings changed (dialog, demo station): the next camera start uses the new camera."""
        camera_changed = settings.camera != self._settings.camera
        self._settings = settings
        if self.live is not None and hasattr(self.live, "auto_capture"):
            self.live.auto_capture = settings.auto_capture
        if camera_changed and self.live is not None and self.live.camera is not None:
            self.live.start_camera()

    def _on_live_photo(self, *args: Any) -> None:
        data, source, notes = _photo_args(args)
        self.photo_taken.emit(data, source, tuple(notes))


def _load_reference(reference: Path) -> tuple[Any, Any]:
    """(image, features) of a reference, on any thread; (None, None) when it cannot be read."""
    from inspector.vision.imageio import load_image
    from inspector.vision.quality import prepare_reference

    try:
        image = load_image(reference) if reference.is_file() else None
    except Exception:
        image = None  # a missing reference: no ghost, the camera still works
    return image, None if image is None else prepare_reference(image)


def _photo_args(args: tuple[Any, ...]) -> tuple[bytes, str, tuple[str, ...]]:
    """Accept the capture widget's photo_taken(bytes[, source[, notes]]) or a photo object."""
    first = args[0]
    if isinstance(first, bytes | bytearray):
        source = str(args[1]) if len(args) > 1 else "camera"
        notes = tuple(args[2]) if len(args) > 2 and args[2] else ()
        return bytes(first), source, notes
    data = getattr(first, "data", None) or getattr(first, "jpeg", None) or b""
    return bytes(data), str(getattr(first, "source", "camera")), tuple(getattr(first, "quality_notes", ()))


class CompareHost(QWidget):
    """Shows one comparison: the team's ComparisonView when present, else a plain side-by-side."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        view_class = _optional("inspector.ui.compare", "ComparisonView")
        self.prepare = _optional("inspector.ui.compare", "prepare_images")  # runs in the worker
        self.view: Any = view_class(parent=self) if view_class is not None else SideBySide(self)
        layout.addWidget(self.view, 1)
        self.score_label = QLabel()
        self.score_label.setWordWrap(True)
        self.score_label.setVisible(isinstance(self.view, SideBySide))  # the team's view has its own
        layout.addWidget(self.score_label)

    def show_comparison(self, reference: Path, photo: bytes, outcome: Any, prepared: Any = None) -> None:
        """Show a comparison; `prepared` (built off the GUI thread) goes to the team's view."""
        view, result = outcome.view, outcome.result
        if prepared is not None and hasattr(self.view, "show_prepared"):
            self.view.show_prepared(prepared)
        elif isinstance(self.view, SideBySide):
            self.view.show_comparison(reference, photo, result)
        colour = theme.PASS if not view.regions else theme.WARNING
        regions = f"{len(view.regions)} region(s) differ — look at the boxes" if view.regions else \
            "no region stands out"
        aligned = "" if view.aligned else " — could not align the photo on the reference; check framing"
        message = str(getattr(result, "message", "") or "")
        self.score_label.setText(
            f"<span style='font-size:14pt'>Match <b>{view.score:.0%}</b> (worst spot) · "
            f"<span style='color:{colour}'>{regions}</span>{aligned}</span>"
            + (f"<br>{message}" if message and "region" not in message else ""))

    def clear(self) -> None:
        if hasattr(self.view, "clear"):
            self.view.clear()
        self.score_label.setText("")

    def zoom(self, steps: int) -> None:
        canvas = getattr(self.view, "canvas", None)
        if canvas is not None and hasattr(canvas, "set_zoom"):
            canvas.set_zoom(canvas.zoom * (1.25 ** steps))


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
