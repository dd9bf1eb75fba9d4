"""Compare: reference vs photo side by side, overlay, swipe and heatmap, with flagged regions."""

from __future__ import annotations

from inspector.ui.compare.canvas import CompareCanvas, Mode
from inspector.ui.compare.runner import ComparisonRunner, prepare_images
from inspector.ui.compare.view import ComparisonView

__all__ = ["CompareCanvas", "ComparisonRunner", "ComparisonView", "Mode", "prepare_images"]
