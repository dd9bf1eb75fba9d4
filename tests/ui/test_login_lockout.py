"""The login page says when a badge is locked, and logging out ends the session the window held."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from inspector.errors import PermissionDenied
from inspector.services.station import StationServices
from inspector.ui.background import wait_for_all
from inspector.ui.main_window import MainWindow
from tests.helpers.window import press_enter_and_wait
from tests.ui.bench import PEOPLE


@pytest.fixture
def window(qtbot, bench_station: StationServices) -> Iterator[MainWindow]:
    main = MainWindow(bench_station)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.close()


def _try(qtbot, window: MainWindow, badge: str, pin: str) -> bool:
    window.login.who_edit.setText(badge)
    window.login.pin_edit.setText(pin)
    return press_enter_and_wait(qtbot, window)


def test_five_wrong_pins_show_the_lockout_sentence(qtbot, window: MainWindow) -> None:
    _name, _role, badge, pin = PEOPLE[1]
    for _ in range(4):
        assert not _try(qtbot, window, badge, "0000")
    assert window.login.banner.text() == "Unknown user or wrong PIN."
    assert not _try(qtbot, window, badge, "0000")
    assert window.login.banner.text().startswith(f"Too many wrong PINs: {badge} is locked for 1 more minute")
    assert not _try(qtbot, window, badge, pin)  # the right PIN waits for the lock too
    assert "an admin can unlock it" in window.login.banner.text()
    assert window.actor is None


def test_logging_out_ends_the_windows_session(qtbot, window: MainWindow,
                                              bench_station: StationServices) -> None:
    _name, _role, badge, pin = PEOPLE[1]
    assert _try(qtbot, window, badge, pin)
    held = window.actor
    assert held is not None
    window.log_out()
    assert wait_for_all()
    with pytest.raises(PermissionDenied, match="ended"):
        bench_station.inspections.start_or_resume(held, "ITEM-AFTER-LOGOUT")
