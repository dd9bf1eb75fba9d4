"""The review shows each photo step's recorded comparison: photo against reference, regions, score."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QScrollArea

from inspector.security.roles import Actor
from inspector.services.station import StationServices
from inspector.ui.compare import ComparisonView
from inspector.ui.desk.review_panel import ReviewPanel
from tests.desk.conftest import ALL_PASS


@pytest.fixture
def compared_inspection(services: StationServices, people: dict[str, Actor], photo_bytes: bytes) -> int:
    alex = people["alex"]
    # A label with a patch painted over part of it: the comparison flags a region there.
    image = cv2.imdecode(np.frombuffer(photo_bytes, np.uint8), cv2.IMREAD_COLOR)
    height, width = image.shape[:2]
    cv2.rectangle(image, (width // 3, height // 3), (width // 2, height // 2), (0, 0, 255), -1)
    ok, tampered = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok
    inspection_id = services.inspections.start_or_resume(alex, "EV-1", style_code="TR1000-001").inspection.id
    photo = services.inspections.add_photo(alex, inspection_id, "box-label", tampered.tobytes())
    services.comparisons.compare_photo(alex, photo.id)
    for step, outcome in ALL_PASS.items():
        value = "TR1000-001" if step in ("box-label", "size-tag") else None
        services.inspections.record_step(alex, inspection_id, step, outcome, value=value)
    services.inspections.finish(alex, inspection_id)
    return inspection_id


def test_review_shows_the_recorded_comparison_with_its_regions(
        qtbot, services: StationServices, people: dict[str, Actor], compared_inspection: int) -> None:
    panel = ReviewPanel(services)
    qtbot.addWidget(panel)
    panel.actor = people["morgan"]
    panel.open(compared_inspection)
    assert panel.detail is not None
    [(photo_id, stored)] = panel.detail.comparisons.items()
    assert set(panel.comparison_views) == {"box-label"}  # the step without a comparison shows none
    view = panel.comparison_views["box-label"]
    assert isinstance(view, ComparisonView)
    qtbot.waitUntil(lambda: view.prepared is not None, timeout=10_000)
    prepared = view.prepared
    assert prepared is not None and prepared.outcome == stored
    assert prepared.score == pytest.approx(stored.score) and prepared.aligned == stored.aligned
    # The regions drawn are the stored regions (worst first), scaled to the displayed reference.
    assert sorted(round(box.score, 6) for box in prepared.boxes) == sorted(
        round(region.score, 6) for region in stored.regions)
    assert not prepared.reference.isNull()
    if stored.homography:
        assert prepared.photo is not None and not prepared.photo.isNull()
    assert view.score_label.text() in (f"Match {stored.score:.0%}", "Could not align")
    assert view.message_label.text().startswith(f"Photo {photo_id} (")
    assert stored.regions, "the test photo should differ from the reference somewhere"


def test_the_wheel_scrolls_the_review_and_ctrl_wheel_zooms(
        qtbot, services: StationServices, people: dict[str, Actor], compared_inspection: int) -> None:
    panel = ReviewPanel(services)
    qtbot.addWidget(panel)
    panel.resize(900, 400)  # the comparison does not fit: the page scrolls
    panel.show()
    panel.actor = people["morgan"]
    panel.open(compared_inspection)
    view = panel.comparison_views["box-label"]
    qtbot.waitUntil(lambda: view.prepared is not None, timeout=10_000)
    scroll = panel.findChild(QScrollArea)
    assert scroll.verticalScrollBar().maximum() > 0
    zoom = view.canvas.zoom

    def wheel(modifiers: Qt.KeyboardModifier, delta: int) -> None:
        centre = QPointF(view.canvas.width() / 2, view.canvas.height() / 2)
        QApplication.sendEvent(view.canvas, QWheelEvent(
            centre, view.canvas.mapToGlobal(centre), QPoint(), QPoint(0, delta), Qt.MouseButton.NoButton,
            modifiers, Qt.ScrollPhase.NoScrollPhase, False))

    wheel(Qt.KeyboardModifier.NoModifier, -120)  # down the page
    assert view.canvas.zoom == zoom and scroll.verticalScrollBar().value() > 0
    wheel(Qt.KeyboardModifier.ControlModifier, 120)  # zoom in
    assert view.canvas.zoom != zoom
