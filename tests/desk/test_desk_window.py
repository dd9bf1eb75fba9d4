"""The desk in the station window: a supervisor filters the queue, opens an inspection, overturns it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from inspector.errors import PermissionDenied
from inspector.security.keys import trusted_keys
from inspector.security.roles import Actor
from inspector.services.certificates import attach
from inspector.services.evidence import verify_bundle
from inspector.services.station import StationServices
from inspector.storage.models import AuditEvent, Certificate, Inspection, Review
from inspector.ui.desk import register
from inspector.ui.main_window import MainWindow
from tests.desk.conftest import ONE_FAIL, UNSURE, Finisher
from tests.helpers.window import log_in


@pytest.fixture
def window(qtbot, services: StationServices, people: dict[str, Actor]) -> Iterator[MainWindow]:
    # Every pass and fail is sampled here, so the queue filters have something to find.
    services.ctx.settings = services.ctx.settings.with_changes(review_sample_rate=1.0)
    attach(services)  # certificates issued on a pass, voided on an overturn
    main = MainWindow(services)
    register(main)
    qtbot.addWidget(main)
    main.show()
    yield main
    main.close()


WAIT_MS = 20_000


def _desk_button(window: MainWindow):  # type: ignore[no-untyped-def]
    return next(p for p in window._role_pages if p.title == "Desk").button


def test_supervisor_filters_opens_and_overturns_with_a_reason(
        qtbot, window: MainWindow, services: StationServices, people: dict[str, Actor],
        finished: Finisher, tmp_path: Path) -> None:
    passed = finished("W-PASS")
    finished("W-FAIL", ONE_FAIL)
    finished("W-UNSURE", UNSURE)
    with services.ctx.db.read() as session:
        assert session.scalar(select(Certificate).where(Certificate.inspection_id == passed)) is not None

    window.show_start()
    assert log_in(qtbot, window, "B-1", "1234")  # an authenticator never sees the desk
    assert not _desk_button(window).isVisibleTo(window)
    window.log_out()
    assert log_in(qtbot, window, "B-2", "3456")  # Morgan, a supervisor
    button = _desk_button(window)
    assert button.isVisibleTo(window)
    with qtbot.waitSignal(window.desk.queue.refreshed, timeout=WAIT_MS):  # type: ignore[attr-defined]
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    desk = window.desk  # type: ignore[attr-defined]
    assert window.stack.currentWidget() is desk
    queue = desk.queue
    assert queue.table.rowCount() == 3
    queue.verdict_box.setCurrentText("pass")
    queue.brand_edit.setText("Testbrand")
    with qtbot.waitSignal(queue.refreshed, timeout=WAIT_MS):
        qtbot.mouseClick(queue.refresh_button, Qt.MouseButton.LeftButton)
    assert queue.table.rowCount() == 1 and queue.table.item(0, 0).text() == str(passed)

    queue.table.cellDoubleClicked.emit(0, 0)
    review = desk.review
    assert desk.tabs.currentWidget() is review and "verdict: pass" in review.heading.text()
    review.verdict_box.setCurrentText("fail")
    qtbot.mouseClick(review.overturn_button, Qt.MouseButton.LeftButton)
    assert "needs a reason" in review.banner.text()  # nothing recorded without one
    review.reason_edit.setPlainText("Heel logo stitching is too sparse")
    qtbot.mouseClick(review.overturn_button, Qt.MouseButton.LeftButton)
    assert "overturned" in review.banner.text()

    with services.ctx.db.read() as session:
        inspection = session.get(Inspection, passed)
        assert inspection is not None and inspection.verdict == "fail"
        [row] = session.scalars(select(Review).where(Review.inspection_id == passed)).all()
        assert (row.decision, row.previous_verdict, row.verdict) == ("overturn", "pass", "fail")
        assert row.reason == "Heel logo stitching is too sparse"
        actions = list(session.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == str(passed))))
        assert "review.overturn" in actions
        certificate = session.scalar(select(Certificate).where(Certificate.inspection_id == passed))
        assert certificate is not None and certificate.voided_at is not None
    review.export_evidence(tmp_path / "evidence.zip")
    assert "Signed evidence written" in review.banner.text()
    assert verify_bundle((tmp_path / "evidence.zip").read_bytes(),
                         trusted_keys(services.ctx.settings.keys_dir)).ok
    queue.verdict_box.setCurrentText("any verdict")
    with qtbot.waitSignal(queue.refreshed, timeout=WAIT_MS):
        queue.refresh()
    assert str(passed) not in {queue.table.item(r, 0).text() for r in range(queue.table.rowCount())}

    # The services refuse an authenticator whatever the window shows.
    with pytest.raises(PermissionDenied):
        services.reviews.overturn(people["alex"], passed, "pass", "I was right")
    with pytest.raises(PermissionDenied):
        services.reviews.confirm(people["alex"], passed)

    # Analytics reflect the overturn, and export to CSV.
    desk.tabs.setCurrentWidget(desk.analytics)
    qtbot.waitUntil(lambda: bool(desk.analytics.rows), timeout=10_000)  # computed in a worker
    [alex] = [r for r in desk.analytics.rows if r.name == "Alex"]
    assert alex.inspections == 3 and alex.overturn_rate == 1.0
    desk.analytics.export_csv(tmp_path / "a.csv")
    assert "Alex" in (tmp_path / "a.csv").read_text()


def test_blind_review_and_integrity_button(
        qtbot, window: MainWindow, services: StationServices, finished: Finisher) -> None:
    inspection_id = finished("W-BLIND", second_opinion=True)
    window.show_start()
    assert log_in(qtbot, window, "B-2", "3456")
    _desk_button(window).click()
    desk = window.desk  # type: ignore[attr-defined]
    desk.queue.id_edit.setText(str(inspection_id))
    qtbot.keyClick(desk.queue.id_edit, Qt.Key.Key_Return)
    review = desk.review
    assert desk.tabs.currentWidget() is review
    review.blind_box.setChecked(True)
    assert "hidden until you record yours" in review.heading.text()
    assert not review.overturn_button.isVisibleTo(window)
    review.verdict_box.setCurrentText("pass")
    qtbot.mouseClick(review.blind_button, Qt.MouseButton.LeftButton)
    assert "first verdict was pass; you agreed" in review.banner.text()
    assert "verdict: pass" in review.heading.text()

    qtbot.mouseClick(desk.integrity_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk.last_integrity is not None, timeout=20_000)
    assert desk.last_integrity.ok and "Everything checks out" in desk.integrity_label.text()
    sha = services.inspections.detail(inspection_id).photos["box-label"][0].sha256
    services.ctx.photos.path_for(sha).write_bytes(b"altered")
    desk.last_integrity = None
    desk.integrity_button.click()
    qtbot.waitUntil(lambda: desk.last_integrity is not None, timeout=20_000)
    assert not desk.last_integrity.ok and "FIRST BAD PHOTO" in desk.integrity_label.text()


def test_next_in_queue_walks_the_queue_after_each_review(
        qtbot, window: MainWindow, people: dict[str, Actor], finished: Finisher) -> None:
    for code in ("N-1", "N-2", "N-3"):
        finished(code)
    window.show_start()
    assert log_in(qtbot, window, "B-2", "3456")
    with qtbot.waitSignal(window.desk.queue.refreshed, timeout=WAIT_MS):  # type: ignore[attr-defined]
        qtbot.mouseClick(_desk_button(window), Qt.MouseButton.LeftButton)
    desk = window.desk  # type: ignore[attr-defined]
    waiting = [entry.inspection_id for entry in desk.queue.entries]
    assert len(waiting) == 3
    assert desk.queue.table.rowHeight(0) < 2 * desk.queue.table.fontMetrics().height()  # one line a row
    desk.queue.table.cellDoubleClicked.emit(0, 0)
    review = desk.review
    assert review.inspection_id == waiting[0]
    with qtbot.waitSignal(desk.queue.refreshed, timeout=WAIT_MS):
        qtbot.mouseClick(review.confirm_button, Qt.MouseButton.LeftButton)  # reviewed: it leaves the queue
    assert waiting[0] not in [entry.inspection_id for entry in desk.queue.entries]
    qtbot.mouseClick(review.next_button, Qt.MouseButton.LeftButton)
    assert review.inspection_id == waiting[1]
    qtbot.mouseClick(review.next_button, Qt.MouseButton.LeftButton)  # skipped without a review
    assert review.inspection_id == waiting[2]
    qtbot.mouseClick(review.next_button, Qt.MouseButton.LeftButton)
    assert review.inspection_id == waiting[2] and "last inspection" in review.banner.text()
