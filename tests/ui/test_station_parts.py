"""The station window's parts: telling scans from typing, first start, settings, window geometry."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from inspector.services.station import StationServices, open_station
from inspector.ui.main_window import MainWindow
from inspector.ui.settings_dialog import SettingsDialog
from tests.helpers.window import log_in
from tests.ui.bench import add_people, build_bench, settings_for


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def bench_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = build_bench(tmp_path)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@pytest.fixture
def empty_station(bench_env: dict[str, str]) -> Iterator[StationServices]:
    station = open_station(settings_for(bench_env))
    yield station
    station.close()


@pytest.fixture
def window(qtbot, empty_station: StationServices) -> Iterator[MainWindow]:
    main = MainWindow(empty_station)
    qtbot.addWidget(main)
    with qtbot.waitSignal(main.start_shown, timeout=15_000):  # who exists: read in the background
        main.show()
    yield main
    main.close()


def test_first_start_offers_admin_or_demo_and_creates_the_admin(qtbot, window: MainWindow) -> None:
    # Whether anyone exists is read in the background; then the first-run page shows.
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.first_run, timeout=15_000)
    page = window.first_run
    assert page.demo_button.isVisibleTo(window) and page.create_button.isVisibleTo(window)
    page.name_edit.setText("Ada")
    page.pin_edit.setText("12")
    with qtbot.waitSignal(page.create_finished) as made:
        page.create_button.click()
    assert made.args == [False]
    assert page.banner.isVisibleTo(window)  # a too-short PIN is one sentence, not a crash
    assert "\n" not in page.banner.text()
    page.pin_edit.setText("4321")
    with qtbot.waitSignal(page.create_finished) as made:
        page.create_button.click()
    assert made.args == [True]
    assert window.stack.currentWidget() is window.login
    assert window.login.who_edit.text() == "Ada"
    window.login.pin_edit.setText("0000")
    with qtbot.waitSignal(window.login.attempt_finished) as attempt:
        window.login.try_login()
    assert attempt.args == [False]
    assert window.actor is None and "PIN" in window.login.banner.text()
    window.login.pin_edit.setText("4321")
    with qtbot.waitSignal(window.login.attempt_finished) as attempt:
        window.login.try_login()
        window.login.try_login()  # a second Enter while the PIN is checked is ignored
    assert attempt.args == [True]
    assert window.actor is not None and str(window.actor.role) == "admin"


def test_a_person_typing_is_not_a_scan(qtbot, window: MainWindow, empty_station: StationServices) -> None:
    add_people(empty_station)
    window.show_start()
    assert log_in(qtbot, window, "B-1001", "1234")
    clock = FakeClock()
    window.scanner._clock = clock
    scans: list[str] = []
    window.scanner.code_scanned.connect(scans.append)
    edit = window.home.code_edit
    edit.setFocus()
    for char in "BR1000-042":
        clock.now += 0.15  # a person: well over the scanner's gap between keys
        qtbot.keyClick(edit, char)
    clock.now += 0.15
    qtbot.waitUntil(lambda: not window.scanner.holding)  # the last key: delivered after the short hold
    assert edit.text() == "BR1000-042"
    window.home.code_edit.clear()
    assert scans == []
    for char in "BR1000-043":
        clock.now += 0.004
        qtbot.keyClick(edit, char)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert scans == ["BR1000-043"] and edit.text() == ""  # the scan does not stay in the field


def test_single_keys_outside_fields_are_held_then_delivered(qtbot, window: MainWindow) -> None:
    received: list[str] = []
    window.home.keyPressEvent = lambda event: received.append(event.text())  # type: ignore[method-assign]
    window.stack.setCurrentWidget(window.home)
    window.home.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    window.home.setFocus()
    qtbot.keyClick(window.home, "p")
    assert received == []  # held: it might be the start of a scan
    qtbot.waitUntil(lambda: received == ["p"])  # a person: delivered after the short hold


def test_settings_are_saved_to_the_settings_file(qtbot, window: MainWindow) -> None:
    dialog = SettingsDialog(window.services.ctx.settings, window)
    qtbot.addWidget(dialog)
    dialog.station_edit.setText("bench-7")
    dialog.camera_combo.setCurrentText("/videos/demo.mp4")
    dialog.hot_folder_edit.setText("/srv/tether")
    dialog.label_combo.setCurrentText("4x6in")
    saved = dialog.save()
    stored = json.loads(saved.settings_file.read_text())
    assert stored["station_name"] == "bench-7" and stored["camera"] == "/videos/demo.mp4"
    assert stored["hot_folder"] == "/srv/tether" and stored["label_size"] == "4x6in"


def test_window_geometry_is_remembered(qtbot, empty_station: StationServices) -> None:
    first = MainWindow(empty_station)
    qtbot.addWidget(first)
    first.show()
    first.resize(1234, 777)
    QApplication.processEvents()
    first.close()
    second = MainWindow(empty_station)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (1234, 777)
    second.close()


def test_pages_for_roles_show_only_to_those_roles(qtbot, window: MainWindow,
                                                  empty_station: StationServices) -> None:
    from PySide6.QtWidgets import QLabel

    add_people(empty_station)
    desk = QLabel("desk")
    window.add_page("Desk", desk, roles={"supervisor", "admin"})
    page = window._role_pages[-1]
    window.show_start()
    assert log_in(qtbot, window, "B-1001", "1234")  # an authenticator
    assert not page.button.isVisibleTo(window)
    window.log_out()
    assert log_in(qtbot, window, "B-9001", "9999")  # the admin
    assert page.button.isVisibleTo(window)
    page.button.click()
    assert window.stack.currentWidget() is desk


@pytest.mark.slow
def test_demo_station_is_seeded_in_the_background(qtbot, window: MainWindow) -> None:
    page = window.first_run
    qtbot.waitUntil(lambda: window.stack.currentWidget() is page, timeout=15_000)
    with qtbot.waitSignal(page.demo_seeded, timeout=120_000):
        page.demo_button.click()
        assert page.progress.isVisible() and not page.demo_button.isEnabled()
    assert window.stack.currentWidget() is window.login
    qtbot.waitUntil(lambda: window.login.demo_box.isVisibleTo(window), timeout=15_000)
    assert log_in(qtbot, window, "B-1001", "1234")
    assert window.home.demo_box.isVisibleTo(window)


def test_a_database_that_cannot_open_is_one_sentence(qtbot, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    from inspector.app import run_station

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: shown.append(text))
    monkeypatch.setattr("inspector.ui.theme.apply_theme", lambda *_a, **_k: None)
    monkeypatch.setattr("inspector.ui.theme.follow_system_theme", lambda *_a: None)
    monkeypatch.setenv("INSPECTOR_HOME", str(tmp_path / "home"))
    folder = tmp_path / "not-a-database"
    folder.mkdir()
    monkeypatch.setenv("INSPECTOR_DATABASE_URL", f"sqlite:///{folder}")  # a folder, not a file
    assert run_station() != 0
    assert len(shown) == 1 and "\n" not in shown[0]
    assert "database" in shown[0].lower() or "records" in shown[0]
    assert "Traceback" not in shown[0]


def test_the_checklist_chooser_works_with_mouse_and_keys(qtbot, window: MainWindow) -> None:
    from inspector.ui.dialogs import ChecklistChooser
    from inspector.ui.theme import apply_theme

    apply_theme(QApplication.instance(), dark=False)  # the bench's stylesheet: item padding included
    chooser = ChecklistChooser("ITEM-1", window.services.ctx.library.all(), window)
    qtbot.addWidget(chooser)
    chooser.show()
    assert chooser.list.count() >= 1 and not chooser.ok_button.isEnabled()  # OK on nothing: disabled
    chooser._accept_if_ready()
    assert chooser.isVisible() and "first" in chooser.note.text()
    last = chooser.list.count() - 1
    rect = chooser.list.visualItemRect(chooser.list.item(last))
    assert rect.height() >= 40  # bench-sized rows, as drawn
    qtbot.mouseClick(chooser.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert chooser.list.selectedItems() == [chooser.list.item(last)] and chooser.ok_button.isEnabled()
    chooser.list.setFocus()
    qtbot.keyClick(chooser.list, Qt.Key.Key_Home)
    assert chooser.checklist_id() == chooser.list.item(0).data(Qt.ItemDataRole.UserRole)
    qtbot.keyClick(chooser.list, Qt.Key.Key_Return)
    window.scanner.release_held_keys()
    assert chooser.result() == chooser.DialogCode.Accepted
