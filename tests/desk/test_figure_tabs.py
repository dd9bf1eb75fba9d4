"""The desk's tabs without the whole window: a trend point and a matrix cell open the inspections
behind them on a double-click, and the queue and calibration tables export the CSV they show."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from PySide6.QtWidgets import QTableWidget

from inspector.security.roles import Actor
from inspector.services import desk_figures
from inspector.services.station import StationServices
from inspector.ui.desk.analytics_tab import AnalyticsTab
from inspector.ui.desk.calibration_tab import CalibrationTab
from inspector.ui.desk.queue_tab import QueueTab
from tests.desk.conftest import ONE_FAIL, Finisher

WAIT_MS = 20_000


def _row_of(table: QTableWidget, text: str) -> int:
    return next(r for r in range(table.rowCount()) if (item := table.item(r, 0)) and item.text() == text)


def _shown_ids(tab: AnalyticsTab) -> set[int]:
    return {int(tab.inspections.item(r, 0).text()) for r in range(tab.inspections.rowCount())}


def test_a_trend_point_and_a_matrix_cell_open_the_inspections_behind_them(
        qtbot, services: StationServices, people: dict[str, Actor], finished: Finisher) -> None:
    morgan = people["morgan"]
    services.ctx.settings = services.ctx.settings.with_changes(review_sample_rate=0.0)
    failed = finished("FT-1", ONE_FAIL)
    passed = finished("FT-2")
    services.reviews.review(morgan, passed, "fail", "the stitching is off")  # pass -> fail, overturned
    tab = AnalyticsTab(services)
    qtbot.addWidget(tab)
    tab.actor = morgan
    tab.since_edit.clear()  # the whole history: both inspections are this week

    tab._show_trend(desk_figures.weekly_trend(services.ctx, morgan, "authenticator"))
    [point] = tab.trends.rows
    assert isinstance(point, desk_figures.TrendPoint) and point.fails == 2
    tab.trends.sortItems(1)  # the table sorts; the line still finds its point
    tab.trends.cellDoubleClicked.emit(_row_of(tab.trends, point.week.isoformat()), 4)  # "Fail"
    qtbot.waitUntil(lambda: _shown_ids(tab) == {failed, passed}, timeout=WAIT_MS)
    tab.trends.cellDoubleClicked.emit(_row_of(tab.trends, point.week.isoformat()), 7)  # "Overturn"
    qtbot.waitUntil(lambda: _shown_ids(tab) == {passed}, timeout=WAIT_MS)

    tab._show_matrix(desk_figures.disagreement_matrix(services.ctx, morgan))
    column = 3 + tab.disagreement.pairs.index(("pass", "fail"))
    tab.disagreement.cellDoubleClicked.emit(0, column)
    qtbot.waitUntil(lambda: _shown_ids(tab) == {passed}, timeout=WAIT_MS)
    assert "pass → fail of Alex" in tab.banner.text()


def test_the_queue_and_calibration_tabs_export_the_csv_they_show(
        qtbot, services: StationServices, people: dict[str, Actor], finished: Finisher,
        tmp_path: Path) -> None:
    morgan, admin = people["morgan"], people["admin"]
    blind = finished("FX-1", ONE_FAIL, second_opinion=True)
    queue = QueueTab(services)
    qtbot.addWidget(queue)
    queue.actor = morgan
    with qtbot.waitSignal(queue.refreshed, timeout=WAIT_MS):
        queue.refresh()
    assert queue.export_csv(tmp_path / "queue.csv") == 1
    [row] = list(csv.DictReader(io.StringIO((tmp_path / "queue.csv").read_text())))
    assert (int(row["inspection_id"]), row["verdict"], row["blind"]) == (blind, "", "True")

    services.calibration.mark(admin, "FX-CAL", "fail", include_earlier=True, create=True)
    finished("FX-CAL", ONE_FAIL)
    calibration = CalibrationTab(services)
    qtbot.addWidget(calibration)
    calibration.actor = admin
    calibration.refresh()
    assert "100% (1/1; 95% CI 21%-100%)" in calibration.scores_table.item(0, 2).text()
    calibration.export_csv("scores", tmp_path / "scores.csv")
    [score] = list(csv.DictReader(io.StringIO((tmp_path / "scores.csv").read_text())))
    assert (score["authenticator"], score["accuracy_n"], score["accuracy_low"]) == ("Alex", "1", "0.2065")
    calibration.export_csv("items", tmp_path / "items.csv")
    [item] = list(csv.DictReader(io.StringIO((tmp_path / "items.csv").read_text())))
    assert (item["code"], item["known_verdict"]) == ("FX-CAL", "fail")
