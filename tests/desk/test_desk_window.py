"""The desk in the station window: a supervisor filters the queue, opens an inspection, overturns it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget, QWidget
from sqlalchemy import select

from inspector.errors import PermissionDenied
from inspector.security.keys import trusted_keys
from inspector.security.roles import Actor
from inspector.services import review_claims
from inspector.services.certificates import attach
from inspector.services.evidence import verify_bundle
from inspector.services.station import StationServices, open_station
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
    failed = finished("W-FAIL", ONE_FAIL)
    unsure = finished("W-UNSURE", UNSURE)
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
    verdicts = {queue.table.item(r, 0).text(): queue.table.item(r, 2).text() for r in range(3)}
    # Every pass and fail is sampled for a blind review here: no verdict shown before one's own.
    assert verdicts == {str(passed): "blind", str(failed): "blind", str(unsure): "inconclusive"}
    queue.verdict_box.setCurrentText("inconclusive")
    queue.brand_edit.setText("testbrand")  # any case
    with qtbot.waitSignal(queue.refreshed, timeout=WAIT_MS):
        qtbot.mouseClick(queue.refresh_button, Qt.MouseButton.LeftButton)
    assert queue.table.rowCount() == 1 and queue.table.item(0, 0).text() == str(unsure)

    # A pass outside the sample is reviewed openly: typed in, overturned with a reason.
    # (The sample is chosen at finish: this one is finished with the rate at 0.)
    services.ctx.settings = services.ctx.settings.with_changes(review_sample_rate=0.0)
    outside = finished("W-OUTSIDE")
    queue.id_edit.setText(str(outside))
    qtbot.keyClick(queue.id_edit, Qt.Key.Key_Return)
    review = desk.review
    assert desk.tabs.currentWidget() is review and "verdict: pass" in review.heading.text()
    review.verdict_box.setCurrentText("fail")
    qtbot.mouseClick(review.overturn_button, Qt.MouseButton.LeftButton)
    assert "needs a reason" in review.banner.text()  # nothing recorded without one
    review.reason_edit.setPlainText("Heel logo stitching is too sparse")
    qtbot.mouseClick(review.overturn_button, Qt.MouseButton.LeftButton)
    assert "overturned" in review.banner.text()

    with services.ctx.db.read() as session:
        inspection = session.get(Inspection, outside)
        assert inspection is not None and inspection.verdict == "fail"
        [row] = session.scalars(select(Review).where(Review.inspection_id == outside)).all()
        assert (row.decision, row.previous_verdict, row.verdict) == ("overturn", "pass", "fail")
        assert row.reason == "Heel logo stitching is too sparse"
        actions = list(session.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == str(outside))))
        assert "review.overturn" in actions and "review.claimed" in actions
        certificate = session.scalar(select(Certificate).where(Certificate.inspection_id == outside))
        assert certificate is not None and certificate.voided_at is not None
    review.export_evidence(tmp_path / "evidence.zip")
    assert "Signed evidence written" in review.banner.text()
    assert verify_bundle((tmp_path / "evidence.zip").read_bytes(),
                         trusted_keys(services.ctx.settings.keys_dir)).ok
    queue.verdict_box.setCurrentText("any verdict")
    queue.brand_edit.clear()
    with qtbot.waitSignal(queue.refreshed, timeout=WAIT_MS):
        queue.refresh()
    assert str(outside) not in {queue.table.item(r, 0).text() for r in range(queue.table.rowCount())}

    # The services refuse an authenticator whatever the window shows.
    with pytest.raises(PermissionDenied):
        services.reviews.overturn(people["alex"], outside, "pass", "I was right")
    with pytest.raises(PermissionDenied):
        services.reviews.confirm(people["alex"], outside)

    # Analytics reflect the overturn, and export to CSV.
    desk.tabs.setCurrentWidget(desk.analytics)
    qtbot.waitUntil(lambda: bool(desk.analytics.rows), timeout=10_000)  # computed in a worker
    [alex] = [r for r in desk.analytics.rows if r.name == "Alex"]
    assert alex.inspections == 4 and alex.overturn_rate == 1.0
    desk.analytics.export_csv(tmp_path / "a.csv")
    assert "Alex" in (tmp_path / "a.csv").read_text()


def _visible_texts(root: QWidget) -> str:
    """The text of every visible widget under root: labels, buttons, edits, table cells, tooltips."""
    texts: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        texts.append(widget.toolTip())
        for getter in ("text", "toPlainText", "placeholderText", "currentText", "title"):
            value = getattr(widget, getter, None)
            if callable(value):
                try:
                    got = value()
                except TypeError:
                    continue
                if isinstance(got, str):
                    texts.append(got)
        if isinstance(widget, QTableWidget):
            for row in range(widget.rowCount()):
                for column in range(widget.columnCount()):
                    cell = widget.item(row, column)
                    if cell is not None:
                        texts.append(cell.text())
    return "\n".join(texts)


def test_a_blind_review_shows_no_trace_of_the_first_verdict_outcome_or_note(
        qtbot, window: MainWindow, services: StationServices, finished: Finisher) -> None:
    inspection_id = finished("W-BLIND", ONE_FAIL, second_opinion=True)  # note "looks wrong", counterfeit
    window.show_start()
    assert log_in(qtbot, window, "B-2", "3456")
    with qtbot.waitSignal(window.desk.queue.refreshed, timeout=WAIT_MS):  # type: ignore[attr-defined]
        _desk_button(window).click()
    desk = window.desk  # type: ignore[attr-defined]
    queue_text = _visible_texts(desk.queue.table)
    assert str(inspection_id) in queue_text and "blind" in queue_text
    desk.queue.id_edit.setText(str(inspection_id))
    qtbot.keyClick(desk.queue.id_edit, Qt.Key.Key_Return)
    review = desk.review
    assert desk.tabs.currentWidget() is review
    # The steps are on screen (so their lines are read below), with the recorded value as evidence.
    qtbot.waitUntil(lambda: "Box label" in _visible_texts(review) and "TR1000-001" in _visible_texts(review))
    seen = _visible_texts(window)
    assert "hidden until you record yours" in seen and "W-BLIND" in seen
    for trace in ("fail", "Fail", "looks wrong", "counterfeit"):
        # The verdict box offers "fail" as a choice: it is the reviewer's own pick, shown as pass first.
        assert trace not in seen.replace(review.verdict_box.currentText(), ""), trace
    assert "fail" not in review.verdict_box.currentText()
    assert not review.overturn_button.isVisibleTo(window) and not review.confirm_button.isVisibleTo(window)
    assert not review.evidence_button.isVisibleTo(window)
    review.verdict_box.setCurrentText("pass")
    qtbot.mouseClick(review.blind_button, Qt.MouseButton.LeftButton)
    assert review.banner.text() == "A review needs a reason."  # the same whatever the first verdict
    review.verdict_box.setCurrentText("fail")
    qtbot.mouseClick(review.blind_button, Qt.MouseButton.LeftButton)
    assert review.banner.text() == "A review needs a reason."
    review.reason_edit.setPlainText("The box label font is wrong")
    qtbot.mouseClick(review.blind_button, Qt.MouseButton.LeftButton)
    assert "first verdict was fail: you agreed" in review.banner.text()
    assert "verdict: fail" in review.heading.text()
    qtbot.waitUntil(lambda: "looks wrong" in _visible_texts(review))  # now it may be seen

    qtbot.mouseClick(desk.integrity_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk.last_integrity is not None, timeout=20_000)
    assert desk.last_integrity.ok and "Everything checks out" in desk.integrity_label.text()
    sha = services.inspections.detail(window.actor, inspection_id).photos["box-label"][0].sha256
    services.ctx.photos.path_for(sha).write_bytes(b"altered")
    desk.last_integrity = None
    desk.integrity_button.click()
    qtbot.waitUntil(lambda: desk.last_integrity is not None, timeout=20_000)
    assert not desk.last_integrity.ok and "FIRST BAD PHOTO" in desk.integrity_label.text()


def test_next_in_queue_walks_the_queue_after_each_review(
        qtbot, window: MainWindow, people: dict[str, Actor], finished: Finisher) -> None:
    for code in ("N-1", "N-2", "N-3"):
        finished(code, UNSURE)
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
    review.verdict_box.setCurrentText("pass")
    review.reason_edit.setPlainText("even stitching under the loupe")
    with qtbot.waitSignal(desk.queue.refreshed, timeout=WAIT_MS):
        qtbot.mouseClick(review.blind_button, Qt.MouseButton.LeftButton)  # reviewed: it leaves the queue
    assert waiting[0] not in [entry.inspection_id for entry in desk.queue.entries]
    qtbot.mouseClick(review.next_button, Qt.MouseButton.LeftButton)
    assert review.inspection_id == waiting[1]
    qtbot.mouseClick(review.next_button, Qt.MouseButton.LeftButton)  # skipped without a review
    assert review.inspection_id == waiting[2]
    qtbot.mouseClick(review.next_button, Qt.MouseButton.LeftButton)
    assert review.inspection_id == waiting[2] and "last inspection" in review.banner.text()


def test_the_queue_follows_claims_and_reviews_made_at_another_desk(
        qtbot, window: MainWindow, services: StationServices, finished: Finisher) -> None:
    first, second = finished("S-1", UNSURE), finished("S-2", UNSURE)
    window.show_start()
    assert log_in(qtbot, window, "B-2", "3456")
    with qtbot.waitSignal(window.desk.queue.refreshed, timeout=WAIT_MS):  # type: ignore[attr-defined]
        _desk_button(window).click()
    queue = window.desk.queue  # type: ignore[attr-defined]
    queue.poll_timer.setInterval(100)  # 5 s in use; the test need not wait that long
    states = lambda: {queue.table.item(r, 0).text(): queue.table.item(r, 10).text()  # noqa: E731
                      for r in range(queue.table.rowCount())}
    assert states() == {str(first): "waiting", str(second): "waiting"}
    other = open_station(services.ctx.settings.with_changes(station_name="desk-2"))
    try:
        ada = other.users.login("B-9", "9999")
        review_claims.claim(other.ctx, ada, first)
        qtbot.waitUntil(lambda: states().get(str(first), "").startswith("claimed by Ada"), timeout=WAIT_MS)
        other.reviews.review(ada, second, "fail", "glue marks")
        qtbot.waitUntil(lambda: str(second) not in states(), timeout=WAIT_MS)
    finally:
        other.close()
    queue.stop_polling()


def test_analytics_drill_down_search_trend_csv_and_a_chart_of_thirty(
        qtbot, window: MainWindow, services: StationServices, finished: Finisher, tmp_path: Path) -> None:
    import csv

    # Every pass and fail is sampled for a blind review in this window: only the inconclusive one's
    # verdict may be listed under its figure.
    failed = finished("AN-1", UNSURE)
    finished("AN-2")
    window.show_start()
    assert log_in(qtbot, window, "B-2", "3456")
    _desk_button(window).click()
    desk = window.desk  # type: ignore[attr-defined]
    desk.tabs.setCurrentWidget(desk.analytics)
    tab = desk.analytics
    qtbot.waitUntil(lambda: bool(tab.rows), timeout=WAIT_MS)
    assert not tab.rate_button.isVisibleTo(window)  # a supervisor does not set the sample rate
    fail_cell = tab.table.item(0, 6)
    assert fail_cell.text() == "50% (1/2)" and "95% interval" in fail_cell.toolTip()
    tab.table.cellDoubleClicked.emit(0, 6)  # the inspections behind "Inconclusive"
    qtbot.waitUntil(lambda: tab.views.currentWidget() is tab.inspections, timeout=WAIT_MS)
    assert [tab.inspections.item(r, 0).text() for r in range(tab.inspections.rowCount())] == [str(failed)]
    tab.export_csv(tmp_path / "drill.csv")
    drilled = csv.DictReader((tmp_path / "drill.csv").read_text().splitlines())
    assert [row["item_code"] for row in drilled] == ["AN-1"]
    tab.inspections.cellDoubleClicked.emit(0, 0)  # opens it for review
    assert desk.tabs.currentWidget() is desk.review and desk.review.inspection_id == failed
    desk.tabs.setCurrentWidget(tab)
    tab.search_edit.setText("AN-2")
    tab.search()
    qtbot.waitUntil(lambda: tab.inspections.rowCount() == 1 and tab.inspections.item(0, 2).text() == "AN-2",
                    timeout=WAIT_MS)
    tab.trend()
    qtbot.waitUntil(lambda: tab.views.currentWidget() is tab.trends and tab.trends.rowCount() == 1,
                    timeout=WAIT_MS)
    # Thirty names: one readable line each, the chart grows (and scrolls) instead of squeezing them.
    names = [f"Authenticator number {n:02d}" for n in range(30)]
    tab.chart.set_data("Fail rate", [(name, 0.1, (0.02, 0.3), 40) for name in names], percent=True)
    assert tab.chart.row_height() > tab.chart.fontMetrics().height()
    assert tab.chart.minimumHeight() >= 30 * tab.chart.row_height()
    assert not tab.chart.grab().isNull()


def test_an_appeal_recorded_and_decided_at_the_desk(
        qtbot, window: MainWindow, services: StationServices, finished: Finisher,
        photo_bytes: bytes, tmp_path: Path) -> None:
    # Not sampled (the window fixture samples everything): a fail waiting blind cannot be appealed yet.
    services.ctx.settings = services.ctx.settings.with_changes(review_sample_rate=0.0)
    failed = finished("AW-1", ONE_FAIL)
    (tmp_path / "seller.jpg").write_bytes(photo_bytes)
    window.show_start()
    assert log_in(qtbot, window, "B-9", "9999")  # Ada, who had no part in the inspection
    _desk_button(window).click()
    desk = window.desk  # type: ignore[attr-defined]
    desk.tabs.setCurrentWidget(desk.appeals)
    tab = desk.appeals
    tab.inspection_edit.setText(str(failed))
    tab.record()
    assert "needs the seller's reason" in tab.banner.text()
    tab.seller_reason_edit.setText("Bought at the brand's store")
    tab.photo_paths = [tmp_path / "seller.jpg"]
    tab.record()
    assert "recorded" in tab.banner.text() and tab.table.rowCount() == 1
    assert tab.table.item(0, 4).text() == "1"  # one photo
    tab.table.selectRow(0)
    tab.outcome_box.setCurrentText("reversed")
    tab.decide()
    assert "needs a reason" in tab.banner.text()
    tab.reason_edit.setText("Receipt and batch code match")
    tab.decide()
    assert "reversed" in tab.banner.text() and tab.table.rowCount() == 0
    with services.ctx.db.read() as session:
        inspection = session.get(Inspection, failed)
        assert inspection is not None and inspection.verdict == "pass"
        assert session.scalar(select(Certificate).where(Certificate.inspection_id == failed,
                                                        Certificate.voided_at.is_(None))) is not None
