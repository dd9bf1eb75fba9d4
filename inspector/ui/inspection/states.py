"""What each step looks like in the checklist: its state from the recorded results and photos."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPen, QPixmap

from inspector.domain.checklist import Step
from inspector.services.views import InspectionDetail
from inspector.ui import theme


class StepState(StrEnum):
    PENDING = "pending"
    PASS = "pass"
    FAIL = "fail"
    UNSURE = "unsure"
    PHOTO_MISSING = "photo missing"
    VALUE_PROBLEM = "value problem"
    NOT_COMPARED = "not compared"  # passed, but the photo could not be aligned on the reference


@dataclass(frozen=True)
class StepStatus:
    state: StepState
    photos: int
    required_photos: int
    detail: str  # one line for the list's tooltip and the summary


_LOOK: dict[StepState, tuple[str, str]] = {
    StepState.PENDING: (theme.PENDING, ""),
    StepState.PASS: (theme.PASS, "✓"),
    StepState.FAIL: (theme.FAIL, "✗"),
    StepState.UNSURE: (theme.UNSURE, "?"),
    StepState.PHOTO_MISSING: (theme.WARNING, "◻"),
    StepState.VALUE_PROBLEM: (theme.FAIL, "!"),
    StepState.NOT_COMPARED: (theme.WARNING, "≠"),
}


def step_status(detail: InspectionDetail, step: Step) -> StepStatus:
    """The state shown for one step; problems outrank a recorded pass so they are not missed."""
    photos = len(detail.photos.get(step.id, ()))
    required = step.required_photos
    result = detail.results.get(step.id)
    if result is None:
        missing = f", {photos}/{required} photos" if required else ""
        return StepStatus(StepState.PENDING, photos, required, f"not recorded yet{missing}")
    if result.value_problems and result.outcome == "pass":
        return StepStatus(StepState.VALUE_PROBLEM, photos, required, "; ".join(result.value_problems))
    if required and photos < required and result.outcome == "pass":
        return StepStatus(StepState.PHOTO_MISSING, photos, required,
                          f"passed with {photos} of {required} required photos")
    compared = [detail.comparisons[p.id] for p in detail.photos.get(step.id, ())
                if p.id in detail.comparisons]
    if result.outcome == "pass" and compared and not compared[-1].aligned:
        # A pass over a photo the comparison could not align is the authenticator's eye alone.
        return StepStatus(StepState.NOT_COMPARED, photos, required,
                          "passed, but the photo could not be compared with the reference")
    text = result.outcome + (f" ({result.fail_reason})" if result.fail_reason else "")
    if result.note:
        text += f": {result.note}"
    return StepStatus(StepState(result.outcome), photos, required, text)


def state_colour(state: StepState) -> QColor:
    return QColor(_LOOK[state][0])


@cache  # the step list repaints every state on each step change; the icons never change
def state_icon(state: StepState, size: int = 32) -> QIcon:
    """A filled circle in the state's colour with a glyph, so colour is never the only signal."""
    colour, glyph = _LOOK[state]
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if state is StepState.PENDING:  # an empty ring: nothing recorded yet
        painter.setPen(QPen(QColor(colour), 3))
        painter.setBrush(Qt.BrushStyle.NoBrush)
    else:
        painter.setPen(QPen(QColor(colour).darker(130), 2))
        painter.setBrush(QColor(colour))
    painter.drawEllipse(QRectF(3, 3, size - 6, size - 6))
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * 0.6))
    painter.setFont(font)
    painter.setPen(QColor("white") if state is not StepState.UNSURE else QColor("black"))
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, glyph)
    painter.end()
    return QIcon(pixmap)
