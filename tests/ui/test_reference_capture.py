"""The reference capture flow through the real window: a supervisor films a genuine item with the
station camera (a video file here), saves, and the next inspection uses the new checklist version."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from inspector.domain.loading import validate_paths
from inspector.security.roles import Role
from inspector.services.station import StationServices, open_station
from inspector.storage.models import AuditEvent, Inspection
from inspector.ui import references
from inspector.ui.main_window import MainWindow
from inspector.ui.references.page import ReferencesPage
from tests.helpers.window import log_in
from tests.ui.bench import STYLE_CODE, add_people, build_bench, photo_of, settings_for
from tests.ui.conftest import write_video

WAIT_MS = 20_000


@pytest.fixture
def services(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[StationServices]:
    env = build_bench(tmp_path)
    # The station camera is a video file of another genuine unit's label, as a camera films it.
    reference = Path(env["INSPECTOR_ASSETS_DIR"]) / "references" / "bench" / "label.png"
    frames = [cv2.imdecode(np.frombuffer(photo_of(reference, seed=40 + n), np.uint8), cv2.IMREAD_COLOR)
              for n in range(4)]
    env["INSPECTOR_CAMERA"] = str(write_video(tmp_path / "camera.avi", frames, fps=10))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    station = open_station(settings_for(env))
    add_people(station)
    admin = station.users.login("B-9001", "9999")
    station.users.create_user(admin, "Morgan Supervisor", "3456", Role.SUPERVISOR, "B-2001")
    yield station
    station.close()


@pytest.fixture
def window(qtbot, services: StationServices) -> Iterator[MainWindow]:
    main = MainWindow(services)
    references.register(main)  # as inspector.app does
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.close()


def _header_button(window: MainWindow, title: str):  # type: ignore[no-untyped-def]
    (page,) = [page for page in window._role_pages if page.title == title]
    return page.button


def test_a_supervisor_captures_a_reference_and_the_next_inspection_uses_it(
        qtbot, window: MainWindow, services: StationServices) -> None:
    alex = services.users.login("B-1001", "1234")
    before = services.inspections.start_or_resume(alex, "ITEM-OLD", style_code=STYLE_CODE).inspection

    button = _header_button(window, "References")
    assert not button.isVisible()  # nobody logged in (an authenticator's header hides it too)
    assert log_in(qtbot, window, "B-2001", "3456")
    assert button.isVisible()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    page: ReferencesPage = window.references  # type: ignore[attr-defined]
    assert window.stack.currentWidget() is page
    # The verified genuine item is scanned: the scan lands on this page and picks its checklist.
    window._on_code_scanned(STYLE_CODE)
    assert page.item_edit.text() == STYLE_CODE
    assert page.checklist_box.currentData() == "bench-runner"
    page.choose("bench-runner", "box-label")
    assert "version 1" in page.set_label.text() and "1 genuine reference" in page.set_label.text()

    # The camera runs while the page is on screen; the shutter takes the next fresh frame.
    qtbot.waitUntil(lambda: page.capture.camera is not None
                    and page.capture.camera.latest_frame() is not None, timeout=WAIT_MS)
    qtbot.mouseClick(page.capture.capture_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(page.photos) == 1, timeout=WAIT_MS)
    assert page.taken_list.count() == 1 and page.save_button.isEnabled()
    with qtbot.waitSignal(page.saved, timeout=WAIT_MS) as saved:
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    added = saved.args[0]
    assert added.version == 2 and len(added.references) == 2
    assert "version 2" in page.set_label.text() and "2 genuine references" in page.set_label.text()
    assert page.photos == []

    # The files on disk make a valid checklist on their own (what a restarted station loads).
    settings = services.ctx.settings
    assert validate_paths([settings.checklists_dir], settings.assets_dir) == []
    assert (settings.assets_dir / added.added[0]).is_file()
    with services.ctx.db.read() as session:
        (event,) = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "checklist.references_added"))
        assert json.loads(event.data)["step"] == "box-label"
        assert json.loads(event.data)["item"] == STYLE_CODE

    # Leaving the page stops its camera; the next inspection opened in the window uses version 2.
    qtbot.mouseClick(window.bench_button, Qt.MouseButton.LeftButton)
    assert page.capture.camera is None
    with qtbot.waitSignal(window.inspection_opened, timeout=WAIT_MS) as opened:
        window.open_item("ITEM-NEW", STYLE_CODE)
    with services.ctx.db.read() as session:
        new, old = session.get(Inspection, opened.args[0]), session.get(Inspection, before.id)
        assert new is not None and old is not None
        assert (new.checklist_version, new.checklist_hash) == (2, added.content_hash)
        assert old.checklist_version == 1
    assert len(services.comparisons.reference_set_paths(opened.args[0], "box-label")) == 2

