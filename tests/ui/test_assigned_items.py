"""Calibration items a supervisor assigned show on the authenticator's home page, like any work."""

from __future__ import annotations

import pytest

from inspector.services.calibration import CalibrationService
from inspector.services.station import StationServices
from inspector.ui.main_window import MainWindow
from tests.helpers.window import press_enter_and_wait
from tests.ui.bench import PEOPLE, STYLE_CODE


@pytest.fixture
def services(bench_station: StationServices) -> StationServices:
    return bench_station


def test_an_assigned_item_waits_on_the_home_page_and_opens(qtbot, services: StationServices) -> None:
    admin = services.users.login(PEOPLE[0][2], PEOPLE[0][3])
    calibration = CalibrationService(services.ctx)
    calibration.mark(admin, "CAL-42", "fail", style_code=STYLE_CODE, create=True)
    calibration.mark(admin, "CAL-43", "pass", style_code=STYLE_CODE, create=True)  # marked, not assigned
    calibration.assign(admin, "CAL-42", PEOPLE[1][0])

    window = MainWindow(services)
    qtbot.addWidget(window)
    window.show()
    window.login.who_edit.setText(PEOPLE[1][2])
    window.login.pin_edit.setText(PEOPLE[1][3])
    assert press_enter_and_wait(qtbot, window)
    home = window.home
    assert window.stack.currentWidget() is home
    qtbot.waitUntil(lambda: home.assigned_list.count() > 0, timeout=20_000)  # read in the background
    assert home.assigned_box.isVisibleTo(window)
    assert [home.assigned_list.item(i).text() for i in range(home.assigned_list.count())] == ["CAL-42"]
    assert "calibration" not in home.assigned_box.title().lower()  # a test item must not say so

    with qtbot.waitSignal(window.inspection_opened, timeout=20_000):
        home.assigned_list.itemActivated.emit(home.assigned_list.item(0))
    assert window.inspection.detail is not None
    assert window.inspection.detail.inspection.item.code == "CAL-42"
    window.close()
