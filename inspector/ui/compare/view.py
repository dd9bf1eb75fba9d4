"""ComparisonView: mode buttons, opacity/swipe slider, score and message around a CompareCanvas."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from inspector.ui.compare.canvas import ZOOM_STEP, CompareCanvas, Mode
from inspector.ui.compare.runner import PreparedComparison, prepare_images

TARGET_PX = 44
MESSAGE_PX = 440  # the longest message line shown; the whole message is in its tooltip
MODE_LABELS = {Mode.SIDE_BY_SIDE: "Side by side", Mode.OVERLAY: "Overlay",
               Mode.SWIPE: "Swipe", Mode.HEATMAP: "Differences"}


class ComparisonView(QWidget):
    """Embed and call show_comparison(reference_bgr, comparison) or feed it a ComparisonRunner."""

    mode_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = CompareCanvas()
        self.prepared: PreparedComparison | None = None
        self.mode_buttons: dict[Mode, QPushButton] = {}
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        modes = QHBoxLayout()
        for mode, label in MODE_LABELS.items():
            button = QPushButton(label)
            button.setCheckable(True)
            button.setMinimumHeight(TARGET_PX)
            # The chosen mode must be obvious at a glance, in light and dark themes.
            # No vertical padding: the target's height is TARGET_PX, not more; every pixel of the
            # row is taken from the pictures above a 768-line screen.
            button.setStyleSheet("QPushButton { padding: 0 18px; min-width: 110px; }"
                                 "QPushButton:checked { background: #2f6fd6; color: white;"
                                 " font-weight: bold; border-radius: 4px; }")
            button.clicked.connect(lambda _=False, chosen=mode: self.set_mode(chosen))
            self._group.addButton(button)
            self.mode_buttons[mode] = button
            modes.addWidget(button)
        self.slider_label = QLabel("")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 100)
        self.slider.setValue(50)
        self.slider.setMinimumHeight(TARGET_PX)
        self.slider.setMinimumWidth(160)
        self.slider.valueChanged.connect(self._on_slider_moved)
        widest = self.slider_label.fontMetrics().horizontalAdvance("Photo opacity")
        self.slider_label.setFixedWidth(widest + 12)
        # Hidden in two modes but its room kept: choosing a mode never moves a button under the cursor.
        for widget in (self.slider_label, self.slider):
            policy = widget.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            widget.setSizePolicy(policy)
        modes.addWidget(self.slider_label)
        modes.addWidget(self.slider, 1)

        self.score_label = QLabel("")
        self.score_label.setStyleSheet("font-size: 18px; font-weight: bold;")
        self.message_label = QLabel("")
        # One line, elided (the whole text in its tooltip): a long message never takes height from
        # the comparison nor moves the buttons below it.
        self.message_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.message_label.setStyleSheet("font-size: 15px;")
        # The score and message: a row above the modes, or the tab bar's corner where the view sits
        # in a tab (the bench), so the comparison gets that height.
        self.summary = QWidget()
        header = QHBoxLayout(self.summary)
        header.setContentsMargins(4, 0, 4, 0)
        header.addWidget(self.score_label)
        header.addWidget(self.message_label, 1)
        self.canvas.setToolTip("Zoom: wheel or + / − / 0 · Pan: drag")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.summary)
        layout.addLayout(modes)
        layout.addWidget(self.canvas, 1)
        self.set_mode(Mode.SIDE_BY_SIDE)

    # -- public API --------------------------------------------------------------------------
    def show_comparison(self, reference: np.ndarray, comparison: Any) -> None:
        """Show a vision Comparison directly (prepares images on this thread: small images only)."""
        self.show_prepared(prepare_images(reference, comparison))

    def show_prepared(self, prepared: PreparedComparison) -> None:
        self.prepared = prepared
        self.canvas.set_images(prepared.reference, prepared.photo, prepared.heatmap, prepared.boxes)
        if prepared.aligned:
            count = len(prepared.boxes)
            self.score_label.setText(f"Match {prepared.score:.0%}")
            regions = "no differing regions" if not count else (
                f"{count} differing region{'s' if count > 1 else ''}, worst first")
            # The vision message already says what differs; ours is the fallback.
            text = prepared.message or regions
            self._say(text[:1].upper() + text[1:].rstrip(".") + ".")
            self.score_label.setStyleSheet(
                "font-size: 18px; font-weight: bold; color: %s;"
                % ("#50c070" if not count else "#e05050"))
        else:
            self.score_label.setText("Could not align")
            self.score_label.setStyleSheet("font-size: 18px; font-weight: bold; color: #e0a030;")
            self._say(prepared.message or
                                       "The photo could not be aligned with the reference; "
                                       "retake it with the whole label in view.")

    def show_busy(self, text: str = "Comparing with the reference…") -> None:
        self.score_label.setText("")
        self._say(text)

    def show_error(self, message: str) -> None:
        self.score_label.setText("Comparison failed")
        self.score_label.setStyleSheet("font-size: 18px; font-weight: bold; color: #e05050;")
        self._say(message)

    def clear(self) -> None:
        self.prepared = None
        self.canvas.set_images(None, None, None, [])
        self.score_label.setText("")
        self._say("")

    def _say(self, text: str) -> None:
        metrics = self.message_label.fontMetrics()
        self.message_label.setText(metrics.elidedText(text, Qt.TextElideMode.ElideRight, MESSAGE_PX))
        self.message_label.setToolTip(text)

    def set_mode(self, mode: Mode) -> None:
        self.mode_buttons[mode].setChecked(True)
        self.canvas.set_mode(mode)
        slider_used = mode in (Mode.OVERLAY, Mode.SWIPE)
        self.slider.setVisible(slider_used)
        self.slider_label.setVisible(slider_used)
        self.slider.blockSignals(True)
        if mode is Mode.OVERLAY:
            self.slider_label.setText("Photo opacity")
            self.slider.setValue(round(self.canvas.opacity * 100))
        elif mode is Mode.SWIPE:
            self.slider_label.setText("Divider")
            self.slider.setValue(round(self.canvas.swipe * 100))
        self.slider.blockSignals(False)
        self.mode_changed.emit(mode.value)

    # For the window's documented shortcuts (the canvas also takes + / - / 0 when focused).
    def zoom_in(self) -> None:
        self.canvas.set_zoom(self.canvas.zoom * ZOOM_STEP)

    def zoom_out(self) -> None:
        self.canvas.set_zoom(self.canvas.zoom / ZOOM_STEP)

    def reset_zoom(self) -> None:
        self.canvas.reset_view()

    @property
    def mode(self) -> Mode:
        return self.canvas.mode

    def _on_slider_moved(self, value: int) -> None:
        if self.canvas.mode is Mode.OVERLAY:
            self.canvas.opacity = value / 100
        elif self.canvas.mode is Mode.SWIPE:
            self.canvas.swipe = value / 100
        self.canvas.update()
