"""The values read off a saved label photo: shown with their evidence boxes, confirmed with one key.

When a photo is saved on a step whose checklist reads values from it, the label is read off the
GUI thread (services.reading). The panel shows the photo with a box around each value (green when
the brand data agrees, red when it does not), each value with what the brand data says, fills the
current step's value field, and Enter records the other values (steps without photos). A value
with a problem is not recorded: the authenticator judges it at its step, or types a correction.
"""

from __future__ import annotations

import logging
import uuid

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from inspector.domain.checklist import Checklist
from inspector.reading.engine import shared_engine
from inspector.security.roles import Actor
from inspector.services.label_reading import PhotoReading
from inspector.services.station import StationServices
from inspector.services.views import StepResultView
from inspector.ui import theme
from inspector.ui.background import run_in_background
from inspector.ui.widgets import message_for

log = logging.getLogger(__name__)

PREVIEW_WIDTH = 360


class ReadValuesPanel(QWidget):
    values_read = Signal(object)  # PhotoReading
    value_filled = Signal(str, str)  # step id, value: the page puts it in the step's field
    confirmed = Signal(list)  # the StepResultViews recorded
    failed = Signal(str)

    def __init__(self, services: StationServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self.reading: PhotoReading | None = None
        self._actor: Actor | None = None
        self._client_ref = ""
        self._wanted: tuple[int, str] | None = None  # the photo step being read
        self._confirming = False
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        self.preview = QLabel()
        self.preview.setFixedWidth(PREVIEW_WIDTH)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.preview)
        column = QVBoxLayout()
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        column.addWidget(self.text, 1)
        self.confirm_button = QPushButton("Confirm read values (Enter)")
        self.confirm_button.clicked.connect(self.confirm)
        column.addWidget(self.confirm_button)
        layout.addLayout(column, 1)
        self.hide()

    def start(self, actor: Actor, inspection_id: int, step_id: str, data: bytes) -> None:
        """Read `data`, the photo just saved on `step_id`; the newest photo wins."""
        self._actor = actor
        self._wanted = (inspection_id, step_id)
        self.reading = None
        self.text.setText("Reading the label…")
        self.preview.clear()
        self.confirm_button.setEnabled(False)
        self.show()
        reading_service = self._services.reading

        def read() -> tuple[PhotoReading, QImage]:
            reading = reading_service.read_photo(actor, inspection_id, step_id, data)
            return reading, evidence_image(data, reading)

        wanted = self._wanted
        run_in_background(read, on_result=lambda made: self._on_read(wanted, *made), on_error=self._on_failed)

    def warm_up(self, checklist: Checklist) -> None:
        """Load the OCR models in the background when a checklist reads labels (~1 s once), so
        the first label photo is read as fast as the others."""
        if any(step.reads for step in checklist.steps):
            # Only a head start: if the models cannot load, reading the photo says so in one sentence.
            run_in_background(shared_engine, on_error=lambda exc: log.warning("OCR warm-up failed: %s", exc))

    def value_for(self, inspection_id: int, step_id: str) -> str | None:
        """The value read for `step_id` (a step the authenticator moves to after the photo)."""
        if self.reading is None or self.reading.inspection_id != inspection_id:
            return None
        return next((v.value for v in self.reading.values if v.step_id == step_id), None)

    def clear(self) -> None:
        self._wanted = None
        self.reading = None
        self.hide()

    def _on_read(self, wanted: tuple[int, str] | None, reading: PhotoReading, image: QImage) -> None:
        if wanted != self._wanted:
            return  # another photo or step since: its own reading follows
        self.reading = reading
        self._client_ref = uuid.uuid4().hex
        self.preview.setPixmap(QPixmap.fromImage(image))
        self.text.setText(describe(reading))
        self.confirm_button.setEnabled(bool(reading.values))
        for value in reading.values:
            self.value_filled.emit(value.step_id, value.value)
        self.values_read.emit(reading)

    def confirm(self) -> None:
        """Record the read values (one key); a second press while they are written is ignored."""
        reading, actor = self.reading, self._actor
        if reading is None or actor is None or self._confirming:
            return
        self._confirming = True
        service, client_ref = self._services.reading, self._client_ref
        run_in_background(lambda: service.confirm(actor, reading, client_ref=client_ref),
                          on_result=self._on_confirmed, on_error=self._on_failed)

    def _on_confirmed(self, results: list[StepResultView]) -> None:
        self._confirming = False
        self.confirm_button.setEnabled(False)
        recorded = ", ".join(f"{r.step_id} {r.value}" for r in results) or "nothing (see the problems)"
        self.text.setText(self.text.text() + f"<br><i>Recorded: {recorded}.</i>")
        self.confirmed.emit(results)

    def _on_failed(self, exc: BaseException) -> None:
        self._confirming = False
        text = message_for(exc)
        self.text.setText(f"<span style='color:{theme.FAIL}'>{text}</span>")
        self.failed.emit(text)


def describe(reading: PhotoReading) -> str:
    """One line per value: the value, where it goes, and what the brand data says."""
    lines = []
    for value in reading.values:
        mark, colour = ("✗", theme.FAIL) if value.problems else ("✓", theme.PASS)
        said = "; ".join(value.problems or value.facts)
        fixed = f" (read {value.read})" if value.corrected else ""
        lines.append(f"<span style='color:{colour}'>{mark} <b>{value.step_title}</b>: "
                     f"{value.value}{fixed}</span>" + (f" — {said}" if said else ""))
    for kind in reading.missing:
        lines.append(f"<span style='color:{theme.PENDING}'>? no {kind.replace('_', ' ')} read: "
                     "type it at its step</span>")
    return "<br>".join(lines) or "No values could be read from this photo."


def evidence_image(data: bytes, reading: PhotoReading) -> QImage:
    """The photo, PREVIEW_WIDTH wide, with a box around each value read (made off the GUI thread)."""
    image = QImage.fromData(data)
    if image.isNull():
        return image
    scale = PREVIEW_WIDTH / max(1, reading.width)
    shown = image.scaledToWidth(PREVIEW_WIDTH, Qt.TransformationMode.SmoothTransformation)
    shown = shown.convertToFormat(QImage.Format.Format_RGB32)
    painter = QPainter(shown)
    for value in reading.values:
        x, y, w, h = (round(v * scale) for v in value.box)
        painter.setPen(QPen(QColor(theme.FAIL if value.problems else theme.PASS), 2))
        painter.drawRect(QRect(x - 2, y - 2, w + 4, h + 4))
    painter.end()
    return shown
