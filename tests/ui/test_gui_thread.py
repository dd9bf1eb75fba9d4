"""No service call and no database session on the GUI thread during a whole inspection at the bench.

Every service of the station and the database's session makers are wrapped: a call made on the
main (GUI) thread is noted with what was called. A whole inspection is then driven through the
window — log in, open an item, a value, a photo, a comparison, results, the summary, the verdict —
and the list must stay empty: a slow or vanished database can then never freeze the bench.
"""

from __future__ import annotations

import functools
import threading
import traceback
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from inspector.services.station import StationServices
from inspector.ui.main_window import MainWindow
from tests.helpers.window import log_in, record_and_wait
from tests.ui.bench import STYLE_CODE, photo_of
from tests.ui.test_station_flow import WAIT_MS, bench_env, services, window

__all__ = ["bench_env", "services", "window"]  # fixtures shared with the whole-inspection test

SERVICES = ("users", "inspections", "comparisons", "reviews", "returns", "certificates", "calibration")


class OnGuiThread:
    """Notes every call made on the main thread (name and the caller's line)."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.active = False

    def wrap(self, name: str, function: Any) -> Any:
        @functools.wraps(function)
        def call(*args: Any, **kwargs: Any) -> Any:
            if self.active and threading.current_thread() is threading.main_thread():
                caller = traceback.extract_stack(limit=3)[0]
                self.calls.append(f"{name} from {Path(caller.filename).name}:{caller.lineno}")
            return function(*args, **kwargs)
        return call


@pytest.fixture
def guard(services: StationServices, monkeypatch: pytest.MonkeyPatch) -> OnGuiThread:
    on_gui = OnGuiThread()
    for service_name in SERVICES:
        service = getattr(services, service_name)
        for name in dir(service):
            member = getattr(service, name)
            if not name.startswith("_") and callable(member):
                monkeypatch.setattr(service, name, on_gui.wrap(f"{service_name}.{name}", member))
    db = services.ctx.db
    for name in ("transaction", "read", "run_transaction"):
        monkeypatch.setattr(db, name, on_gui.wrap(f"db.{name}", getattr(db, name)))
    return on_gui


def test_a_whole_inspection_makes_no_service_call_on_the_gui_thread(
        qtbot, window: MainWindow, guard: OnGuiThread, bench_env: dict[str, str]) -> None:
    guard.active = True
    assert log_in(qtbot, window, "B-1001", "1234")
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home, timeout=WAIT_MS)
    with qtbot.waitSignal(window.home.refreshed, timeout=WAIT_MS):
        window.show_home()
    with qtbot.waitSignal(window.inspection_opened, timeout=WAIT_MS):
        window.open_item("ITEM-GT-1", STYLE_CODE)
    page = window.inspection
    reference = Path(bench_env["INSPECTOR_ASSETS_DIR"]) / "references" / "bench" / "label.png"
    for step in ("box-label", "size-tag"):
        assert page.step_id == step
        with qtbot.waitSignal(page.comparison_shown, timeout=WAIT_MS):
            page.submit_photo(photo_of(reference, seed=len(step)), "camera", ())
        if step == "box-label":  # the value the chooser's style code filled in: Enter records it
            qtbot.waitUntil(lambda: "✓" in page.panel.value_check.text(), timeout=WAIT_MS)
            with qtbot.waitSignal(page.step_recorded, timeout=WAIT_MS):
                qtbot.keyClick(page.panel.value_edit, Qt.Key.Key_Return)
        else:
            assert record_and_wait(qtbot, page, "pass")
    page.step_by(-1)  # back to a step with a photo: its stored comparison and thumbnails come back
    qtbot.waitUntil(lambda: page.view.photos.count() == 1, timeout=WAIT_MS)
    page.go_to("smell")
    with qtbot.waitSignal(window.finish.shown, timeout=WAIT_MS):
        assert record_and_wait(qtbot, page, "pass")
    assert window.stack.currentWidget() is window.finish
    with qtbot.waitSignal(window.finish.finished, timeout=WAIT_MS) as done:
        window.finish.confirm()
    assert done.args[0].verdict == "pass"
    with qtbot.waitSignal(window.home.refreshed, timeout=WAIT_MS):
        window.finish.next_item_requested.emit()
    with qtbot.waitSignal(window.start_shown, timeout=WAIT_MS):  # who exists: read in the background
        window.log_out()
    assert window.stack.currentWidget() is window.login
    guard.active = False
    assert guard.calls == [], "service calls on the GUI thread:\n" + "\n".join(guard.calls)
