"""Closing the window while a photo and a result are still being written: no crash, nothing lost."""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from inspector.services.station import StationServices
from inspector.storage.models import Photo, StepResult
from inspector.ui.background import wait_for_all
from inspector.ui.main_window import MainWindow
from tests.helpers.window import log_in, open_and_wait
from tests.ui.bench import STYLE_CODE, photo_of
from tests.ui.test_station_flow import WAIT_MS, bench_env, services, window

__all__ = ["bench_env", "services", "window"]  # fixtures shared with the whole-inspection test


def test_closing_with_a_photo_and_a_result_pending_loses_nothing(
        qtbot, window: MainWindow, services: StationServices, bench_env: dict[str, str]) -> None:
    assert log_in(qtbot, window, "B-1001", "1234")
    page = open_and_wait(qtbot, window, "ITEM-CLOSE-1", STYLE_CODE)
    inspection_id = page.inspection_id
    reference = Path(bench_env["INSPECTOR_ASSETS_DIR"]) / "references" / "bench" / "label.png"
    photo = photo_of(reference, seed=31)
    page.submit_photo(photo, "camera", ())  # kept and saved in the background
    page.go_to("smell")
    page.record("pass")  # written in the background
    assert page.photo_saver.pending and page.recording  # both still on their way
    window.close_without_asking = True  # the question is tested elsewhere; here: what follows it
    window.close()
    assert wait_for_all(WAIT_MS)
    for _ in range(5):  # the closed window gets the jobs' answers: it must take them quietly
        QApplication.processEvents()
    assert wait_for_all(WAIT_MS)  # and start nothing that outlives it

    sha256 = hashlib.sha256(photo).hexdigest()
    with services.ctx.db.read() as session:
        results = session.scalars(select(StepResult.step_id).where(
            StepResult.inspection_id == inspection_id)).all()
        stored = session.scalars(select(Photo.sha256).where(Photo.inspection_id == inspection_id)).all()
    assert "smell" in results
    journal = services.ctx.settings.home / "pending-photos"
    kept = list(journal.glob("*.json")) if journal.is_dir() else []
    assert stored.count(sha256) == 1 or (not stored and kept), (stored, kept)  # in the records or on disk

    # The next window at this station: whatever was kept is recorded, once.
    again = MainWindow(services)
    qtbot.addWidget(again)
    again.close_without_asking = True
    again.show()
    assert log_in(qtbot, again, "B-1001", "1234")
    qtbot.waitUntil(lambda: not again.inspection.photo_saver.pending, timeout=WAIT_MS)
    with services.ctx.db.read() as session:
        stored = session.scalars(select(Photo.sha256).where(Photo.inspection_id == inspection_id)).all()
    assert stored.count(sha256) == 1
    assert not journal.is_dir() or not list(journal.glob("*.json"))
    again.close()
