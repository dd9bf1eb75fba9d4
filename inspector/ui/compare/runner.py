"""Run a comparison in the background (via background.py) and feed a ComparisonView."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from inspector.ui.background import run_in_background
from inspector.ui.compare.canvas import Box
from inspector.ui.widgets import message_for, qimage_from_array
from inspector.vision.imageio import load_image

# The screen never needs more than this; converting less keeps the hand-over fast.
DISPLAY_SIDE = 2000


@dataclass
class PreparedComparison:
    """Display-ready images (QImage is safe to build off the GUI thread; QPixmap is not)."""

    reference: QImage
    photo: QImage | None
    heatmap: QImage | None
    boxes: list[Box]
    score: float
    aligned: bool
    message: str
    outcome: Any = field(default=None, repr=False)  # the service's ComparisonOutcome, if any


def _to_qimage(image: np.ndarray | None, scale: float) -> QImage | None:
    if image is None:
        return None
    import cv2

    if scale < 1.0:
        image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    return qimage_from_array(image)  # BGR as it is: no channel reversal copy


def prepare_images(reference: np.ndarray, comparison: Any, outcome: Any = None
                   ) -> PreparedComparison:
    """From a vision Comparison to what the view shows; call in the worker."""
    scale = min(1.0, DISPLAY_SIDE / max(reference.shape[:2]))
    ref_w, ref_h = comparison.reference_size
    # Regions are in reference pixels at reference_size; the displayed reference may differ.
    region_scale = reference.shape[1] * scale / ref_w if ref_w else scale
    warped, heatmap = comparison.warped, comparison.heatmap
    height, width = reference.shape[:2]
    if warped is not None and warped.shape[:2] != (height, width):
        import cv2

        warped = cv2.resize(warped, (width, height))
        heatmap = None if heatmap is None else cv2.resize(heatmap, (width, height))
    ordered = sorted(comparison.regions, key=lambda region: region.score)  # worst first
    boxes = [Box(number, r.x * region_scale, r.y * region_scale, r.w * region_scale,
                 r.h * region_scale, r.score) for number, r in enumerate(ordered, start=1)]
    del ref_h
    return PreparedComparison(
        reference=_to_qimage(reference, scale) or QImage(), photo=_to_qimage(warped, scale),
        heatmap=_to_qimage(heatmap, scale), boxes=boxes, score=float(comparison.score),
        aligned=bool(comparison.aligned), message=str(comparison.message), outcome=outcome)


class ComparisonRunner(QObject):
    """Compares off the GUI thread; the view (if given) is updated on the GUI thread."""

    comparison_finished = Signal(object)  # PreparedComparison
    comparison_failed = Signal(str)

    def __init__(self, view: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self._generation = 0  # results of a superseded request are dropped

    def compare_photo(self, station: Any, actor: Any, photo_id: int, reference_path: str | Path,
                      reference_index: int = 0) -> None:
        """services.comparisons.compare_photo in the background, then show it."""
        def work() -> PreparedComparison:
            outcome = station.comparisons.compare_photo(actor, photo_id, reference_index)
            return prepare_images(load_image(reference_path), outcome.result, outcome)
        self.run(work)

    def compare_arrays(self, reference: np.ndarray, photo: np.ndarray,
                       compare: Callable[..., Any] | None = None, **options: Any) -> None:
        """inspector.vision.compare on arrays in the background (demo, benchmark)."""
        from inspector.vision.compare import compare as vision_compare

        run_compare = compare or vision_compare

        def work() -> PreparedComparison:
            return prepare_images(reference, run_compare(reference, photo, **options))
        self.run(work)

    def run(self, work: Callable[[], PreparedComparison]) -> None:
        self._generation += 1
        generation = self._generation
        if self.view is not None:
            self.view.show_busy()
        run_in_background(
            work,
            on_result=lambda prepared: self._on_finished(generation, prepared),
            on_error=lambda exc: self._on_failed(generation, message_for(exc)))

    def _on_finished(self, generation: int, prepared: PreparedComparison) -> None:
        if generation != self._generation:
            return
        if self.view is not None:
            self.view.show_prepared(prepared)
        self.comparison_finished.emit(prepared)

    def _on_failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        if self.view is not None:
            self.view.show_error(message)
        self.comparison_failed.emit(message)
