"""A recorded comparison in the review: photo against reference, regions and score, built in a worker."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QLabel, QWidget

from inspector.services.views import ComparisonView as StoredComparison
from inspector.ui.background import run_in_background
from inspector.ui.compare import ComparisonView
from inspector.ui.compare.runner import PreparedComparison, prepare_images
from inspector.ui.widgets import message_for
from inspector.vision.compare import Comparison
from inspector.vision.imageio import load_image

# Tall enough to judge the regions without opening anything else; the review page scrolls.
VIEW_HEIGHT = 460


class WheelScrollsThePage(QObject):
    """On a page of several comparisons the wheel scrolls the page; Ctrl+wheel zooms the comparison."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not isinstance(event, QWheelEvent) or event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            return False
        parent = watched.parent() if isinstance(watched, QWidget) else None
        while parent is not None and not isinstance(parent, QAbstractScrollArea):
            parent = parent.parent()
        if parent is None:
            return False  # not inside a scrolling page: the wheel zooms as usual
        QApplication.sendEvent(parent.verticalScrollBar(), event)
        return True


def rebuild(comparison: StoredComparison, reference: Path, read: Callable[[str], bytes],
            photo_sha256: str, caption: str = "Photo") -> PreparedComparison:
    """The stored comparison as the view draws it: runs in a worker (decoding and warping take time)."""
    reference_image = load_image(reference)
    height, width = reference_image.shape[:2]
    result = Comparison.from_stored(
        comparison, (width, height),
        photo=read(photo_sha256) if comparison.homography else None,
        heatmap=read(comparison.heatmap_sha256) if comparison.heatmap_sha256 else None,
        message=f"{caption} against {reference.name}, as recorded.")
    return prepare_images(reference_image, result, comparison)


def stored_comparison_view(comparison: StoredComparison, reference: Path, read: Callable[[str], bytes],
                           photo_sha256: str, still_wanted: Callable[[], bool],
                           parent: QWidget | None = None, *, caption: str = "Photo") -> ComparisonView:
    """A ComparisonView that fills itself once the worker has rebuilt the comparison."""
    view = ComparisonView(parent)
    view.setMinimumHeight(VIEW_HEIGHT)
    view.wheel_filter = WheelScrollsThePage(view)  # type: ignore[attr-defined]
    view.canvas.installEventFilter(view.wheel_filter)  # type: ignore[attr-defined]
    for label in view.findChildren(QLabel):
        if label.text().startswith("Zoom: wheel"):
            label.setText("Zoom: Ctrl+wheel or + / − / 0 · Pan: drag")
    view.show_busy("Loading the recorded comparison…")

    def shown(prepared: PreparedComparison) -> None:
        if still_wanted():  # the supervisor may have opened another inspection meanwhile
            view.show_prepared(prepared)

    def failed(exc: BaseException) -> None:
        if still_wanted():
            view.show_error(message_for(exc))

    run_in_background(rebuild, comparison, reference, read, photo_sha256, caption,
                      on_result=shown, on_error=failed)
    return view
